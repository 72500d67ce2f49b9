package ledger

import (
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
