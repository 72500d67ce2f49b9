package live

import (
	"testing"

	"github.com/taskproof/taskproof/internal/report"
)

func TestFailureOfAndReason(t *testing.T) {
	if FailureOf(nil) != nil {
		t.Error("FailureOf(nil) is not nil")
	}
	f := &report.Failure{Kind: "missing", Marker: "boot ok", Phase: "boot", Line: 12, Message: "marker never seen\nlast lines: ..."}
	got := FailureOf(f)
	want := Failure{Kind: "missing", Marker: "boot ok", Phase: "boot", Line: 12, Message: "marker never seen"}
	if got == nil || *got != want {
		t.Errorf("FailureOf = %+v, want %+v", got, want)
	}
	tests := []struct {
		r    report.Report
		want string
	}{
		{report.Report{Verdict: "PASS", Found: 3, Required: 3}, "PASS: 3/3 required markers"},
		{report.Report{Verdict: "FAIL", Found: 1, Required: 3, Failure: f}, "FAIL: marker never seen"},
		{report.Report{Verdict: "FAIL", Found: 1, Required: 3}, "FAIL: 1/3 required markers"},
		{report.Report{Verdict: "PASS", Found: 2, Required: 2, Failure: f}, "PASS: 2/2 required markers"},
	}
	for _, tt := range tests {
		if got := Reason(&tt.r); got != tt.want {
			t.Errorf("Reason(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}
