package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// WriteText writes one line per finding: `file:line: rule-id: message`,
// followed by ` (fix: X)` when there is a suggested replacement.
func WriteText(w io.Writer, ds []Diagnostic) error {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s:%d: %s: %s", d.File, d.Line, d.Rule, d.Message)
		if d.Fix != "" {
			fmt.Fprintf(&b, " (fix: %s)", d.Fix)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Summary is the one-line tally printed after the findings, e.g.
// "3 files checked: 2 errors, 1 warning, 0 info".
func Summary(files int, ds []Diagnostic) string {
	n := Count(ds)
	return fmt.Sprintf("%s checked: %s, %s, %d info",
		plural(files, "file", "files"), plural(n.Error, "error", "errors"), plural(n.Warning, "warning", "warnings"), n.Info)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Report is the JSON document `taskproof lint --format json` prints.
type Report struct {
	Files       int          `json:"files"`
	Diagnostics []Diagnostic `json:"diagnostics"`
	Counts      Counts       `json:"counts"`
}

// WriteJSON writes the findings as a Report (2-space indent, trailing
// newline; an empty list is [] rather than null).
func WriteJSON(w io.Writer, files int, ds []Diagnostic) error {
	if ds == nil {
		ds = []Diagnostic{}
	}
	return writeJSON(w, Report{Files: files, Diagnostics: ds, Counts: Count(ds)})
}

// WriteRulesText documents every rule: id, severity and summary on one
// line, then the help paragraph wrapped and indented.
func WriteRulesText(w io.Writer) error {
	var b strings.Builder
	for i, r := range rules {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s (%s): %s\n", r.ID, r.Severity, r.Summary)
		for _, l := range wrap(r.Help, 76) {
			fmt.Fprintf(&b, "    %s\n", l)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteRulesJSON writes {"rules": [...]}.
func WriteRulesJSON(w io.Writer) error {
	return writeJSON(w, struct {
		Rules []Rule `json:"rules"`
	}{Rules()})
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// wrap splits text into lines of at most width bytes at spaces.
func wrap(text string, width int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			out = append(out, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// Tool identifies the producer in SARIF output.
type Tool struct {
	Version string // taskproof's version
}

// SARIF 2.1.0 constants.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// InformationURI is where the tool is documented.
	InformationURI = "https://github.com/taskproof/taskproof"
	// fingerprintKey names taskproof's stable result fingerprint.
	fingerprintKey = "taskproofFingerprint/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifText          `json:"help"`
	DefaultConfiguration sarifRuleConfig    `json:"defaultConfiguration"`
	Properties           sarifRuleProperies `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProperies struct {
	Tags []string `json:"tags"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          *sarifResultProps `json:"properties,omitempty"`
}

type sarifResultProps struct {
	Fix string `json:"fix"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// sarifLevel maps a severity to a SARIF result level.
func sarifLevel(s Severity) string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return "note"
}

// WriteSARIF writes the findings as a SARIF 2.1.0 log that GitHub code
// scanning accepts. File paths must be repository-relative; they become
// URIs relative to %SRCROOT%.
func WriteSARIF(w io.Writer, tool Tool, ds []Diagnostic) error {
	index := make(map[string]int, len(rules))
	srules := make([]sarifRule, len(rules))
	for i, r := range rules {
		index[r.ID] = i
		srules[i] = sarifRule{
			ID:                   r.ID,
			Name:                 ruleName(r.ID),
			ShortDescription:     sarifText{r.Summary},
			FullDescription:      sarifText{r.Help},
			Help:                 sarifText{strings.ToUpper(r.Summary[:1]) + r.Summary[1:] + ". " + r.Help},
			DefaultConfiguration: sarifRuleConfig{sarifLevel(r.Severity)},
			Properties:           sarifRuleProperies{Tags: append([]string{"taskproof"}, r.Tags...)},
		}
	}
	results := make([]sarifResult, 0, len(ds))
	for _, d := range ds {
		line := d.Line
		if line < 1 {
			line = 1
		}
		msg := d.Message
		var props *sarifResultProps
		if d.Fix != "" {
			msg += " (fix: " + d.Fix + ")"
			props = &sarifResultProps{Fix: d.Fix}
		}
		idx, ok := index[d.Rule]
		if !ok {
			return fmt.Errorf("sarif: diagnostic with unknown rule %q", d.Rule)
		}
		results = append(results, sarifResult{
			RuleID:    d.Rule,
			RuleIndex: idx,
			Level:     sarifLevel(d.Severity),
			Message:   sarifText{msg},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: fileURI(d.File), URIBaseID: "%SRCROOT%"},
				Region:           sarifRegion{StartLine: line, StartColumn: d.Column},
			}}},
			PartialFingerprints: map[string]string{fingerprintKey: fingerprint(d)},
			Properties:          props,
		})
	}
	return writeJSON(w, sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           "taskproof",
				InformationURI: InformationURI,
				Version:        tool.Version,
				Rules:          srules,
			}},
			ColumnKind: "unicodeCodePoints",
			Results:    results,
		}},
	})
}

// ruleName is the PascalCase name SARIF viewers show: "broken-link" ->
// "BrokenLink".
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// fileURI turns a slash path into a relative URI reference (spaces and
// other reserved characters percent-encoded).
func fileURI(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	return (&url.URL{Path: p}).EscapedPath()
}

// fingerprint is a stable hash of rule, file and message: it survives
// edits that move the finding to another line, so code scanning keeps
// tracking the same alert.
func fingerprint(d Diagnostic) string {
	h := sha256.Sum256([]byte(d.Rule + "\x00" + d.File + "\x00" + d.Message))
	return hex.EncodeToString(h[:16])
}
