package live

import (
	"fmt"
	"strings"

	"github.com/taskproof/taskproof/internal/report"
	"github.com/taskproof/taskproof/internal/verify"
)

// FailureOf is a report's failure as the live record keeps it, its
// message cut to one line; nil when the report has none.
func FailureOf(f *report.Failure) *Failure {
	if f == nil {
		return nil
	}
	return &Failure{Kind: f.Kind, Marker: f.Marker, Phase: f.Phase, Line: f.Line, Message: headLine(f.Message)}
}

// Reason is a run's verdict in one line: the failure's message when it
// did not pass, else the count of required markers found.
func Reason(r *report.Report) string {
	if r.Failure != nil && r.Verdict != string(verify.Pass) {
		return r.Verdict + ": " + headLine(r.Failure.Message)
	}
	return fmt.Sprintf("%s: %d/%d required markers", r.Verdict, r.Found, r.Required)
}

// headLine is s up to its first newline.
func headLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
