package board

import "github.com/taskproof/taskproof/internal/sarif"

// ChecksDoc is the page documenting the drift findings; SARIF helpUris
// point at its headings.
const ChecksDoc = sarif.InformationURI + "/blob/main/docs/checks.md"

// DriftKinds documents every finding kind of Drift: what it finds.
var DriftKinds = []struct{ Kind, What string }{
	{KindCounter, "a stated Done/Total counter differs from the recount of the task headers"},
	{KindPercent, "a stated percentage does not match its own counter"},
	{KindNoMembers, "a counter whose group has no Tasks list to recount"},
	{KindNoCounter, "a group with a Tasks list but no stated counter"},
	{KindStatusRule, "the board's case-sensitive Done rule and taskproof's status normalisation disagree about a task"},
	{KindUngrouped, "a task in no group of the board"},
	{KindNotInDoneList, "a task whose header says Done is missing from the Done list"},
	{KindNotInStatusList, "an In Progress, In Review or Blocked task is missing from the table of its status"},
	{KindRowStatus, "a row's icon, Status cell or section contradicts the task header"},
	{KindOrderOpen, "an order-file row without a done mark for a task whose header says Done"},
	{KindOrderDone, "an order-file row marked done for a task whose header is not Done"},
	{KindDuplicateRow, "the same task twice in one table"},
	{KindUnknownID, "an id with no task file"},
}

// SARIFRules describes the drift findings for code scanning: each is an
// error, since a hand-written file that contradicts the headers misleads
// its readers.
func SARIFRules() []sarif.Rule {
	out := make([]sarif.Rule, len(DriftKinds))
	for i, k := range DriftKinds {
		out[i] = sarif.Rule{ID: k.Kind, Summary: k.What, Level: sarif.Error, Tags: []string{"drift"},
			Help:    "The task headers are the truth; regenerate the board (taskproof board) or correct the hand-written file.",
			HelpURI: ChecksDoc + "#" + k.Kind}
	}
	return out
}

// SARIF turns the findings into SARIF results.
func (r *Report) SARIF() []sarif.Result {
	out := make([]sarif.Result, len(r.Findings))
	for i, f := range r.Findings {
		out[i] = sarif.Result{Rule: f.Kind, Message: f.Message, File: f.File, Line: f.Line}
	}
	return out
}
