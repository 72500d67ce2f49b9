package contract

import "github.com/taskproof/taskproof/internal/sarif"

// LintDoc is where the contract lint rules are documented; SARIF
// helpUris point at it.
const LintDoc = sarif.InformationURI + "/blob/main/docs/contract.md#lint-rules-taskproof-contract-lint"

// SARIFRules describes the contract lint rules for code scanning. A rule
// whose severity depends on the finding defaults to error; each result
// carries its own level.
func SARIFRules() []sarif.Rule {
	out := make([]sarif.Rule, 0, len(LintRules)+1)
	for _, r := range LintRules {
		level := sarif.Error
		if r.Rule == "empty-phase" {
			level = sarif.Warning
		}
		out = append(out, sarif.Rule{ID: r.Rule, Summary: r.What, Level: level, Tags: []string{"contract"}, HelpURI: LintDoc})
	}
	return out
}

// SARIF turns the report's findings into SARIF results; their files are
// as the report names them.
func (r *LintReport) SARIF() []sarif.Result {
	out := make([]sarif.Result, len(r.Findings))
	for i, f := range r.Findings {
		level := sarif.Warning
		if f.Severity == SeverityError {
			level = sarif.Error
		}
		out[i] = sarif.Result{Rule: f.Rule, Level: level, Message: f.Message, File: f.File, Line: f.Line}
	}
	return out
}
