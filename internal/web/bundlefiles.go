package web

import (
	"sort"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/report"
)

// The files of an evidence bundle (files/config.json, reports/N.json,
// markers/N.jsonl, logs/N.log, tests/N.json, scope.json, hygiene.json) are
// read with the schemas prove writes them with (internal/evidence/files.go).
type (
	bundleConfig  = evidence.Config
	bundleCheck   = evidence.CheckLine
	bundleFailure = report.Failure
)

// bundleFiles is what the pages read of a bundle's files, decoded once.
type bundleFiles struct {
	config  evidence.Config
	reports map[int]evidence.RunReport
	tests   map[int]evidence.Tests
	marks   map[int][]evidence.MarkerLine
	scope   *evidence.Scope
	hygiene *evidence.Hygiene
	// errs names each file that is there but does not decode; the pages
	// show them, so a damaged file is never silently missing data.
	errs []string
}

// decodeFiles decodes the files the pages show. The proof commands are
// config.json's.
func decodeFiles(files []evidence.File) *bundleFiles {
	d := &bundleFiles{reports: map[int]evidence.RunReport{}, tests: map[int]evidence.Tests{}, marks: map[int][]evidence.MarkerLine{}}
	note := func(err error) bool {
		if err != nil {
			d.errs = append(d.errs, err.Error())
			return false
		}
		return true
	}
	if _, err := evidence.Decode(files, evidence.ConfigName, &d.config); !note(err) {
		d.config = evidence.Config{}
	}
	sort.Slice(d.config.Steps, func(i, j int) bool { return d.config.Steps[i].N < d.config.Steps[j].N })
	for _, st := range d.config.Steps {
		var r evidence.RunReport
		if ok, err := evidence.Decode(files, evidence.ReportName(st.N), &r); ok && note(err) {
			d.reports[st.N] = r
		}
		var t evidence.Tests
		if ok, err := evidence.Decode(files, evidence.TestsName(st.N), &t); ok && note(err) {
			d.tests[st.N] = t
		}
		if m, ok, err := evidence.DecodeMarkers(files, evidence.MarkersName(st.N)); ok && note(err) {
			d.marks[st.N] = m
		}
	}
	var s evidence.Scope
	if ok, err := evidence.Decode(files, evidence.ScopeName, &s); ok && note(err) {
		d.scope = &s
	}
	var h evidence.Hygiene
	if ok, err := evidence.Decode(files, evidence.HygieneName, &h); ok && note(err) {
		d.hygiene = &h
	}
	return d
}

func (b *Bundle) config() bundleConfig {
	if b == nil {
		return bundleConfig{}
	}
	return b.decoded.config
}

func (b *Bundle) report(n int) (evidence.RunReport, bool) {
	if b == nil {
		return evidence.RunReport{}, false
	}
	r, ok := b.decoded.reports[n]
	return r, ok
}

func (b *Bundle) tests(n int) (evidence.Tests, bool) {
	if b == nil {
		return evidence.Tests{}, false
	}
	t, ok := b.decoded.tests[n]
	return t, ok
}

func (b *Bundle) log(n int) ([]byte, bool) {
	if b == nil {
		return nil, false
	}
	data, ok := b.Files[evidence.LogName(n)]
	return data, ok
}

// marks is markers/N.jsonl.
func (b *Bundle) marks(n int) []evidence.MarkerLine {
	if b == nil {
		return nil
	}
	return b.decoded.marks[n]
}

// FileErrors names each bundle file that does not decode, with why.
func (b *Bundle) FileErrors() []string {
	if b == nil {
		return nil
	}
	return b.decoded.errs
}
