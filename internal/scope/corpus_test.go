package scope

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/testcorpus"
)

// TestCorpusAllowlists classifies every allowlist item of every open-nexus
// task as a path pattern, a mention or unverifiable prose, checks that the
// classification is sensible, and logs the counts.
func TestCorpusAllowlists(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(t), "tasks")
	files, err := filepath.Glob(filepath.Join(dir, "TASK-*.md"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var n struct {
		tasks, noAllowlist, items, bullets, patterns, dirs, paths, globs, braces, prose, mentions, deny, spaces int
	}
	byTask := map[string]*Allowlist{}
	for _, f := range files {
		if filepath.Base(f) == "TASK-TEMPLATE.md" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel := "tasks/" + filepath.Base(f)
		d, err := task.Parse(rel, src)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		n.tasks++
		a := Compile(rel, d.Touched, []string{"tasks/STATUS-BOARD.md", "Cargo.lock"})
		byTask[string(d.ID)] = a
		if !a.HasTaskItems() {
			n.noAllowlist++
			r := Check(a, nil)
			if r.OK() || r.Violations[0].Reason != NoAllowlistReason {
				t.Errorf("%s: no allowlist but %+v", rel, r.Violations)
			}
			continue
		}
		n.items += len(d.Touched)
		lines := map[int]bool{}
		for _, e := range a.Entries {
			if e.Source != SourceTask {
				continue
			}
			lines[e.Line] = true
			if e.Deny {
				n.deny++
			}
			switch e.Kind {
			case KindProse:
				n.prose++
				if e.Match != "" {
					t.Errorf("%s:%d: prose with a match %q", rel, e.Line, e.Match)
				}
				continue
			case KindMention:
				n.mentions++
				if e.Match != "" {
					t.Errorf("%s:%d: mention with a match %q", rel, e.Line, e.Match)
				}
				continue
			case KindDir:
				n.dirs++
			case KindPath:
				n.paths++
			case KindGlob:
				n.globs++
			default:
				t.Errorf("%s:%d: kind %q", rel, e.Line, e.Kind)
			}
			n.patterns++
			if e.Brace {
				n.braces++
			}
			m := e.Match
			switch {
			case !doublestar.ValidatePattern(m):
				t.Errorf("%s:%d: pattern %q (from %q) does not compile", rel, e.Line, m, e.Pattern)
			case strings.Contains(m, " ") && !strings.HasPrefix(strings.TrimSpace(e.Raw), "`"+strings.TrimSpace(e.Pattern)):
				t.Errorf("%s:%d: pattern %q has a space but was not quoted", rel, e.Line, m)
			case strings.ContainsAny(m, "<>|;=$\"'`") || strings.Contains(m, "://"):
				t.Errorf("%s:%d: pattern %q looks like code or a URI, not a path", rel, e.Line, m)
			case strings.HasPrefix(m, "/") || strings.HasPrefix(m, "../") || strings.HasSuffix(m, "/"):
				t.Errorf("%s:%d: pattern %q is not a clean repository-relative path", rel, e.Line, m)
			case m == "**" || m == "*" || strings.HasPrefix(m, "**/*") && !strings.Contains(m[4:], "/") && !strings.Contains(m, "."):
				t.Errorf("%s:%d: pattern %q allows (almost) everything", rel, e.Line, m)
			}
			if strings.Contains(m, " ") {
				n.spaces++
			}
			// A pattern allows at least one path of its own shape.
			if e.Kind != KindGlob && !e.Matches(m) {
				t.Errorf("%s:%d: %s %q does not match itself", rel, e.Line, e.Kind, m)
			}
		}
		n.bullets += len(lines)
	}
	t.Logf("corpus allowlists: %d tasks, %d without an allowlist; %d parser items on %d bullets -> %d patterns (%d dirs, %d paths, %d globs of which %d with braces; %d with spaces), %d prose (unverifiable), %d mentions; %d deny entries",
		n.tasks, n.noAllowlist, n.items, n.bullets, n.patterns, n.dirs, n.paths, n.globs, n.braces, n.spaces, n.prose, n.mentions, n.deny)

	// Measured shape of the corpus (README: 353 task files); the bounds
	// leave room for parser refinements but catch a classification that
	// goes wrong wholesale.
	if n.tasks != 353 {
		t.Errorf("tasks = %d; want 353", n.tasks)
	}
	if n.noAllowlist < 10 || n.noAllowlist > 30 {
		t.Errorf("tasks without an allowlist = %d; want 10..30 (20 measured)", n.noAllowlist)
	}
	if n.patterns < 2000 || n.prose > n.patterns/10 || n.braces < 20 || n.globs < 60 || n.dirs < 900 {
		t.Errorf("implausible classification: %+v", n)
	}

	// Specific items, by task and line.
	expect := func(id string, line int, kind Kind, match string) {
		t.Helper()
		a := byTask[id]
		if a == nil {
			t.Errorf("%s: not in the corpus", id)
			return
		}
		for _, e := range a.Entries {
			if e.Line == line && e.Kind == kind && e.Match == match {
				return
			}
		}
		var got []string
		for _, e := range a.Entries {
			if e.Line == line {
				got = append(got, string(e.Kind)+" "+e.Match)
			}
		}
		t.Errorf("%s:%d: want %s %q; got %q", id, line, kind, match, got)
	}
	expect("TASK-0023B", 205, KindPath, "justfile")
	expect("TASK-0023B", 218, KindMention, "")                // `test-*` inside the remark
	expect("TASK-0029", 270, KindDir, "tests")                // `tests/` (… the `test_reject_*` set …)
	expect("TASK-0029", 270, KindMention, "")                 // … whose `test_reject_*` is a mention
	expect("TASK-0064", 179, KindMention, "")                 // "host tests live in `window_frame.rs` + …": bare names in a sentence
	expect("TASK-0064", 179, KindPath, "compositor/tests.rs") // … but a path with a slash still counts (it matches nothing at the root)
	expect("TASK-0055", 248, KindProse, "")                   // "Config/policy docs … only if `ui.profile` …"
	expect("TASK-0174", 111, KindProse, "")                   // `pkg://i18n/`
	expect("TASK-0315", 95, KindGlob, "docs/adr/0044-*")      // `docs/adr/0044-…`
	expect("TASK-0036", 147, KindProse, "")                   // `healthd` (a service, not a path)
	var deny int
	for _, e := range byTask["TASK-0023B"].Entries {
		if e.Deny && e.Kind != KindProse && e.Kind != KindMention {
			deny++
			if byTask["TASK-0023B"].Check(e.Match).Allowed {
				t.Errorf("TASK-0023B: deny %q does not forbid itself", e.Match)
			}
		}
	}
	if deny != 4 {
		t.Errorf("TASK-0023B deny patterns = %d; want 4", deny)
	}
}
