package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/testout"
)

const testsHelp = `Reads the output of a test runner from FILE (or standard input for -) and
normalises it into one result model: suite, name, outcome (passed, failed,
skipped, errored), duration, message. Formats (--from, detected when not
given):
  gotest  go test -json
  cargo   cargo test (libtest output; capture stdout and stderr together
          so each result is tied to its test binary and crashes are named)
  pytest  pytest -rA (or -v) text output; pytest --junitxml reads as junit
  junit   JUnit XML
  tap     TAP 12/13/14, nested subtests by indentation
  ktap    KTAP (kunit, kselftest), also inside a kernel log

Zero tests executed is a failure, never a pass; a skipped test is not a
passed test; two results with the same name stay two cases. A run that
stopped before reporting everything it announced (a test binary that died,
a plan 1..N that does not match the results, Bail out!, a summary line
that disagrees with the listed results) is a crash, and a crash fails.

--require NAME checks a test the task requires, by exact name or glob
(* and ? as in path.Match). NAME matches the whole case name, or the end
of it that has as many "::", "/" or "." separators as NAME itself: so
test_reject_* finds tests::nested::test_reject_bad_input and
TestTable/* finds pkg.TestTable/ones, but not a test in a file named
test_reject.py. A trailing pytest [parameter] or "()" may be left out.
Each is reported passed, failed, skipped or not_run: failed if any
matching case failed or errored, skipped if any was skipped, not_run if
nothing matched.

--format text prints each case, then the problems, then the summary line
"N passed, N failed, N skipped, N errored". --format json prints the
report: format, cases, summary, crashed, crash_reason, plan, warnings,
required (name, outcome, matches) and pass with its problems.

Exit codes:
  0  at least one test ran, none failed or errored, no crash, and every
     --require passed
  1  a test failed or errored, the run crashed, no test ran (also when
     the input is empty), or a required test did not pass
  2  usage error, unreadable input, malformed JUnit XML, or a format that
     cannot be detected (pass --from)`

// testsMaxInput bounds what tests reads into memory.
const testsMaxInput = 512 << 20

// testsOptions are the inputs of `taskproof tests`.
type testsOptions struct {
	From    string   // forced format, "" to detect
	Format  string   // text or json
	Require []string // required test names or globs
	Input   string   // path, or "-" for stdin
}

// testsNames is a repeatable string flag.
type testsNames []string

func (l *testsNames) String() string     { return strings.Join(*l, ", ") }
func (l *testsNames) Set(s string) error { *l = append(*l, s); return nil }

func cmdTests(ctx context.Context, env *cliEnv, args []string) error {
	o := testsOptions{}
	fs := newFlagSet(env, "tests", "tests [--from FORMAT] [--format text|json] [--require NAME]... FILE|-", testsHelp)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.From, "from", "", "input `FORMAT`: gotest, cargo, pytest, junit, tap, ktap (default: detect)")
	fs.Var((*testsNames)(&o.Require), "require", "required test `NAME` or glob (repeatable)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one FILE argument (a test-runner output file, or - for stdin), got %d", len(pos))
	}
	o.Input = pos[0]
	return runTests(ctx, o, env)
}

