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
	text, err := read(root, func(l *Ledger) (_ []byte, err error) {
		if doc, err = l.HistoryReport(ctx, taskID, limit); err != nil {
			return nil, err
		}
		switch {
		case len(doc.Runs) == 0 && all:
			return []byte("no runs recorded yet\n"), nil
		case len(doc.Runs) == 0:
			return fmt.Appendf(nil, "no runs recorded for %s\n", taskID), nil
		}
		return doc.Text(all), nil
	})
	return doc, text, err
}

// ReadFlaky is the flaky report of the ledger of root (see
// (*Ledger).Flaky) and its text. Without a ledger the report is empty
// and the text is the sentence that says so.
func ReadFlaky(ctx context.Context, root string, minRuns int) (FlakyReport, []byte, error) {
	doc := FlakyReport{MinRuns: minRuns, Items: []FlakyItem{}}
	text, err := read(root, func(l *Ledger) (_ []byte, err error) {
		if doc.Items, err = l.Flaky(ctx, FlakyOptions{MinRuns: minRuns}); err != nil {
			return nil, err
		}
		return doc.Text(), nil
	})
	return doc, text, err
}

// read renders, with f, the ledger of root when there is one, and closes
// it; without one the text is the sentence that says so (OpenIfExists).
func read(root string, f func(*Ledger) ([]byte, error)) ([]byte, error) {
	l, missing, err := OpenIfExists(root)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return []byte(missing + "\n"), nil
	}
	defer l.Close()
	return f(l)
}
