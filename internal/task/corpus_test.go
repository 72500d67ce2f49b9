package task

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/testcorpus"
)

// corpusFiles returns the corpus task files (TASK-*.md without the
// template), read once.
func corpusFiles(tb testing.TB) (names []string, srcs [][]byte) {
	tb.Helper()
	dir := filepath.Join(testcorpus.Dir(tb), "tasks")
	paths, err := filepath.Glob(filepath.Join(dir, "TASK-*.md"))
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if filepath.Base(p) == "TASK-TEMPLATE.md" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		names = append(names, "tasks/"+filepath.Base(p))
		srcs = append(srcs, b)
	}
	return names, srcs
}

func parseCorpus(t *testing.T) map[ID][]*Document {
	t.Helper()
	names, srcs := corpusFiles(t)
	if len(names) != 353 {
		t.Fatalf("corpus has %d task files; want 353", len(names))
	}
	byID := map[ID][]*Document{}
	for i, n := range names {
		d, err := Parse(n, srcs[i])
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if d.ID == "" {
			t.Errorf("%s: no id", n)
		}
		byID[d.ID] = append(byID[d.ID], d)
	}
	return byID
}

func one(t *testing.T, byID map[ID][]*Document, id ID) *Document {
	t.Helper()
	ds := byID[id]
	if len(ds) != 1 {
		t.Fatalf("%s: %d documents", id, len(ds))
	}
	return ds[0]
}

func TestCorpusStatusClasses(t *testing.T) {
	byID := parseCorpus(t)
	counts := map[StatusClass]int{}
	var unknown []string
	files, withFM := 0, 0
	for _, ds := range byID {
		for _, d := range ds {
			files++
			if d.HasFrontMatter {
				withFM++
			}
			counts[d.Status.Class]++
			if d.Status.Class == "" {
				unknown = append(unknown, string(d.ID))
			}
		}
	}
	want := map[StatusClass]int{"Draft": 220, "Done": 107, "Superseded": 17, "In Progress": 6, "Deferred": 1, "": 2}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("class %q: %d; want %d", k, counts[k], v)
		}
	}
	for k, v := range counts {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected class %q (%d)", k, v)
		}
	}
	sort.Strings(unknown)
	if strings.Join(unknown, ",") != "TASK-0304,TASK-0309" {
		t.Errorf("unknown statuses: %v", unknown)
	}
	if files != 353 || withFM != 349 || len(byID) != 352 {
		t.Errorf("files %d, with front matter %d, distinct ids %d; want 353, 349, 352", files, withFM, len(byID))
	}
	if n := len(byID["TASK-0081"]); n != 2 {
		t.Errorf("TASK-0081: %d files; want 2 (the corpus duplicate)", n)
	}
	if d := one(t, byID, "TASK-0247"); d.Status.Raw != "done" || d.Status.Class != "Done" {
		t.Errorf("TASK-0247 status %+v", d.Status)
	}
	if d := one(t, byID, "TASK-0011"); d.Status.Raw != "Complete" || d.Status.Class != "Done" {
		t.Errorf("TASK-0011 status %+v", d.Status)
	}
	for id, ds := range byID {
		for _, d := range ds {
			if d.FileID != id {
				t.Errorf("%s: title id %s, file id %s", d.Path, id, d.FileID)
			}
		}
	}
}

func TestCorpusHeaderless(t *testing.T) {
	byID := parseCorpus(t)
	tests := []struct {
		id     ID
		title  string // prefix
		status StatusClass
		raw    string // prefix
	}{
		{"TASK-0301", "IPC last-sender EOF", "Done", "Done"},
		{"TASK-0302", "Shared glyph-atlas RO VMO", "Done", "Done"},
		{"TASK-0303", "Process reaper", "Done", "Done (boot-proven"},
		{"TASK-0304", "Shared-AS reap ordering", "", "Part 1 Done"},
	}
	for _, tt := range tests {
		d := one(t, byID, tt.id)
		if d.HasFrontMatter || d.IDLine != 1 || d.Status.Line != 3 {
			t.Errorf("%s: front matter %v, id line %d, status line %d", tt.id, d.HasFrontMatter, d.IDLine, d.Status.Line)
		}
		if !strings.HasPrefix(d.Title, tt.title) || d.Status.Class != tt.status || !strings.HasPrefix(d.Status.Raw, tt.raw) {
			t.Errorf("%s: title %q, status %+v", tt.id, d.Title, d.Status)
		}
		if !strings.HasPrefix(d.Owner.Value, "@") {
			t.Errorf("%s: owner %+v", tt.id, d.Owner)
		}
	}
}

func hasDep(d *Document, id ID, kind DepKind) bool {
	for _, x := range d.Deps {
		if x.ID == id && x.Kind == kind {
			return true
		}
	}
	return false
}

