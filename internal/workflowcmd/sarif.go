package workflowcmd

import "github.com/taskproof/taskproof/internal/sarif"

// FromSARIF turns findings into workflow commands, with the files and
// levels their SARIF form has.
func FromSARIF(l sarif.Log) []Annotation {
	as := make([]Annotation, len(l.Results))
	for i, loc := range l.Locate() {
		r := l.Results[i]
		level := "notice"
		switch loc.Level {
		case sarif.Error:
			level = "error"
		case sarif.Warning:
			level = "warning"
		}
		msg := r.Message
		if r.Fix != "" {
			msg += " (fix: " + r.Fix + ")"
		}
		line := r.Line // 0: the whole file, no line property
		as[i] = Annotation{Level: level, File: loc.File, Line: line, Col: r.Column, Title: "taskproof " + r.Rule, Message: msg}
	}
	return as
}
