package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/live"
)

// TestSharedRuns: a prove recorded with the shared runs that proved it
// (ledger run_proofs) names them in the task's history, and its run page
// links the other tasks the same shared run proved.
func TestSharedRuns(t *testing.T) {
	f := newFixture(t)
	l, err := ledger.Open(ledger.DefaultPath(f.root))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, id := range []string{"TASK-0001", "TASK-0002"} {
		n, err := l.Record(context.Background(), ledger.Run{
			Kind: ledger.KindProve, TaskID: id, Commit: strings.Repeat("ab", 20), Command: []string{"taskproof", "prove", "--all"},
			Verdict: "proven", StartedAt: time.Date(2026, 3, 2, 12, i, 0, 0, time.UTC),
			Proofs: []ledger.ProofRun{{N: 1, Shared: "c0ffee123456", Exec: "c0ffee123456-1"}, {N: 2, Shared: "feed00000001", Exec: "feed00000001-1", Reused: "feed00000001-0"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, n)
	}
	l.Close()
	h := NewServer(f.root, Options{})
	body := get(t, h, "GET", "/tasks/TASK-0001.html", "").Body.String()
	if !strings.Contains(body, `<code>c0ffee123456</code>, <code>feed00000001 (reused)</code>`) {
		t.Errorf("task history does not name the shared runs:\n%s", body)
	}
	body = get(t, h, "GET", fmt.Sprintf("/runs/%d.html", ids[0]), "").Body.String()
	if !strings.Contains(body, `<code>c0ffee123456</code> ran here · also proved <a href="../tasks/TASK-0002.html">TASK-0002</a>`) {
		t.Errorf("run page does not link the other task the shared run proved:\n%s", body)
	}
	if !strings.Contains(body, `<code>feed00000001</code> reused from <code>feed00000001-0</code>`) {
		t.Errorf("run page does not say the second run was reused:\n%s", body)
	}

	// The live record of that prove --all, finished with both ledger ids:
	// its page lists each task's ledger run with its shared runs, and is
	// not passed off as the first task's run.
	rec, err := live.Start(f.root, live.KindProve, "", []string{"taskproof", "prove", "--all"})
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Finish("proven", "2 runs", ids...); err != nil {
		t.Fatal(err)
	}
	body = get(t, h, "GET", "/runs/live-"+rec.ID()+".html", "").Body.String()
	for i, id := range []string{"TASK-0001", "TASK-0002"} {
		want := fmt.Sprintf(`<a class="ledger-link" href="../runs/%d.html">run #%d</a> · <a href="../tasks/%s.html">%s</a>`, ids[i], ids[i], id, id)
		if !strings.Contains(body, want) {
			t.Errorf("live page of prove --all lacks %s's ledger run %s:\n%s", id, want, body)
		}
	}
	if strings.Count(body, "shared run <code>c0ffee123456</code>") != 2 {
		t.Errorf("live page of prove --all does not name each run's shared runs:\n%s", body)
	}
	if strings.Contains(body, "<h1>Run #") {
		t.Errorf("live page of prove --all shows one task's ledger run as the whole:\n%s", body)
	}
}
