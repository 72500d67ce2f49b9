package testout

import (
	"errors"
	"os"
	"path/filepath"
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

func TestCheckFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "go.json")
	if err := os.WriteFile(path, []byte(`{"Action":"pass","Package":"p","Test":"TestBoot","Elapsed":0.1}`+"\n"+`{"Action":"pass","Package":"p","Elapsed":0.2}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if rep, err := CheckFile(nil, path, "gotest", []string{"TestBoot"}); err != nil || !rep.Pass || rep.Format != FormatGoTest {
		t.Errorf("file: %+v, %v", rep, err)
	}
	if rep, err := CheckFile(strings.NewReader("ok 1 - boots\n1..1\n"), "-", "", nil); err != nil || !rep.Pass || rep.Format != FormatTAP {
		t.Errorf("stdin: %+v, %v", rep, err)
	}
	for _, tt := range []struct {
		path, from string
		require    []string
		want       string
	}{
		{path, "nunit", nil, "--from: "},
		{path, "", []string{"TestBoot", " "}, "--require needs a test name or glob, got an empty string"},
		{filepath.Join(dir, "missing.json"), "", nil, "open test output: "},
		{"-", "", nil, "no test output: zero tests is a failure"},
	} {
		if _, err := CheckFile(strings.NewReader(""), tt.path, tt.from, tt.require); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s --from %q --require %q: %v, want %q", tt.path, tt.from, tt.require, err, tt.want)
		}
	}
}
