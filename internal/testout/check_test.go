package testout

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	gotest := `{"Action":"run","Package":"p","Test":"TestBoot"}
{"Action":"pass","Package":"p","Test":"TestBoot","Elapsed":0.1}
{"Action":"pass","Package":"p","Elapsed":0.2}
`
	tests := []struct {
		name    string
		input   string
		from    Format
		require []string
		pass    bool
		wantErr string
		is      error
	}{
		{name: "detected and passing", input: gotest, require: []string{"TestBoot"}, pass: true},
		{name: "required test missing", input: gotest, require: []string{"TestSMP"}, pass: false},
		{name: "empty", input: " \n\t", wantErr: "no test output: zero tests is a failure", is: ErrNoOutput},
		{name: "undetectable", input: "hello\nworld\n", wantErr: "out.txt: cannot detect the test output format (", is: ErrUnknownFormat},
		{name: "forced junit, malformed", input: "<testsuite><testcase", from: FormatJUnit, wantErr: "out.txt: "},
	}
	for _, tt := range tests {
		rep, err := Check(strings.NewReader(tt.input), "out.txt", tt.from, tt.require)
		if tt.wantErr != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("%s: err = %v, want %q (%v)", tt.name, err, tt.wantErr, tt.is)
			}
			continue
		}
		if err != nil || rep.Pass != tt.pass {
			t.Errorf("%s: pass %v, err %v; want pass %v", tt.name, rep.Pass, err, tt.pass)
		}
	}
	_, err := Check(strings.NewReader("hello\n"), "standard input", "", nil)
	if err == nil || !strings.Contains(err.Error(), "pass --from FORMAT with one of: gotest, cargo, pytest, junit, tap, ktap") {
		t.Errorf("undetectable input: %v, want the fix named", err)
	}
}
