// Package codequality writes findings as a GitLab code quality report
// (the Code Climate subset GitLab reads: description, check_name,
// fingerprint, severity, location.path, location.lines.begin), which
// GitLab shows in the merge request widget and on the diff.
package codequality

import (
	"encoding/json"
	"io"

	"github.com/taskproof/taskproof/internal/sarif"
)

// Severities GitLab accepts, lowest first.
var Severities = []string{"info", "minor", "major", "critical", "blocker"}

// Issue is one entry of the report.
type Issue struct {
	Type        string   `json:"type"`
	Description string   `json:"description"`
	CheckName   string   `json:"check_name"`
	Fingerprint string   `json:"fingerprint"`
	Severity    string   `json:"severity"`
	Location    Location `json:"location"`
}

// Location is where an issue is: a repository-relative path and a line.
type Location struct {
	Path  string `json:"path"`
	Lines Lines  `json:"lines"`
}

// Lines is the first line of an issue.
type Lines struct {
	Begin int `json:"begin"`
}

// severity maps a SARIF level: an error blocks a merge as a "major"
// issue, a warning is "minor", a note "info".
func severity(l sarif.Level) string {
	switch l {
	case sarif.Error:
		return "major"
	case sarif.Warning:
		return "minor"
	}
	return "info"
}

// Issues converts the results of l, with the same repository-relative
// paths and fingerprints as its SARIF form.
func Issues(l sarif.Log) []Issue {
	out := make([]Issue, len(l.Results))
	for i, loc := range l.Locate() {
		r := l.Results[i]
		desc := r.Message
		if r.Fix != "" {
			desc += " (fix: " + r.Fix + ")"
		}
		out[i] = Issue{Type: "issue", Description: desc, CheckName: "taskproof/" + r.Rule,
			Fingerprint: loc.Fingerprint, Severity: severity(loc.Level),
			Location: Location{Path: loc.File, Lines: Lines{Begin: loc.Line}}}
	}
	return out
}

// Write writes l's results as a code quality report: a JSON array, empty
// when there is no finding (GitLab then shows no issue).
func Write(w io.Writer, l sarif.Log) error {
	b, err := json.MarshalIndent(Issues(l), "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
