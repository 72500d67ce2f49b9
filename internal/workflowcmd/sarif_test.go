package workflowcmd

import (
	"testing"

	"github.com/taskproof/taskproof/internal/sarif"
)

func TestFromSARIF(t *testing.T) {
	l := sarif.Log{Prefix: "sub/", Rules: []sarif.Rule{{ID: "r1", Level: sarif.Warning}}, Results: []sarif.Result{
		{Rule: "r1", Message: "m", File: "a.md", Line: 3, Column: 2, Fix: "x"},
		{Rule: "r1", Level: sarif.Error, Message: "whole file", File: "b.md"},
	}}
	as := FromSARIF(l)
	if len(as) != 2 {
		t.Fatalf("%d annotations, want 2", len(as))
	}
	if a := as[0]; a.Level != "warning" || a.File != "sub/a.md" || a.Line != 3 || a.Col != 2 || a.Title != "taskproof r1" || a.Message != "m (fix: x)" {
		t.Errorf("first: %+v", a)
	}
	if a := as[1]; a.Level != "error" || a.Line != 0 || a.File != "sub/b.md" {
		t.Errorf("second: %+v", a)
	}
}
