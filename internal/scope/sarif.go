package scope

import (
	"fmt"

	"github.com/taskproof/taskproof/internal/sarif"
)

// ChecksDoc is the page documenting the hygiene, scope and drift rules;
// SARIF helpUris point at its headings.
const ChecksDoc = sarif.InformationURI + "/blob/main/docs/checks.md"

// HygieneSARIFRules describes the hygiene rules for code scanning.
func HygieneSARIFRules() []sarif.Rule {
	help := map[Rule][2]string{
		RuleUnwrapInDaemon: {"new .unwrap() or .expect( in Rust daemon code",
			"A daemon that panics on an error takes the service down with it. Handle the error, or move the code out of [hygiene] daemon_paths if it is not daemon code."},
		RuleUnsafeWithoutSafety: {"new unsafe block, fn, impl or trait without a SAFETY comment",
			"Every unsafe needs a `// SAFETY:` comment on its line or within the 3 lines above saying why it is sound."},
		RuleOKMarkerInStub: {"a stub emits an ok or ready marker of the contract",
			"A stub that prints a success marker makes a proof pass without the work: fake green. Make the stub print a stub marker, or implement it."},
		RuleSecretInDiff: {"an added line looks like a private key or token",
			"Remove the secret from the change and rotate it; it is in the working tree and may be in history."},
	}
	out := make([]sarif.Rule, len(Rules))
	for i, r := range Rules {
		out[i] = sarif.Rule{ID: string(r), Summary: help[r][0], Help: help[r][1], Level: sarif.Error,
			Tags: []string{"hygiene"}, HelpURI: ChecksDoc + "#" + string(r)}
	}
	return out
}

// SARIF turns the findings into SARIF results (root-relative files).
func (rep *HygieneReport) SARIF() []sarif.Result {
	out := make([]sarif.Result, len(rep.Findings))
	for i, f := range rep.Findings {
		out[i] = sarif.Result{Rule: string(f.Rule), Message: f.Message + ": " + f.Text, File: f.File, Line: f.Line}
	}
	return out
}

// The scope rules: why a touched path is a violation.
const (
	// RuleOutsideAllowlist: the path matches no allowlist item.
	RuleOutsideAllowlist = "outside-allowlist"
	// RuleDeniedPath: an item under the allowlist's "Out-of-allowlist"
	// (or "Not allowed") line forbids it.
	RuleDeniedPath = "denied-path"
	// RuleNoAllowlist: the task lists no touched path at all.
	RuleNoAllowlist = "no-allowlist"
)

// ScopeSARIFRules describes the scope rules for code scanning.
func ScopeSARIFRules() []sarif.Rule {
	rule := func(id, summary, help string) sarif.Rule {
		return sarif.Rule{ID: id, Summary: summary, Help: help, Level: sarif.Error, Tags: []string{"scope"}, HelpURI: ChecksDoc + "#" + id}
	}
	return []sarif.Rule{
		rule(RuleOutsideAllowlist, "the change touches a path outside the task's allowlist",
			"A task says which paths its work may touch. Revert the change to this path, or, if the task really needs it, add the path to the task's `## Touched paths (allowlist)` section in review."),
		rule(RuleDeniedPath, "the change touches a path the allowlist denies",
			"An item listed under the allowlist's Out-of-allowlist (or Not allowed) line forbids touching this path in this task. Revert the change to it."),
		rule(RuleNoAllowlist, "the task has no touched-path allowlist",
			"Without an allowlist nothing can be checked, which is never a pass. Add a `## Touched paths (allowlist)` section listing the paths the task may touch."),
	}
}

// SARIF turns the violations into SARIF results, each at the touched path
// (root-relative); a missing allowlist is reported at the task file.
func (res *Result) SARIF() []sarif.Result {
	out := make([]sarif.Result, len(res.Violations))
	for i, v := range res.Violations {
		r := sarif.Result{Rule: RuleOutsideAllowlist, File: v.Path,
			Message: fmt.Sprintf("%s touches %s: %s (allowlist of %s)", res.Task, v.Path, v.Reason, res.File)}
		switch {
		case v.Reason == NoAllowlistReason:
			r.Rule, r.Message = RuleNoAllowlist, res.Task+": "+v.Reason
		case v.Line > 0:
			r.Rule = RuleDeniedPath
		}
		out[i] = r
	}
	return out
}
