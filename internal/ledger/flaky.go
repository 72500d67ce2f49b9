package ledger

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// FlakyOptions select what Flaky reports.
type FlakyOptions struct {
	// MinRuns is how many runs of one group a marker or test needs before
	// its variation counts; below 2 means 2 (one run cannot vary).
	MinRuns int
}

// Marker outcomes as FlakyItem counts them.
const (
	Seen   = "seen"
	Missed = "missed"
)

// FlakyItem is a marker or test whose outcome varied across the runs of
// one group: the same task, command, commit and profile.
type FlakyItem struct {
	Kind    string   `json:"kind"`  // "marker" or "test"
	Name    string   `json:"name"`  // the marker, or the test name
	Suite   string   `json:"suite"` // the test's suite; "" for markers
	TaskID  string   `json:"task_id"`
	Commit  string   `json:"commit"`
	Profile string   `json:"profile"`
	Command []string `json:"command"`
	// Runs is how many runs of the group recorded this marker or test.
	Runs int `json:"runs"`
	// Outcomes counts the runs per outcome, in a fixed order (seen,
	// missed; passed, failed, errored, skipped, not_run), zeros left out.
	Outcomes []OutcomeCount `json:"outcomes"`
	// Rate is the share of Runs with the good outcome (seen, passed),
	// rounded to 3 decimals: 7 of 10 is 0.7.
	Rate float64 `json:"rate"`
	// Instability is 1 minus the share of the most common outcome,
	// rounded to 3 decimals: 0 is stable, 0.5 a coin flip.
	Instability float64 `json:"instability"`
	// FirstRun and LastRun are the lowest and highest run ids involved.
	FirstRun int64 `json:"first_run"`
	LastRun  int64 `json:"last_run"`
}

// OutcomeCount is how many runs had one outcome.
type OutcomeCount struct {
	Outcome string `json:"outcome"`
	Count   int    `json:"count"`
}

// Flaky returns the markers and tests whose outcome varied across runs of
// the same task, command, commit and profile, most unstable first, then
// by kind, name and group. Runs without a commit or with a dirty work
// tree are left out: their code is not known to be the same.
func (l *Ledger) Flaky(ctx context.Context, o FlakyOptions) ([]FlakyItem, error) {
	minRuns := max(o.MinRuns, 2)
	items := []FlakyItem{}
	const group = `r.task_id, r.commit_id, r.profile, r.command`
	const clean = `r.commit_id <> '' AND r.dirty = 0`
	err := l.each(ctx, `SELECT `+group+`, m.marker, count(*), sum(m.seen), min(r.id), max(r.id)
		FROM run_markers m JOIN runs r ON r.id = m.run_id
		WHERE `+clean+`
		GROUP BY `+group+`, m.marker
		HAVING count(*) >= ? AND sum(m.seen) > 0 AND sum(m.seen) < count(*)`,
		[]any{minRuns}, func(rows *sql.Rows) error {
			it := FlakyItem{Kind: "marker"}
			var cmd string
			var seen int
			if err := rows.Scan(&it.TaskID, &it.Commit, &it.Profile, &cmd, &it.Name, &it.Runs, &seen, &it.FirstRun, &it.LastRun); err != nil {
				return err
			}
			if err := l.decodeCommand(cmd, &it.Command); err != nil {
				return err
			}
			it.setCounts([]OutcomeCount{{Seen, seen}, {Missed, it.Runs - seen}})
			items = append(items, it)
			return nil
		})
	if err != nil {
		return nil, l.wrap("compute flaky markers", err)
	}
	err = l.each(ctx, `SELECT `+group+`, t.suite, t.name, count(*),
			sum(t.outcome = 'passed'), sum(t.outcome = 'failed'), sum(t.outcome = 'errored'),
			sum(t.outcome = 'skipped'), sum(t.outcome = 'not_run'), min(r.id), max(r.id)
		FROM run_tests t JOIN runs r ON r.id = t.run_id
		WHERE `+clean+`
		GROUP BY `+group+`, t.suite, t.name
		HAVING count(*) >= ? AND count(DISTINCT t.outcome) > 1`,
		[]any{minRuns}, func(rows *sql.Rows) error {
			it := FlakyItem{Kind: "test"}
			var cmd string
			n := make([]int, len(outcomes))
			if err := rows.Scan(&it.TaskID, &it.Commit, &it.Profile, &cmd, &it.Suite, &it.Name, &it.Runs,
				&n[0], &n[1], &n[2], &n[3], &n[4], &it.FirstRun, &it.LastRun); err != nil {
				return err
			}
			if err := l.decodeCommand(cmd, &it.Command); err != nil {
				return err
			}
			counts := make([]OutcomeCount, len(outcomes))
			for i, o := range outcomes {
				counts[i] = OutcomeCount{string(o), n[i]}
			}
			it.setCounts(counts)
			items = append(items, it)
			return nil
		})
	if err != nil {
		return nil, l.wrap("compute flaky tests", err)
	}
	slices.SortFunc(items, compareFlaky)
	return items, nil
}

// setCounts keeps the non-zero counts and derives Rate (the first
// outcome is the good one) and Instability.
func (it *FlakyItem) setCounts(all []OutcomeCount) {
	most := 0
	it.Outcomes = []OutcomeCount{}
	for _, c := range all {
		if c.Count > 0 {
			it.Outcomes = append(it.Outcomes, c)
		}
		most = max(most, c.Count)
	}
	it.Rate = round3(float64(all[0].Count) / float64(it.Runs))
	it.Instability = round3(1 - float64(most)/float64(it.Runs))
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func (l *Ledger) decodeCommand(s string, argv *[]string) error {
	if err := json.Unmarshal([]byte(s), argv); err != nil {
		return &kindError{ErrCorrupt, fmt.Sprintf("ledger %s: command %q is not a JSON array: %v", l.path, s, err)}
	}
	return nil
}

// compareFlaky orders by instability (desc), then kind, name, suite and
// the group, so the output is deterministic.
func compareFlaky(a, b FlakyItem) int {
	if c := cmp.Compare(b.Instability, a.Instability); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Suite, b.Suite); c != 0 {
		return c
	}
	if c := cmp.Compare(a.TaskID, b.TaskID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Commit, b.Commit); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Profile, b.Profile); c != 0 {
		return c
	}
	if c := slices.Compare(a.Command, b.Command); c != 0 {
		return c
	}
	return cmp.Compare(a.FirstRun, b.FirstRun)
}
