package web

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/report"
)

// The files of an evidence bundle, decoded as far as the pages need them.
// prove writes them (files/config.json, reports/N.json, markers/N.jsonl,
// logs/N.log, tests/N.json, scope.json, hygiene.json); these are the
// reader's view, tolerant of fields it does not know.

// The config, run reports and marker lines are read with the schemas
// prove writes them with (internal/evidence/files.go).
type (
	bundleConfig  = evidence.Config
	bundleStep    = evidence.ConfigStep
	bundleReport  = evidence.RunReport
	bundleMark    = evidence.MarkerLine
	bundleCheck   = evidence.CheckLine
	bundleFailure = report.Failure
)

type bundleTests struct {
	Format  string `json:"format"`
	Summary struct {
		Passed  int `json:"passed"`
		Failed  int `json:"failed"`
		Skipped int `json:"skipped"`
		Errored int `json:"errored"`
		Total   int `json:"total"`
	} `json:"summary"`
	Cases []struct {
		Suite   string `json:"suite"`
		Name    string `json:"name"`
		Outcome string `json:"outcome"`
		Line    int    `json:"line"`
	} `json:"cases"`
	Required []struct {
		Name     string `json:"name"`
		TaskLine int    `json:"task_line"`
		Outcome  string `json:"outcome"`
		Matches  []struct {
			Suite   string `json:"suite"`
			Name    string `json:"name"`
			Outcome string `json:"outcome"`
			Line    int    `json:"line"`
		} `json:"matches"`
	} `json:"required"`
	Crashed     bool     `json:"crashed"`
	CrashReason string   `json:"crash_reason"`
	Problems    []string `json:"problems"`
}

type bundleScope struct {
	Base       string                          `json:"base"`
	MergeBase  string                          `json:"merge_base"`
	Touched    []struct{ Path, Status string } `json:"touched"`
	Violations []struct {
		Path   string `json:"path"`
		Status string `json:"status"`
		Reason string `json:"reason"`
	} `json:"violations"`
}

type bundleHygiene struct {
	Findings []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Rule    string `json:"rule"`
		Message string `json:"message"`
	} `json:"findings"`
}

// decode unmarshals the named bundle file into v; false when absent or
// not JSON.
func (b *Bundle) decode(name string, v any) bool {
	if b == nil {
		return false
	}
	data, ok := b.Files[name]
	return ok && json.Unmarshal(data, v) == nil
}

func (b *Bundle) config() bundleConfig {
	var c bundleConfig
	b.decode(evidence.ConfigName, &c)
	sort.Slice(c.Steps, func(i, j int) bool { return c.Steps[i].N < c.Steps[j].N })
	return c
}

func (b *Bundle) report(n int) (bundleReport, bool) {
	var r bundleReport
	ok := b.decode(evidence.ReportName(n), &r)
	return r, ok
}

func (b *Bundle) tests(n int) (bundleTests, bool) {
	var t bundleTests
	ok := b.decode(evidence.TestsName(n), &t)
	return t, ok
}

func (b *Bundle) log(n int) ([]byte, bool) {
	if b == nil {
		return nil, false
	}
	data, ok := b.Files[evidence.LogName(n)]
	return data, ok
}

// marks reads markers/N.jsonl.
func (b *Bundle) marks(n int) []bundleMark {
	if b == nil {
		return nil
	}
	var out []bundleMark
	for _, line := range bytes.Split(b.Files[evidence.MarkersName(n)], []byte("\n")) {
		var m bundleMark
		if len(bytes.TrimSpace(line)) > 0 && json.Unmarshal(line, &m) == nil {
			out = append(out, m)
		}
	}
	return out
}
