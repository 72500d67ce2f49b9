package prove

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/verify"
)

// CheckScope checks the files the change against base touched (see
// repo.Repo.Change) against doc's touched-path allowlist, the task file
// and [scope] always_allow; paths are relative to the root.
func CheckScope(ctx context.Context, r *repo.Repo, doc *task.Document, base string) (*scope.Result, error) {
	cfg, c, err := change(ctx, r, base)
	if err != nil {
		return nil, err
	}
	files, err := c.Files(ctx)
	if err != nil {
		return nil, err
	}
	a := scope.Compile(doc.Path, doc.Touched, cfg.Scope.AlwaysAllow)
	res := scope.Check(a, files)
	state, err := c.StateFiles(ctx)
	if err != nil {
		return nil, err
	}
	trustViolations(ctx, r.Root, cfg, c.Base.MergeBase, doc, res, state)
	res.Task = string(doc.ID)
	res.Base, res.BaseFrom, res.MergeBase = c.Base.Rev, c.Base.How, c.Base.MergeBase
	return res, nil
}

// CheckHygiene applies the diff hygiene rules to the lines the change
// against base adds. The ok/ready markers come from the repository's
// contract; without one that rule is skipped and says so, and a contract
// that exists but does not load is an error (a green check must not have
// checked less).
func CheckHygiene(ctx context.Context, r *repo.Repo, base string) (*scope.HygieneReport, error) {
	cfg, c, err := change(ctx, r, base)
	if err != nil {
		return nil, err
	}
	files, skipped, err := c.Patch(ctx)
	if err != nil {
		return nil, err
	}
	opts := scope.HygieneOptions{DaemonPaths: cfg.Hygiene.DaemonPaths, StubPaths: cfg.Hygiene.StubPaths}
	if opts.Markers, opts.MarkersFrom, opts.MarkersNote, err = hygieneMarkers(r, cfg); err != nil {
		return nil, err
	}
	findings, rules := scope.Hygiene(files, opts)
	return &scope.HygieneReport{Base: c.Base.Rev, BaseFrom: c.Base.How, MergeBase: c.Base.MergeBase,
		Findings: findings, Rules: rules, Skipped: skipped}, nil
}

// change is what both checks read: the configuration and the change
// against base.
func change(ctx context.Context, r *repo.Repo, base string) (*config.Config, *repo.Change, error) {
	cfg, err := r.Config()
	if err != nil {
		return nil, nil, err
	}
	c, err := r.Change(ctx, base)
	return cfg, c, err
}

// hygieneMarkers reads the ok/ready markers of every profile of the
// contract (the others' are unexpected in the default profile, but still
// emitted by code).
func hygieneMarkers(r *repo.Repo, cfg *config.Config) (ms []scope.Marker, from, note string, err error) {
	rel := cfg.Proof.Contract
	c, err := r.Contract()
	if errors.Is(err, repo.ErrNoContract) {
		return nil, "", fmt.Sprintf("no marker contract at %s (set [proof] contract in %s)", rel, config.FileName), nil
	}
	if err != nil {
		return nil, "", "", fmt.Errorf("marker contract %s does not load: %w; run 'taskproof contract lint'", rel, err)
	}
	spec, err := c.Resolution("")
	if err != nil {
		return nil, "", "", fmt.Errorf("marker contract %s does not resolve: %w; run 'taskproof contract lint'", rel, err)
	}
	add := func(list []verify.Marker) {
		for _, m := range list {
			sm := scope.Marker{Text: m.Text, Kind: string(m.Kind)}
			if m.Mode == verify.Regex {
				sm.Pattern = m.Pattern
			}
			ms = append(ms, sm)
		}
	}
	add(spec.Markers)
	add(spec.Unexpected)
	return ms, rel, "", nil
}

// scopeOutcome summarises the scope check as one item.
func scopeOutcome(r *scope.Result, err error) dod.CheckOutcome {
	if err != nil {
		return dod.CheckOutcome{Reason: "scope not checked: " + firstLine(err.Error())}
	}
	if r.OK() {
		reason := fmt.Sprintf("%d touched path(s), all allowed", len(r.Touched))
		if n := len(r.Unverifiable); n > 0 {
			reason += fmt.Sprintf("; %d allowlist item(s) are prose and unverifiable", n)
		}
		return dod.CheckOutcome{Ran: true, OK: true, Reason: reason}
	}
	var parts []string
	for i, v := range r.Violations {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(r.Violations)-3))
			break
		}
		p := v.Path
		if v.Status != "" {
			p += " (" + v.Status + ")"
		}
		parts = append(parts, p+": "+v.Reason)
	}
	return dod.CheckOutcome{Ran: true, Reason: clip(fmt.Sprintf("%d violation(s): %s", len(r.Violations), strings.Join(parts, "; ")))}
}

// hygieneOutcome summarises the hygiene check as one item.
func hygieneOutcome(rep *scope.HygieneReport, err error) dod.CheckOutcome {
	if err != nil {
		return dod.CheckOutcome{Reason: "hygiene not checked: " + firstLine(err.Error())}
	}
	if len(rep.Findings) == 0 {
		// Say what was not checked: a green hygiene item must not hide a
		// rule that was off or a file that was not read.
		reason := "no finding on the added lines"
		var off []string
		for _, r := range rep.Rules {
			if !r.Enabled {
				off = append(off, string(r.Rule))
			}
		}
		if len(off) > 0 {
			reason += "; rules off: " + strings.Join(off, ", ")
		}
		if len(rep.Skipped) > 0 {
			reason += fmt.Sprintf("; %d untracked file(s) not read", len(rep.Skipped))
		}
		return dod.CheckOutcome{Ran: true, OK: true, Reason: clip(reason)}
	}
	var parts []string
	for i, f := range rep.Findings {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(rep.Findings)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Rule))
	}
	return dod.CheckOutcome{Ran: true, Reason: clip(fmt.Sprintf("%d finding(s): %s", len(rep.Findings), strings.Join(parts, "; ")))}
}
