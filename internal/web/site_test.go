package web

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExport writes the static site, refuses a directory that is not an
// earlier export, and replaces an earlier export whole.
func TestExport(t *testing.T) {
	f := newFixture(t)
	out := filepath.Join(t.TempDir(), "site")
	st, err := Export(f.root, out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Tasks != 5 || st.Runs != 1 || st.Assets < 3 {
		t.Errorf("stats %+v", st)
	}
	for _, name := range []string{"index.html", "graph.html", "runs.html", "tasks/TASK-0001.html", "runs/1.html", "assets/app.css", "assets/app.js", SiteMarker} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	board, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if strings.Contains(string(board), "data-live") || !strings.Contains(string(board), `href="assets/app.css"`) {
		t.Error("the static board subscribes to live updates or links its assets absolutely")
	}
	task, _ := os.ReadFile(filepath.Join(out, "tasks", "TASK-0001.html"))
	if !strings.Contains(string(task), `href="../assets/app.css"`) || !strings.Contains(string(task), `href="../index.html"`) {
		t.Error("a task page does not link relatively")
	}

	// Again into the same directory: replaced, no debris beside it.
	os.WriteFile(filepath.Join(out, "stale.html"), []byte("old"), 0o644)
	if _, err := Export(f.root, out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "stale.html")); err == nil {
		t.Error("the earlier export was merged, not replaced")
	}
	ents, _ := os.ReadDir(filepath.Dir(out))
	if len(ents) != 1 {
		t.Errorf("left beside the export: %v", ents)
	}

	// A directory with something else in it is never touched.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "thesis.tex"), []byte("precious"), 0o644)
	if _, err := Export(f.root, other); !errors.Is(err, ErrNotSite) {
		t.Errorf("export into a foreign directory: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(other, "thesis.tex")); string(b) != "precious" {
		t.Error("the foreign directory was changed")
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	if _, err := Export(f.root, file); !errors.Is(err, ErrNotSite) {
		t.Errorf("export onto a file: %v", err)
	}
}

// TestExportBadRepository fails before writing anything.
func TestExportBadRepository(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	if _, err := Export(t.TempDir(), out); err == nil || !strings.Contains(err.Error(), "no tasks directory") {
		t.Errorf("err %v", err)
	}
	ents, _ := os.ReadDir(filepath.Dir(out))
	if len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}