// runTests parses the input, prints the report and maps the verdict to an
// exit code: problems are printed on stderr, one line each.
func runTests(ctx context.Context, o testsOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	var from testout.Format
	if o.From != "" {
		f, err := testout.ParseFormat(o.From)
		if err != nil {
			return usagef("--from: %v", err)
		}
		from = f
	}
	for _, r := range o.Require {
		if strings.TrimSpace(r) == "" {
			return usagef("--require needs a test name or glob, got an empty string")
		}
	}
	data, err := testsRead(o.Input, env)
	if err != nil {
		return err
	}
	// A runner that wrote nothing (go test -json > out that died first)
	// ran no tests: a failure, whatever the format, never a usage error.
	if len(bytes.TrimSpace(data)) == 0 {
		return findings(errors.New("no test output: zero tests is a failure"))
	}
	run, err := testout.Parse(data, from)
	if errors.Is(err, testout.ErrUnknownFormat) {
		return usagef("%s: cannot detect the test output format (%s); pass --from FORMAT with one of: gotest, cargo, pytest, junit, tap, ktap", testsName(o.Input), testsStart(data))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", testsName(o.Input), err)
	}
	refs := make([]task.TestRef, len(o.Require))
	for i, r := range o.Require {
		refs[i] = task.TestRef{Name: r}
	}
	rep := testout.NewReport(run, testout.Require(run, refs))

	text := func() []byte {
		var out bytes.Buffer
		testsText(&out, rep)
		return out.Bytes()
	}
	if err := writeOutput(env.stdout, o.Format, rep, text); err != nil {
		return err
	}
	if rep.Pass {
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(env.stderr, "taskproof tests: %s\n", p)
	}
	return silent(errFindings)
}

func testsName(input string) string {
	if input == "-" {
		return "standard input"
	}
	return input
}

// testsRead reads the whole input, bounded.
func testsRead(input string, env *cliEnv) ([]byte, error) {
	in := env.stdin
	if input != "-" {
		f, err := os.Open(input)
		if err != nil {
			return nil, fmt.Errorf("open test output: %w", err)
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, testsMaxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", testsName(input), err)
	}
	if len(data) > testsMaxInput {
		return nil, fmt.Errorf("%s is larger than %d MiB; give the runner's result output only", testsName(input), testsMaxInput>>20)
	}
	return data, nil
}

// testsStart describes the start of an undetectable input for the error.
func testsStart(data []byte) string {
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 60 {
				l = strings.ToValidUTF8(l[:60], "") + "..."
			}
			return fmt.Sprintf("it starts with %q", l)
		}
	}
	return "it is empty"
}

// testsMessageLines bounds how much of a failure message text output shows;
// --format json carries the whole (bounded) message.
const testsMessageLines = 12

// testsText renders the report for a terminal.
func testsText(w *bytes.Buffer, rep testout.Report) {
	for _, c := range rep.Cases {
		where := c.Suite
		if c.Outcome != testout.Passed {
			if where != "" {
				where += ", "
			}
			where += fmt.Sprintf("line %d", c.Line)
		}
		fmt.Fprintf(w, "%-8s %s", c.Outcome, c.Name)
		if where != "" {
			fmt.Fprintf(w, "  (%s)", where)
		}
		switch c.Outcome {
		case testout.Skipped:
			if c.Message != "" {
				fmt.Fprintf(w, ": %s", strings.TrimSpace(firstLine(c.Message)))
			}
			w.WriteByte('\n')
		case testout.Failed, testout.Errored:
			w.WriteByte('\n')
			lines := strings.Split(c.Message, "\n")
			if c.Message == "" {
				lines = nil
			}
			for i, l := range lines {
				if i == testsMessageLines {
					fmt.Fprintf(w, "         | ... %d more lines (--format json has the message)\n", len(lines)-i)
					break
				}
				fmt.Fprintf(w, "         | %s\n", strings.TrimRight(l, " \t"))
			}
		default:
			w.WriteByte('\n')
		}
	}
	if rep.Crashed {
		fmt.Fprintf(w, "crashed: %s\n", rep.CrashReason)
	}
	for _, warn := range rep.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	for _, r := range rep.Required {
		fmt.Fprintf(w, "required %s: %s", r.Name, r.Outcome)
		if n := len(r.Matches); n > 0 {
			names := make([]string, 0, 5)
			for i, m := range r.Matches {
				if i == 5 {
					names = append(names, fmt.Sprintf("and %d more", n-5))
					break
				}
				names = append(names, fmt.Sprintf("%s %s", m.Name, m.Outcome))
			}
			fmt.Fprintf(w, " (%s)", strings.Join(names, ", "))
		}
		w.WriteByte('\n')
	}
	s := rep.Summary
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped, %d errored\n", s.Passed, s.Failed, s.Skipped, s.Errored)
}
