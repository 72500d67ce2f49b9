package ledger

import (
	"context"
	"fmt"
)

// ReadHistory is the history report of the ledger of root (see
// (*Ledger).HistoryReport) and its text; all says taskID is "" for
// every task and plain run. Without a ledger, or without runs, the
// report is empty and the text is the sentence that says so.
func ReadHistory(ctx context.Context, root, taskID string, limit int, all bool) (HistoryReport, []byte, error) {
	doc := HistoryReport{TaskID: taskID, Runs: []Run{}}
	l, missing, err := OpenIfExists(root)
	if err != nil {
		return doc, nil, err
	}
	if l == nil {
		return doc, []byte(missing + "\n"), nil
	}
	defer l.Close()
	if doc, err = l.HistoryReport(ctx, taskID, limit); err != nil {
		return doc, nil, err
	}
	switch {
	case len(doc.Runs) == 0 && all:
		return doc, []byte("no runs recorded yet\n"), nil
	case len(doc.Runs) == 0:
		return doc, fmt.Appendf(nil, "no runs recorded for %s\n", taskID), nil
	}
	return doc, doc.Text(all), nil
}

// ReadFlaky is the flaky report of the ledger of root (see
// (*Ledger).Flaky) and its text. Without a ledger the report is empty
// and the text is the sentence that says so.
func ReadFlaky(ctx context.Context, root string, minRuns int) (FlakyReport, []byte, error) {
	doc := FlakyReport{MinRuns: minRuns, Items: []FlakyItem{}}
	l, missing, err := OpenIfExists(root)
	if err != nil {
		return doc, nil, err
	}
	if l == nil {
		return doc, []byte(missing + "\n"), nil
	}
	defer l.Close()
	if doc.Items, err = l.Flaky(ctx, FlakyOptions{MinRuns: minRuns}); err != nil {
		return doc, nil, err
	}
	return doc, doc.Text(), nil
}
