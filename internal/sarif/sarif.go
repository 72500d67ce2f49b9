// Package sarif writes findings as a SARIF 2.1.0 log that GitHub code
// scanning accepts. It is the one SARIF writer: lint, hygiene, contract
// lint, scope and drift turn their findings into Results and Rules.
package sarif

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// SARIF 2.1.0 constants.
const (
	schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	version   = "2.1.0"
	// InformationURI is where taskproof is documented.
	InformationURI = "https://github.com/taskproof/taskproof"
	// HelpBase is the documentation page rule helpUris point into.
	HelpBase = InformationURI + "/blob/main/docs/rules.md"
	// FingerprintKey names taskproof's result fingerprint; v2 includes
	// the line (v1 did not, so one finding on two lines collided).
	FingerprintKey = "taskproofFingerprint/v2"
)

// Level is a SARIF result level.
type Level string

// The SARIF levels taskproof uses.
const (
	Error   Level = "error"
	Warning Level = "warning"
	Note    Level = "note"
)

// Rule documents one kind of finding.
type Rule struct {
	ID      string
	Summary string // one line
	Help    string // why it matters and how to fix it
	Level   Level  // default level
	Tags    []string
	// HelpURI is where the rule is documented; "" means HelpBase#ID
	// (docs/rules.md, the lint rules).
	HelpURI string
}

// Result is one finding. File is slash-separated and relative to the
// directory the command ran on; Log.Prefix makes it repository-relative.
type Result struct {
	Rule    string
	Level   Level // "" means the rule's default
	Message string
	File    string
	Line    int // 1-based; 0 means the file as a whole
	Column  int
	Fix     string // suggested replacement, if any
}

// Log is one tool run.
type Log struct {
	Version string // taskproof's version
	// Prefix is the path from the repository root to the directory the
	// command ran on ("" or e.g. "sub/dir/"), so URIs resolve against
	// %SRCROOT% = the repository root, as GitHub requires.
	Prefix string
	// Category tells code scanning which command's analysis this is
	// (e.g. "hygiene"), so uploads of several commands for one commit
	// do not replace each other; "" leaves it out.
	Category string
	Rules    []Rule
	Results  []Result
}

type log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []run  `json:"runs"`
}

type run struct {
	Tool              tool               `json:"tool"`
	AutomationDetails *automationDetails `json:"automationDetails,omitempty"`
	ColumnKind        string             `json:"columnKind"`
	Results           []result           `json:"results"`
}

// automationDetails.id "taskproof/lint/" makes GitHub's category
// "taskproof/lint".
type automationDetails struct {
	ID string `json:"id"`
}

type tool struct {
	Driver driver `json:"driver"`
}

type driver struct {
	Name           string `json:"name"`
	InformationURI string `json:"informationUri"`
	Version        string `json:"version"`
	Rules          []rule `json:"rules"`
}

type text struct {
	Text string `json:"text"`
}

type helpText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type rule struct {
	ID                   string     `json:"id"`
	Name                 string     `json:"name"`
	ShortDescription     text       `json:"shortDescription"`
	FullDescription      text       `json:"fullDescription"`
	Help                 helpText   `json:"help"`
	HelpURI              string     `json:"helpUri"`
	DefaultConfiguration ruleConfig `json:"defaultConfiguration"`
	Properties           ruleProps  `json:"properties"`
}

type ruleConfig struct {
	Level Level `json:"level"`
}

type ruleProps struct {
	Tags []string `json:"tags"`
}

type result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               Level             `json:"level"`
	Message             text              `json:"message"`
	Locations           []location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          *resultProps      `json:"properties,omitempty"`
}

type resultProps struct {
	Fix string `json:"fix"`
}

type location struct {
	PhysicalLocation physical `json:"physicalLocation"`
}

type physical struct {
	ArtifactLocation artifact `json:"artifactLocation"`
	Region           region   `json:"region"`
}

type artifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type region struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// Write writes l as SARIF (2-space indent, trailing newline). A result
// whose rule is not among l.Rules is an error: code scanning needs every
// rule described.
func Write(w io.Writer, l Log) error {
	index := make(map[string]int, len(l.Rules))
	rules := make([]rule, len(l.Rules))
	for i, r := range l.Rules {
		index[r.ID] = i
		help := r.Summary
		if help != "" {
			help = strings.ToUpper(help[:1]) + help[1:] + "."
		}
		if r.Help != "" {
			help += " " + r.Help
		}
		rules[i] = rule{
			ID:                   r.ID,
			Name:                 ruleName(r.ID),
			ShortDescription:     text{r.Summary},
			FullDescription:      text{cmp.Or(r.Help, r.Summary)},
			Help:                 helpText{Text: help, Markdown: "**" + r.ID + "**: " + help},
			HelpURI:              cmp.Or(r.HelpURI, HelpBase+"#"+r.ID),
			DefaultConfiguration: ruleConfig{r.Level},
			Properties:           ruleProps{Tags: append([]string{"taskproof"}, r.Tags...)},
		}
	}
	located := l.Locate()
	results := make([]result, 0, len(l.Results))
	for i, r := range l.Results {
		idx, ok := index[r.Rule]
		if !ok {
			return fmt.Errorf("sarif: result with undescribed rule %q", r.Rule)
		}
		loc := located[i]
		level, file, line, fp := loc.Level, loc.File, loc.Line, loc.Fingerprint
		msg := r.Message
		var props *resultProps
		if r.Fix != "" {
			msg += " (fix: " + r.Fix + ")"
			props = &resultProps{Fix: r.Fix}
		}
		results = append(results, result{
			RuleID:    r.Rule,
			RuleIndex: idx,
			Level:     level,
			Message:   text{msg},
			Locations: []location{{PhysicalLocation: physical{
				ArtifactLocation: artifact{URI: fileURI(file), URIBaseID: "%SRCROOT%"},
				Region:           region{StartLine: line, StartColumn: r.Column},
			}}},
			PartialFingerprints: map[string]string{FingerprintKey: fp},
			Properties:          props,
		})
	}
	var details *automationDetails
	if l.Category != "" {
		details = &automationDetails{ID: "taskproof/" + l.Category + "/"}
	}
	b, err := json.MarshalIndent(log{
		Schema:  schemaURI,
		Version: version,
		Runs: []run{{
			Tool: tool{Driver: driver{
				Name:           "taskproof",
				InformationURI: InformationURI,
				Version:        l.Version,
				Rules:          rules,
			}},
			AutomationDetails: details,
			ColumnKind:        "unicodeCodePoints",
			Results:           results,
		}},
	}, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Located is where a result is, as every output names it: the
// repository-relative file, the line (1 for a whole file) and the
// finding's fingerprint.
type Located struct {
	File        string
	Line        int
	Fingerprint string
	Level       Level // the result's, else its rule's default
}

// Locate resolves every result of l, in order. The same finding twice
// (same rule, file, line and message) gets numbered fingerprints so each
// keeps its own alert.
func (l Log) Locate() []Located {
	out := make([]Located, len(l.Results))
	seen := make(map[string]int, len(l.Results))
	levels := make(map[string]Level, len(l.Rules))
	for _, r := range l.Rules {
		levels[r.ID] = r.Level
	}
	for i, r := range l.Results {
		line := max(r.Line, 1)
		file := path.Join(l.Prefix, strings.ReplaceAll(r.File, `\`, "/"))
		fp := Fingerprint(r.Rule, file, line, r.Message)
		seen[fp]++
		if n := seen[fp]; n > 1 {
			fp += ":" + strconv.Itoa(n)
		}
		out[i] = Located{File: file, Line: line, Fingerprint: fp, Level: cmp.Or(r.Level, levels[r.Rule])}
	}
	return out
}

// Fingerprint identifies a finding: its rule, repository-relative file,
// line and message. Line is part of it so the same message on two lines
// is two alerts.
func Fingerprint(rule, file string, line int, message string) string {
	h := sha256.Sum256([]byte(rule + "\x00" + file + "\x00" + strconv.Itoa(line) + "\x00" + message))
	return hex.EncodeToString(h[:16])
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
	return (&url.URL{Path: p}).EscapedPath()
}
