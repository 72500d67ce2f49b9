package proofrun

import (
	"context"

	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/report"
)

// Record stores a run of `taskproof run` in the run history of r: the verdict, the
// required markers with their first line and time, the commit and whether
// the work tree under the root had changes (such runs stay out of the
// flaky statistics). It returns the run's ledger id.
func Record(ctx context.Context, r *repo.Repo, m *Markers, argv []string, x *Result) (int64, error) {
	commit, dirty := r.WorkTree(ctx)
	l, err := ledger.Open(ledger.DefaultPath(r.Root))
	if err != nil {
		return 0, err
	}
	id, err := l.Record(ctx, ledger.Run{
		Kind: ledger.KindRun, Commit: commit, Dirty: dirty, Profile: m.Profile, Command: argv,
		Verdict: x.Report.Verdict, StartedAt: x.Started, DurationMS: x.Outcome.Duration.Milliseconds(),
		Markers: ledgerMarkers(x.Report.Checks),
	})
	if cerr := l.Close(); err == nil {
		err = cerr
	}
	return id, err
}

// ledgerMarkers turns a report's required-marker checks into ledger
// outcomes, one per marker.
func ledgerMarkers(checks []report.Check) []ledger.MarkerOutcome {
	out := make([]ledger.MarkerOutcome, 0, len(checks))
	seen := map[string]bool{}
	for _, c := range checks {
		if seen[c.Marker] {
			continue
		}
		seen[c.Marker] = true
		out = append(out, ledger.MarkerOutcome{Marker: c.Marker, Seen: c.Count > 0, Line: c.Line, AtMS: c.AtMS})
	}
	return out
}
