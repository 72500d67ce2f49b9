package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// Record validates r and stores it with its markers, tests and items in
// one transaction, returning the run's id. r.ID is ignored.
func (l *Ledger) Record(ctx context.Context, r Run) (int64, error) {
	if err := r.validate(); err != nil {
		return 0, fmt.Errorf("record run in ledger %s: %w", l.path, err)
	}
	argv := r.Command
	if argv == nil {
		argv = []string{}
	}
	cmd, err := json.Marshal(argv)
	if err != nil {
		return 0, fmt.Errorf("record run: encode command: %w", err)
	}
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, l.wrap("begin record", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO runs
		(kind, task_id, commit_id, dirty, profile, command, verdict, started_ns, duration_ms, evidence_path, evidence_digest)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(r.Kind), r.TaskID, r.Commit, r.Dirty, r.Profile, string(cmd), r.Verdict,
		r.StartedAt.UnixNano(), r.DurationMS, r.EvidencePath, r.EvidenceDigest)
	if err != nil {
		return 0, l.wrap("record run", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, l.wrap("record run", err)
	}
	if err := insertRows(ctx, tx, `INSERT INTO run_markers (run_id, seq, marker, seen, line, at_ms) VALUES (?, ?, ?, ?, ?, ?)`,
		len(r.Markers), func(i int) []any {
			m := r.Markers[i]
			var at sql.NullInt64
			if m.AtMS != nil {
				at = sql.NullInt64{Int64: *m.AtMS, Valid: true}
			}
			return []any{id, i, m.Marker, m.Seen, m.Line, at}
		}); err != nil {
		return 0, l.wrap("record markers", err)
	}
	if err := insertRows(ctx, tx, `INSERT INTO run_tests (run_id, seq, suite, name, outcome) VALUES (?, ?, ?, ?, ?)`,
		len(r.Tests), func(i int) []any {
			t := r.Tests[i]
			return []any{id, i, t.Suite, t.Name, string(t.Outcome)}
		}); err != nil {
		return 0, l.wrap("record tests", err)
	}
	if err := insertRows(ctx, tx, `INSERT INTO run_items (run_id, seq, item, kind, verdict) VALUES (?, ?, ?, ?, ?)`,
		len(r.Items), func(i int) []any {
			it := r.Items[i]
			return []any{id, i, it.Item, it.Kind, it.Verdict}
		}); err != nil {
		return 0, l.wrap("record items", err)
	}
	if err := insertRows(ctx, tx, `INSERT INTO run_proofs (run_id, n, shared, exec, reused) VALUES (?, ?, ?, ?, ?)`,
		len(r.Proofs), func(i int) []any {
			p := r.Proofs[i]
			return []any{id, p.N, p.Shared, p.Exec, p.Reused}
		}); err != nil {
		return 0, l.wrap("record proofs", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, l.wrap("commit run", err)
	}
	return id, nil
}

// ProvedBy lists the tasks whose recorded proves a run proved, by the
// run's id or one execution's id, sorted, each once.
func (l *Ledger) ProvedBy(ctx context.Context, run string) ([]string, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT DISTINCT r.task_id FROM run_proofs p JOIN runs r ON r.id = p.run_id
		WHERE p.shared = ? OR p.exec = ? ORDER BY r.task_id`, run, run)
	if err != nil {
		return nil, l.wrap("query proofs", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, l.wrap("query proofs", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, l.wrap("query proofs", err)
	}
	return out, nil
}

// insertRows runs the prepared insert query once per row.
func insertRows(ctx context.Context, tx *sql.Tx, query string, n int, row func(i int) []any) error {
	if n == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	defer st.Close()
	for i := 0; i < n; i++ {
		if _, err := st.ExecContext(ctx, row(i)...); err != nil {
			return err
		}
	}
	return nil
}
