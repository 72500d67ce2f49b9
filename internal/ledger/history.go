package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// AllTasks asks History for every run: every task's and the plain runs.
const AllTasks = ""

// History returns the runs of taskID (every run for AllTasks), newest
// first by StartedAt, ties broken by the newer id first, with their
// markers, tests and items. limit <= 0 means no limit.
func (l *Ledger) History(ctx context.Context, taskID string, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	if taskID == AllTasks {
		return l.query(ctx, `ORDER BY started_ns DESC, id DESC LIMIT ?`, limit)
	}
	return l.query(ctx, `WHERE task_id = ? ORDER BY started_ns DESC, id DESC LIMIT ?`, taskID, limit)
}

// Get returns the run with the given id, with its markers, tests and
// items; ok is false when the ledger has no such run.
func (l *Ledger) Get(ctx context.Context, id int64) (run Run, ok bool, err error) {
	runs, err := l.query(ctx, `WHERE id = ?`, id)
	if err != nil || len(runs) == 0 {
		return Run{}, false, err
	}
	return runs[0], true, nil
}

// query reads the runs selected by tail (a WHERE and ORDER BY clause)
// with their details.
func (l *Ledger) query(ctx context.Context, tail string, args ...any) ([]Run, error) {
	const cols = `id, kind, task_id, commit_id, dirty, profile, command, verdict, started_ns, duration_ms, evidence_path, evidence_digest`
	rows, err := l.db.QueryContext(ctx, `SELECT `+cols+` FROM runs `+tail, args...)
	if err != nil {
		return nil, l.wrap("read history", err)
	}
	defer rows.Close()
	runs := []Run{}
	byID := map[int64]int{}
	for rows.Next() {
		var r Run
		var kind, cmd string
		var ns int64
		if err := rows.Scan(&r.ID, &kind, &r.TaskID, &r.Commit, &r.Dirty, &r.Profile, &cmd, &r.Verdict, &ns, &r.DurationMS, &r.EvidencePath, &r.EvidenceDigest); err != nil {
			return nil, l.wrap("read history", err)
		}
		r.Kind = Kind(kind)
		if err := json.Unmarshal([]byte(cmd), &r.Command); err != nil {
			return nil, &kindError{ErrCorrupt, fmt.Sprintf("ledger %s: run %d: command %q is not a JSON array: %v", l.path, r.ID, cmd, err)}
		}
		r.StartedAt = time.Unix(0, ns).UTC()
		r.Markers, r.Tests, r.Items = []MarkerOutcome{}, []TestOutcome{}, []ItemOutcome{}
		byID[r.ID] = len(runs)
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, l.wrap("read history", err)
	}
	rows.Close()
	if err := l.loadDetails(ctx, runs, byID); err != nil {
		return nil, err
	}
	return runs, nil
}

// detailChunk bounds the ids in one IN (...) list, well under SQLite's
// limit on bound parameters.
const detailChunk = 500

// loadDetails fills the markers, tests and items of runs, in seq order.
func (l *Ledger) loadDetails(ctx context.Context, runs []Run, byID map[int64]int) error {
	for start := 0; start < len(runs); start += detailChunk {
		end := min(start+detailChunk, len(runs))
		ids := make([]any, 0, end-start)
		for _, r := range runs[start:end] {
			ids = append(ids, r.ID)
		}
		in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")"
		err := l.each(ctx, `SELECT run_id, marker, seen, line, at_ms FROM run_markers WHERE run_id IN `+in+` ORDER BY run_id, seq`, ids,
			func(rows *sql.Rows) error {
				var id int64
				var m MarkerOutcome
				var at sql.NullInt64
				if err := rows.Scan(&id, &m.Marker, &m.Seen, &m.Line, &at); err != nil {
					return err
				}
				if at.Valid {
					m.AtMS = &at.Int64
				}
				r := &runs[byID[id]]
				r.Markers = append(r.Markers, m)
				return nil
			})
		if err != nil {
			return l.wrap("read markers", err)
		}
		err = l.each(ctx, `SELECT run_id, suite, name, outcome FROM run_tests WHERE run_id IN `+in+` ORDER BY run_id, seq`, ids,
			func(rows *sql.Rows) error {
				var id int64
				var t TestOutcome
				if err := rows.Scan(&id, &t.Suite, &t.Name, &t.Outcome); err != nil {
					return err
				}
				r := &runs[byID[id]]
				r.Tests = append(r.Tests, t)
				return nil
			})
		if err != nil {
			return l.wrap("read tests", err)
		}
		err = l.each(ctx, `SELECT run_id, item, kind, verdict FROM run_items WHERE run_id IN `+in+` ORDER BY run_id, seq`, ids,
			func(rows *sql.Rows) error {
				var id int64
				var it ItemOutcome
				if err := rows.Scan(&id, &it.Item, &it.Kind, &it.Verdict); err != nil {
					return err
				}
				r := &runs[byID[id]]
				r.Items = append(r.Items, it)
				return nil
			})
		if err != nil {
			return l.wrap("read items", err)
		}
		err = l.each(ctx, `SELECT run_id, n, shared, exec, reused FROM run_proofs WHERE run_id IN `+in+` ORDER BY run_id, n`, ids,
			func(rows *sql.Rows) error {
				var id int64
				var p ProofRun
				if err := rows.Scan(&id, &p.N, &p.Shared, &p.Exec, &p.Reused); err != nil {
					return err
				}
				r := &runs[byID[id]]
				r.Proofs = append(r.Proofs, p)
				return nil
			})
		if err != nil {
			return l.wrap("read proofs", err)
		}
	}
	return nil
}

// each runs query and calls scan for every row.
func (l *Ledger) each(ctx context.Context, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := l.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
