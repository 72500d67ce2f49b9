// Package codequalitytest checks GitLab code quality reports in tests.
// GitLab publishes no schema for the format, so this is a structural
// check of what GitLab's documentation requires of every issue.
package codequalitytest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/taskproof/taskproof/internal/codequality"
)

// Check validates data as a code quality report: a JSON array of objects
// each with a non-empty description and check_name, a fingerprint no
// other issue shares, a GitLab severity, a repository-relative
// location.path and location.lines.begin >= 1. It returns the number of
// issues.
func Check(data []byte) (int, error) {
	var issues []map[string]json.RawMessage
	if err := json.Unmarshal(data, &issues); err != nil {
		return 0, fmt.Errorf("code quality report is not a JSON array of objects: %w", err)
	}
	seen := map[string]int{}
	for i, raw := range issues {
		var is struct {
			Description *string `json:"description"`
			CheckName   *string `json:"check_name"`
			Fingerprint *string `json:"fingerprint"`
			Severity    *string `json:"severity"`
			Location    *struct {
				Path  *string `json:"path"`
				Lines *struct {
					Begin *int `json:"begin"`
				} `json:"lines"`
			} `json:"location"`
		}
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &is); err != nil {
			return 0, fmt.Errorf("issue %d: %w", i, err)
		}
		switch {
		case is.Description == nil || *is.Description == "":
			return 0, fmt.Errorf("issue %d: no description", i)
		case is.CheckName == nil || *is.CheckName == "":
			return 0, fmt.Errorf("issue %d: no check_name", i)
		case is.Fingerprint == nil || *is.Fingerprint == "":
			return 0, fmt.Errorf("issue %d: no fingerprint", i)
		case is.Severity == nil || !slices.Contains(codequality.Severities, *is.Severity):
			return 0, fmt.Errorf("issue %d: severity must be one of %s", i, strings.Join(codequality.Severities, ", "))
		case is.Location == nil || is.Location.Path == nil || *is.Location.Path == "":
			return 0, fmt.Errorf("issue %d: no location.path", i)
		case strings.HasPrefix(*is.Location.Path, "/") || strings.HasPrefix(*is.Location.Path, ".."):
			return 0, fmt.Errorf("issue %d: location.path %q is not relative to the repository root", i, *is.Location.Path)
		case is.Location.Lines == nil || is.Location.Lines.Begin == nil || *is.Location.Lines.Begin < 1:
			return 0, fmt.Errorf("issue %d: location.lines.begin must be a line number >= 1", i)
		}
		if j, dup := seen[*is.Fingerprint]; dup {
			return 0, fmt.Errorf("issues %d and %d share fingerprint %s", j, i, *is.Fingerprint)
		}
		seen[*is.Fingerprint] = i
	}
	return len(issues), nil
}
