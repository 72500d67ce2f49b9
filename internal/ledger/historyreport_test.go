package ledger

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestHistoryReportTruncates(t *testing.T) {
	l, _ := openTemp(t)
	for i := range 3 {
		if _, err := l.Record(ctx, Run{Kind: KindProve, TaskID: "TASK-0001", Verdict: "PASS", StartedAt: t0.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		limit     int
		runs      int
		truncated bool
	}{{0, 3, false}, {2, 2, true}, {3, 3, false}, {5, 3, false}} {
		doc, err := l.HistoryReport(ctx, "TASK-0001", c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Runs) != c.runs || doc.Truncated != c.truncated || doc.TaskID != "TASK-0001" {
			t.Errorf("limit %d: %d runs, truncated %v; want %d, %v", c.limit, len(doc.Runs), doc.Truncated, c.runs, c.truncated)
		}
	}
}

// TestReadHistoryAndFlaky: without a ledger the reports are empty and say
// so, and reading does not create one; with one, a task without runs is
// told apart from a table of runs.
func TestReadHistoryAndFlaky(t *testing.T) {
	root := t.TempDir()
	doc, text, err := ReadHistory(ctx, root, "TASK-0001", 20, false)
	if err != nil || len(doc.Runs) != 0 || doc.Runs == nil || !strings.Contains(string(text), "does not exist") {
		t.Fatalf("no ledger: %+v %q %v", doc, text, err)
	}
	flaky, text, err := ReadFlaky(ctx, root, 2)
	if err != nil || flaky.Items == nil || flaky.MinRuns != 2 || !strings.Contains(string(text), "does not exist") {
		t.Fatalf("no ledger, flaky: %+v %q %v", flaky, text, err)
	}
	if _, err := os.Stat(DefaultPath(root)); err == nil {
		t.Fatal("reading made a ledger")
	}
	if err := os.MkdirAll(filepath.Dir(DefaultPath(root)), 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := Open(DefaultPath(root))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Record(ctx, Run{Kind: KindProve, TaskID: "TASK-0001", Verdict: "PASS", StartedAt: t0}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	for _, c := range []struct {
		task string
		all  bool
		runs int
		text string
	}{
		{"TASK-0001", false, 1, "TASK-0001: 1 run, newest first"},
		{"TASK-0002", false, 0, "no runs recorded for TASK-0002\n"},
		{"", true, 1, "all tasks and runs: 1 run"},
	} {
		doc, text, err := ReadHistory(ctx, root, c.task, 20, c.all)
		if err != nil || len(doc.Runs) != c.runs || !strings.HasPrefix(string(text), c.text) {
			t.Errorf("%s: %d runs, %q, %v; want %d runs, %q", c.task, len(doc.Runs), text, err, c.runs, c.text)
		}
	}
	if flaky, _, err := ReadFlaky(ctx, root, 2); err != nil || len(flaky.Items) != 0 {
		t.Errorf("one run is never flaky: %+v %v", flaky, err)
	}
}
