package board_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/taskproof/taskproof/internal/board"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/testcorpus"
)

// TestHistoryCRLF: a tree checked out with CRLF line endings (a Windows
// clone, core.autocrlf) reads exactly like the LF tree: the same status
// for every task, the same dependencies and the same drift findings.
func TestHistoryCRLF(t *testing.T) {
	for _, commit := range []string{"919b37fe", "f77db64d"} {
		t.Run(commit, func(t *testing.T) {
			lf := testcorpus.HistoryTasks(t, commit)
			crlf := t.TempDir()
			copyTree(t, filepath.Join(lf, "tasks"), filepath.Join(crlf, "tasks"), func(b []byte) []byte {
				return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
			})
			repLF, docsLF := driftDir(t, lf, nil)
			repCR, docsCR := driftDir(t, crlf, nil)
			if len(docsLF) == 0 || len(docsLF) != len(docsCR) {
				t.Fatalf("%d documents with LF, %d with CRLF", len(docsLF), len(docsCR))
			}
			for i, a := range docsLF {
				b := docsCR[i]
				if a.ID != b.ID || a.Status != b.Status || a.Title != b.Title || !slices.Equal(depIDs(a), depIDs(b)) {
					t.Errorf("%s: LF %s %+v %v, CRLF %s %+v %v", a.Path, a.ID, a.Status, depIDs(a), b.ID, b.Status, depIDs(b))
				}
			}
			if !slices.Equal(findingKeys(repLF), findingKeys(repCR)) {
				t.Errorf("drift differs:\nLF   %v\nCRLF %v", findingKeys(repLF), findingKeys(repCR))
			}
			if len(repLF.Findings) == 0 {
				t.Error("no findings at all: the comparison would be vacuous")
			}
		})
	}
}

func depIDs(d *task.Document) []string {
	var out []string
	for _, x := range d.Deps {
		out = append(out, string(x.ID)+"/"+string(x.Kind))
	}
	return out
}

func findingKeys(r *board.Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprintf("%s:%d: %s: %s", f.File, f.Line, f.Kind, f.Message))
	}
	return out
}

func copyTree(t *testing.T, from, to string, conv func([]byte) []byte) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), conv(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