func TestCorpusDependencies(t *testing.T) {
	byID := parseCorpus(t)
	// The depends-on cycle.
	if !hasDep(one(t, byID, "TASK-0008B"), "TASK-0009", DepDependsOn) || !hasDep(one(t, byID, "TASK-0009"), "TASK-0008B", DepDependsOn) {
		t.Error("depends-on cycle TASK-0008B <-> TASK-0009 not found")
	}
	// TASK-0004 writes TASK‑0005 with U+2011 in prose ("a follow-on phase").
	d4 := one(t, byID, "TASK-0004")
	found := false
	for _, x := range d4.Deps {
		if x.ID == "TASK-0005" && x.Kind == DepFollowUp && x.Line == 88 {
			found = true
		}
	}
	if !found {
		t.Errorf("TASK-0004 -> TASK-0005 (U+2011, line 88) missing: %+v", d4.Deps)
	}
	// Dangling ids: referenced, no file.
	dangling := map[ID]bool{}
	mentioned := map[ID]bool{}
	for _, ds := range byID {
		for _, d := range ds {
			for _, x := range d.Deps {
				if byID[x.ID] == nil {
					dangling[x.ID] = true
				}
			}
			for _, m := range d.Mentions {
				if byID[m.ID] == nil {
					mentioned[m.ID] = true
				}
			}
		}
	}
	if !dangling["TASK-0064B"] {
		t.Errorf("TASK-0064B is not a dangling dependency; dangling = %v", dangling)
	}
	if !mentioned["TASK-0012C"] || !mentioned["TASK-0064B"] {
		t.Errorf("mentioned without file = %v; want TASK-0012C and TASK-0064B", mentioned)
	}
	// TASK-0012B only says `No "TASK-0012C" scope split`: a mention, not an edge.
	if hasDep(one(t, byID, "TASK-0012B"), "TASK-0012C", DepProse) {
		t.Error("TASK-0012B: mention of TASK-0012C became a dependency")
	}
	// TASK-0290 quotes a corrected `depends-on: TASK-0054B/…`: not an edge.
	for _, x := range one(t, byID, "TASK-0290").Deps {
		if x.ID == "TASK-0054B" {
			t.Errorf("TASK-0290: quoted, corrected dependency read as an edge: %+v", x)
		}
	}
	// A link label and a prose phrase from the corpus.
	if !hasDep(one(t, byID, "TASK-0033"), "TASK-0295", DepSuperseed) {
		t.Error("TASK-0033: Superseded by TASK-0295 missing")
	}
	if !hasDep(one(t, byID, "TASK-0157"), "TASK-0009", DepProse) {
		t.Error("TASK-0157: gated on TASK-0009 missing")
	}
}

func TestCorpusProofs(t *testing.T) {
	byID := parseCorpus(t)
	d := one(t, byID, "TASK-0003B")
	wantCmd := map[string]ProofKind{
		"RUN_UNTIL_MARKER=1 RUN_TIMEOUT=90s ./scripts/qemu-test.sh": ProofQEMU,
		"cargo test -p nexus-noise-xk":                              ProofSecurity,
	}
	for _, p := range d.Proofs {
		if k, ok := wantCmd[p.Command]; ok && k == p.Kind {
			delete(wantCmd, p.Command)
		}
	}
	if len(wantCmd) > 0 {
		t.Errorf("TASK-0003B proofs %+v; missing %v", d.Proofs, wantCmd)
	}
	markers := map[string]bool{}
	for _, m := range d.Markers {
		markers[m.Text] = true
	}
	if !markers["dsoftbusd: auth ok"] {
		t.Errorf("TASK-0003B markers %+v", d.Markers)
	}
	if !d.Security.Relevant || d.Security.ProofLine == 0 {
		t.Errorf("TASK-0003B security %+v", d.Security)
	}
	if len(d.Touched) != 6 || d.Touched[0].Pattern != "source/services/dsoftbusd/**" {
		t.Errorf("TASK-0003B touched %+v", d.Touched)
	}
	// TASK-0008B lists test_reject_* tests under its Security proof.
	var rejects int
	for _, tr := range one(t, byID, "TASK-0008B").Tests {
		if tr.Security && strings.HasPrefix(tr.Name, "test_reject_") {
			rejects++
		}
	}
	if rejects < 2 {
		t.Errorf("TASK-0008B security tests: %+v", one(t, byID, "TASK-0008B").Tests)
	}
	// TASK-0023B has an Out-of-allowlist list.
	var deny int
	for _, p := range one(t, byID, "TASK-0023B").Touched {
		if p.Deny {
			deny++
		}
	}
	if deny != 4 {
		t.Errorf("TASK-0023B: %d denied paths; want 4", deny)
	}
	// Across the corpus: most tasks have a Stop-conditions section and an
	// allowlist; none has a marker that is really an id or a path.
	withStop, withTouched := 0, 0
	for _, ds := range byID {
		for _, d := range ds {
			if _, ok := d.Section(IsStopConditionsHeading); ok {
				withStop++
			}
			if len(d.Touched) > 0 {
				withTouched++
			}
			for _, m := range d.Markers {
				if _, isID := ParseID(m.Text); isID || strings.HasPrefix(m.Text, "./") {
					t.Errorf("%s:%d: marker %q", d.Path, m.Line, m.Text)
				}
			}
		}
	}
	if withStop < 330 || withTouched < 320 {
		t.Errorf("stop-conditions sections %d, allowlists %d; want >= 330, >= 320", withStop, withTouched)
	}
}
