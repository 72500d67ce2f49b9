package testout

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/taskproof/taskproof/internal/task"
)

// ErrNoOutput says a test runner wrote nothing (go test -json > out that
// died first): it ran no tests, which is a failure whatever the format,
// never bad input.
var ErrNoOutput = errors.New("no test output: zero tests is a failure")

// Check reads a test runner's output from in (name names it in messages),
// parses it as format from ("" detects it) and reports it with the tests
// require names (names or globs) checked: what 'taskproof tests' prints.
// An empty input is ErrNoOutput; an undetectable one wraps
// ErrUnknownFormat and says how to name the format.
func Check(in io.Reader, name string, from Format, require []string) (Report, error) {
	data, err := ReadInput(in, name)
	if err != nil {
		return Report{}, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Report{}, ErrNoOutput
	}
	run, err := Parse(data, from)
	if errors.Is(err, ErrUnknownFormat) {
		return Report{}, fmt.Errorf("%s: %w (%s); pass --from FORMAT with one of: gotest, cargo, pytest, junit, tap, ktap", name, err, Describe(data))
	}
	if err != nil {
		return Report{}, fmt.Errorf("%s: %w", name, err)
	}
	refs := make([]task.TestRef, len(require))
	for i, r := range require {
		refs[i] = task.TestRef{Name: r}
	}
	return NewReport(run, Require(run, refs)), nil
}

// CheckFile is Check of the file at path ("-" reads stdin) in the format
// from names ("" detects it), after checking from and require: what
// 'taskproof tests --from FROM --require NAME... PATH' reports.
func CheckFile(stdin io.Reader, path, from string, require []string) (Report, error) {
	var format Format
	if from != "" {
		f, err := ParseFormat(from)
		if err != nil {
			return Report{}, fmt.Errorf("--from: %w", err)
		}
		format = f
	}
	for _, r := range require {
		if strings.TrimSpace(r) == "" {
			return Report{}, errors.New("--require needs a test name or glob, got an empty string")
		}
	}
	if path == "-" {
		return Check(stdin, "standard input", format, require)
	}
	f, err := os.Open(path)
	if err != nil {
		return Report{}, fmt.Errorf("open test output: %w", err)
	}
	defer f.Close()
	return Check(f, path, format, require)
}
