package prove

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/taskproof/taskproof/internal/atomicfile"
)

// SealOne judges the one task of an executed plan, seals its evidence
// with priv and records the prove (argv) in the ledger; keySource says
// where priv came from. Warnings are what the caller should tell: files
// that changed while the proof ran, a ledger that could not record it.
func (p *Plan) SealOne(ctx context.Context, priv ed25519.PrivateKey, keySource string, argv []string) (res Result, warnings []string, err error) {
	j := p.Judge(ctx)[0]
	sealed, err := p.Seal(ctx, j, priv)
	if err != nil {
		return Result{}, nil, err
	}
	if sealed.Changed {
		warnings = append(warnings, "allowlisted files changed while the proof ran; the evidence binds their content from before it ran and is stale now")
	}
	res = p.Result(j, sealed, keySource)
	if err := p.Record(ctx, j, sealed, argv); err != nil {
		warnings = append(warnings, fmt.Sprintf("prove not recorded in the ledger: %v", err))
	}
	return res, warnings, nil
}

// SealAll judges, seals and records every task of an executed plan that
// is not up to date, and reports them all with the lanes that did not
// prove their tasks. Warnings are as SealOne's, one per stale task, and
// come also with an error.
func (p *Plan) SealAll(ctx context.Context, priv ed25519.PrivateKey, keySource string, lanes []LaneProblem, argv []string) (*ManyReport, []string, error) {
	rep := p.NewManyReport(lanes)
	js := p.Judge(ctx)
	var sealed []*Sealed
	var warnings []string
	for _, j := range js {
		s, err := p.Seal(ctx, j, priv)
		if err != nil {
			return nil, warnings, err
		}
		if s.Changed {
			warnings = append(warnings, fmt.Sprintf("%s: allowlisted files changed while the proof ran; its evidence binds their content from before and is stale now", j.Task.Doc.ID))
		}
		sealed = append(sealed, s)
		rep.Add(p.Result(j, s, keySource), s)
	}
	if err := p.RecordAll(ctx, js, sealed, argv); err != nil {
		warnings = append(warnings, fmt.Sprintf("proves not recorded in the ledger: %v", err))
	}
	rep.Finish(p)
	return rep, warnings, nil
}

// WriteSummary writes the report's Markdown to path, atomically; "" writes
// nothing. A failure wraps ErrInfra.
func (r *ManyReport) WriteSummary(path string) error {
	if path == "" {
		return nil
	}
	if err := atomicfile.Write(path, r.Markdown(), 0o644); err != nil {
		return &kindError{ErrInfra, fmt.Errorf("write summary: %w", err)}
	}
	return nil
}

// RunLane runs only lane, one shared run of p (a CI lane), observed by
// obs, and writes its result signed with priv into dir: the file's path.
// Failing to write it wraps ErrInfra.
func (p *Plan) RunLane(ctx context.Context, lane *SharedRun, dir string, priv ed25519.PrivateKey, obs Observer) (string, error) {
	p.OnlyLane(lane)
	if err := p.Execute(ctx, obs); err != nil {
		return "", err
	}
	path, err := p.WriteLane(lane, dir, priv)
	if err != nil {
		return "", &kindError{ErrInfra, err}
	}
	return path, nil
}
