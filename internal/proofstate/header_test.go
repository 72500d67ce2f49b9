package proofstate

import (
	"reflect"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/task"
)

func TestCanonicalStatus(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"done", "Done", true},
		{"DONE", "Done", true},
		{"in review", "In Review", true},
		{"in-review", "In Review", true},
		{"IN_PROGRESS", "In Progress", true},
		{"  superseded ", "Superseded", true},
		{"complete", "Done", true}, // alias
		{"wip", "In Progress", true},
		{"Done ✅", "", false},
		{"Done-ish", "", false},
		{"finished", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := CanonicalStatus(c.in, config.DefaultVocabulary, config.DefaultAliases)
		if got != c.want || ok != c.ok {
			t.Errorf("CanonicalStatus(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestSetStatus(t *testing.T) {
	cases := []struct {
		name, src, value, want string
		err                    string
	}{
		{"front matter",
			"---\ntitle: TASK-0001 X\nstatus: In Progress\nowner: @a\n---\n\n# body status: x\n",
			"Done",
			"---\ntitle: TASK-0001 X\nstatus: Done\nowner: @a\n---\n\n# body status: x\n", ""},
		{"front matter, CRLF and trailing spaces kept",
			"---\r\ntitle: TASK-0001 X\r\nstatus:   Draft   \r\n---\r\n",
			"In Review",
			"---\r\ntitle: TASK-0001 X\r\nstatus:   In Review   \r\n---\r\n", ""},
		{"quoted value keeps its quotes",
			"---\ntitle: TASK-0001 X\nstatus: \"Draft\"\n---\n",
			"Done",
			"---\ntitle: TASK-0001 X\nstatus: \"Done\"\n---\n", ""},
		{"state key",
			"---\ntitle: TASK-0001 X\nstate: Draft\n---\n",
			"Blocked",
			"---\ntitle: TASK-0001 X\nstate: Blocked\n---\n", ""},
		{"header-less bullet",
			"# TASK-0001: X\n\n- Status: In Progress ✅\n- Owner: @a\n\n## Goal\n",
			"Done",
			"# TASK-0001: X\n\n- Status: Done\n- Owner: @a\n\n## Goal\n", ""},
		{"header-less bold key",
			"# TASK-0001: X\n\n- **Status:** Draft\n",
			"Deferred",
			"# TASK-0001: X\n\n- **Status:** Deferred\n", ""},
		{"header-less bold key outside the colon, no final newline",
			"# TASK-0001: X\n\n* **Status**: Draft",
			"Done",
			"# TASK-0001: X\n\n* **Status**: Done", ""},
		{"BOM kept",
			"\xef\xbb\xbf---\ntitle: TASK-0001 X\nstatus: Draft\n---\n",
			"Done",
			"\xef\xbb\xbf---\ntitle: TASK-0001 X\nstatus: Done\n---\n", ""},
		{"empty status value",
			"---\ntitle: TASK-0001 X\nstatus:\nowner: @a\n---\n",
			"Draft",
			"---\ntitle: TASK-0001 X\nstatus: Draft\nowner: @a\n---\n", ""},
		{"no status",
			"---\ntitle: TASK-0001 X\n---\n", "Done", "", "has no status line; add a `status: Draft` line"},
		{"no status, header-less",
			"# TASK-0001: X\n\n- Owner: @a\n", "Done", "", "add a `- Status: Draft` bullet"},
		{"status continues",
			"---\ntitle: TASK-0001 X\nstatus: In Progress\n  (phase 2)\n---\n", "Done", "", "continues past this line"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := task.Parse("tasks/TASK-0001-x.md", []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			got, err := SetStatus([]byte(c.src), doc, c.value)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Fatalf("got\n%q\nwant\n%q", got, c.want)
			}
			// The edit is read back as the new status.
			again, _ := task.Parse("tasks/TASK-0001-x.md", got)
			if again.Status.Raw != c.value || again.Status.Line != doc.Status.Line {
				t.Fatalf("re-parsed status %q at line %d", again.Status.Raw, again.Status.Line)
			}
		})
	}
}

func TestSuccessors(t *testing.T) {
	cases := []struct {
		name, src  string
		ids        []task.ID
		fromStatus bool
	}{
		{"none", "---\ntitle: TASK-0001 X\nstatus: Draft\n---\n", nil, false},
		{"header field", "---\ntitle: TASK-0001 X\nstatus: Draft\nsuperseded-by: TASK-0009\n---\n", []task.ID{"TASK-0009"}, false},
		{"status only", "---\ntitle: TASK-0001 X\nstatus: Superseded (replaced by TASK-0241)\n---\n", []task.ID{"TASK-0241"}, true},
		{"written by status set", "---\ntitle: TASK-0001 X\nstatus: " + SupersededValue("Superseded", []task.ID{"TASK-0002", "TASK-0003"}) + "\n---\n", []task.ID{"TASK-0002", "TASK-0003"}, true},
	}
	for _, c := range cases {
		doc, _ := task.Parse("tasks/TASK-0001-x.md", []byte(c.src))
		ids, fs := Successors(doc)
		if !reflect.DeepEqual(ids, c.ids) || fs != c.fromStatus {
			t.Errorf("%s: Successors = %q, %v; want %q, %v", c.name, ids, fs, c.ids, c.fromStatus)
		}
	}
	doc, _ := task.Parse("tasks/TASK-0001-x.md", []byte("---\ntitle: TASK-0001 X\nstatus: Superseded by TASK-0002\n---\n"))
	if task.Classify(doc.Status.Raw, config.DefaultVocabulary, config.DefaultAliases) != "Superseded" {
		t.Fatalf("%q does not classify as Superseded", doc.Status.Raw)
	}
}
