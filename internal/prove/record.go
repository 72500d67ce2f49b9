package prove

import (
	"context"
	"time"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/testout"
)

// Record stores a prove in the run history (.taskproof/ledger.db under
// the root): argv (prove's own command line), the overall verdict, every
// item, the required markers as the marker proofs saw them and every test
// case (folded per suite and name). The commit and whether the tree had
// changes are the work tree's after the proof ran.
func (p *Plan) Record(ctx context.Context, j *Judgement, s *Sealed, argv []string) error {
	return p.RecordAll(ctx, []*Judgement{j}, []*Sealed{s}, argv)
}

// RecordAll records many judgements (js[i] sealed as ss[i]) in one
// opening of the ledger, each with the shared runs that proved it.
func (p *Plan) RecordAll(ctx context.Context, js []*Judgement, ss []*Sealed, argv []string) error {
	if len(js) == 0 {
		return nil
	}
	l, err := ledger.Open(ledger.DefaultPath(p.Repo.Root))
	if err != nil {
		return err
	}
	for i, j := range js {
		var id int64
		if id, err = l.Record(ctx, p.ledgerRun(ctx, j, ss[i], argv)); err != nil {
			break
		}
		p.recorded = append(p.recorded, id)
	}
	if cerr := l.Close(); err == nil {
		err = cerr
	}
	return err
}

// LedgerIDs are the ledger ids of the proves Record and RecordAll stored,
// in order: what a live record of this prove links to once it ends.
func (p *Plan) LedgerIDs() []int64 { return p.recorded }

// ledgerRun is the run history's record of j, sealed as s.
func (p *Plan) ledgerRun(ctx context.Context, j *Judgement, s *Sealed, argv []string) ledger.Run {
	tp := j.Task
	commit, dirty := p.Repo.WorkTree(ctx)
	if commit == "" {
		commit = tp.Inputs.Commit
	}
	run := ledger.Run{
		Kind: ledger.KindProve, TaskID: string(tp.Doc.ID), Commit: commit, Dirty: dirty,
		Command: argv, Verdict: j.Verdict, StartedAt: p.started, DurationMS: time.Since(p.started).Milliseconds(),
		EvidencePath: s.Path, EvidenceDigest: s.Digest,
	}
	for _, st := range tp.Steps {
		if st.Profile != "" && run.Profile == "" {
			run.Profile = st.Profile
		}
	}
	for _, it := range j.Items {
		run.Items = append(run.Items, ledger.ItemOutcome{Item: it.Item, Kind: it.Kind, Verdict: it.Verdict})
	}
	run.Markers = ledgerMarkers(tp)
	run.Tests = ledgerTests(tp, j)
	for _, st := range tp.Steps {
		res := st.result()
		if res.Exec == "" {
			continue
		}
		pr := ledger.ProofRun{N: st.N, Shared: res.Run, Exec: res.Exec}
		if res.Cached != nil {
			pr.Reused = res.Cached.From
		}
		run.Proofs = append(run.Proofs, pr)
	}
	return run
}

// ledgerMarkers is each required marker as the first marker proof that
// showed it saw it; none when no marker proof ran.
func ledgerMarkers(tp *TaskPlan) []ledger.MarkerOutcome {
	ran := false
	for _, st := range tp.Steps {
		ran = ran || (st.Run != nil && st.result().Outcome.Ran)
	}
	if !ran {
		return nil
	}
	var out []ledger.MarkerOutcome
	for _, m := range tp.DoD.Markers {
		mo := ledger.MarkerOutcome{Marker: m.Text}
	find:
		for _, st := range tp.Steps {
			res := st.result()
			text := map[string]string{}
			if res.Spec != nil {
				for _, sm := range res.Spec.Markers {
					text[sm.ID] = sm.Text
				}
			}
			for _, mk := range res.Marks {
				if mk.Marker == m.Text || text[mk.Marker] == m.Text {
					at := mk.At.Milliseconds()
					mo.Seen, mo.Line, mo.AtMS = true, mk.Line, &at
					break find
				}
			}
		}
		out = append(out, mo)
	}
	return out
}

// ledgerTests folds every test case per suite and name, worst outcome
// first, then adds the required tests no test step ran.
func ledgerTests(tp *TaskPlan, j *Judgement) []ledger.TestOutcome {
	type key struct{ suite, name string }
	rank := map[testout.Outcome]int{testout.Passed: 0, testout.Skipped: 1, testout.Failed: 2, testout.Errored: 3}
	idx := map[key]int{}
	var out []ledger.TestOutcome
	for _, st := range tp.Steps {
		res := st.result()
		if res.Tests == nil {
			continue
		}
		for _, c := range res.Tests.Cases {
			k := key{c.Suite, c.Name}
			if i, ok := idx[k]; ok {
				if rank[c.Outcome] > rank[testout.Outcome(out[i].Outcome)] {
					out[i].Outcome = ledger.Outcome(c.Outcome)
				}
				continue
			}
			idx[k] = len(out)
			out = append(out, ledger.TestOutcome{Suite: c.Suite, Name: c.Name, Outcome: ledger.Outcome(c.Outcome)})
		}
	}
	if tp.DoD.TestSteps() {
		for _, it := range j.Items {
			if it.Kind != evidence.KindTest || it.Verdict != evidence.NotRun {
				continue
			}
			if _, dup := idx[key{"", it.Item}]; !dup {
				idx[key{"", it.Item}] = len(out)
				out = append(out, ledger.TestOutcome{Name: it.Item, Outcome: ledger.NotRun})
			}
		}
	}
	return out
}
