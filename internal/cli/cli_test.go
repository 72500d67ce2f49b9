package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

var errDomainFailed = errors.New("domain: failed")

// toyProgram is a small table: a leaf with flags and a group of two.
func toyProgram() *Program {
	lint := func(ctx context.Context, env *Env, args []string) error {
		var format, root string
		var strict bool
		fs := NewFlagSet(env, "lint", "lint [--format text|json] [FILE...]")
		fs.FormatFlag(&format, "text", "json")
		fs.RootFlag(&root)
		fs.BoolVar(&strict, "strict", false, "fail on warnings")
		pos, err := fs.Parse(args)
		if err != nil {
			return err
		}
		if err := CheckFormat(format, "text", "json"); err != nil {
			return err
		}
		if len(pos) > 0 && pos[0] == "bad" {
			return fmt.Errorf("check: %w", errDomainFailed)
		}
		return WriteOutput(env.Stdout, format, map[string]int{"files": len(pos)}, func() []byte {
			return []byte(fmt.Sprintf("%d files\n", len(pos)))
		})
	}
	leaf := func(name string) func(context.Context, *Env, []string) error {
		return func(ctx context.Context, env *Env, args []string) error {
			fs := NewFlagSet(env, name, name)
			return fs.ParseNone(args, name+" takes no arguments")
		}
	}
	return &Program{
		Version: "1.2.3",
		Root: &Command{Synopsis: "COMMAND", ListWidth: 8, Footer: "Exit status: 0 ok.", Subs: []*Command{
			{Name: "lint", Summary: "check files", Run: lint},
			{Name: "contract", Summary: "contract tools", Synopsis: "contract list|show", Help: "Contract help.", ListWidth: 5, Subs: []*Command{
				{Name: "list", Summary: "list it", Run: leaf("contract list")},
				{Name: "show", Summary: "show it", Run: leaf("contract show")},
			}},
		}},
		Help:      func(name string) string { return "Help of " + name + "." },
		Examples:  map[string][]string{"lint": {"taskproof lint --format json a.md"}},
		Sentinels: []Sentinel{{errDomainFailed, ExitFindings}},
	}
}

func run(p *Program, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := p.Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// TestProgramRun: dispatch, help, did-you-mean and exit codes through a
// table of its own.
func TestProgramRun(t *testing.T) {
	for _, c := range []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{nil, ExitUsage, "", "taskproof 1.2.3: executable"},
		{[]string{"--version"}, ExitOK, "taskproof 1.2.3\n", ""},
		{[]string{"--help"}, ExitOK, "Commands:\n  lint     check files\n", ""},
		{[]string{"lint", "a", "b"}, ExitOK, "2 files\n", ""},
		{[]string{"lint", "a", "--format", "json"}, ExitOK, "{\n  \"schema_version\": 1,\n  \"files\": 1\n}\n", ""},
		{[]string{"lint", "--format", "xml"}, ExitUsage, "", `taskproof lint: unknown --format "xml"; use one of: text, json`},
		{[]string{"lint", "bad"}, ExitFindings, "", "taskproof lint: check: domain: failed\n"},
		{[]string{"lint", "--help"}, ExitOK, "Usage: taskproof lint [--format text|json] [FILE...]\n\nExamples:\n  taskproof lint --format json a.md\n\nHelp of lint.\n", ""},
		{[]string{"help", "lint"}, ExitOK, "Help of lint.", ""},
		{[]string{"lint", "--stirct"}, ExitUsage, "", `flag provided but not defined: -stirct (did you mean "--strict"?)`},
		{[]string{"lnit"}, ExitUsage, "", `unknown command "lnit" (did you mean "lint"?)`},
		{[]string{"xyzzy"}, ExitUsage, "", `unknown command "xyzzy"; run`},
		{[]string{"contract"}, ExitUsage, "", "taskproof contract: missing subcommand\n\nUsage: taskproof contract list|show\n"},
		{[]string{"contract", "--help"}, ExitOK, "Subcommands:\n  list  list it\n", ""},
		{[]string{"contract", "lsit"}, ExitUsage, "", `unknown subcommand "lsit" (did you mean "list"?); use list or show`},
		{[]string{"contract", "list", "extra"}, ExitUsage, "", `taskproof contract list: unexpected argument "extra"; contract list takes no arguments`},
		{[]string{"contract", "show", "--help"}, ExitOK, "Help of contract-show.", ""},
	} {
		code, stdout, stderr := run(toyProgram(), c.args...)
		if code != c.code || !strings.Contains(stdout, c.stdout) || !strings.Contains(stderr, c.stderr) || (c.stderr == "" && stderr != "") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q", c.args, code, stdout, stderr, c.code, c.stdout, c.stderr)
		}
	}
}

func TestExitCode(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("context: %w", err) }
	sentinels := []Sentinel{{errDomainFailed, ExitFindings}, {context.Canceled, ExitInfra}}
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{Silent(ErrHelp), ExitOK},
		{Findings(errors.New("x")), ExitFindings},
		{Usagef("bad"), ExitUsage},
		{errors.New("an unreadable file"), ExitUsage},
		{Infra(errors.New("write")), ExitInfra},
		{Silent(ErrTimeout), ExitTimeout},
		{wrap(errDomainFailed), ExitFindings},
		{wrap(context.Canceled), ExitInfra},
		// A command's own class wins over the sentinel it wraps.
		{Infra(wrap(errDomainFailed)), ExitInfra},
	} {
		if got := ExitCode(c.err, sentinels); got != c.want {
			t.Errorf("ExitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	if got := ExitCode(wrap(errDomainFailed), nil); got != ExitUsage {
		t.Errorf("an unmapped sentinel exits %d, want %d", got, ExitUsage)
	}
	var b bytes.Buffer
	env := &Env{Stderr: &b}
	if Exit(env, "x", Silent(ErrFindings), nil) != ExitFindings || b.Len() != 0 {
		t.Errorf("a silent error printed %q", b.String())
	}
	if Exit(env, "contract lint", errors.New("boom"), nil) != ExitUsage || b.String() != "taskproof contract lint: boom\n" {
		t.Errorf("printed %q", b.String())
	}
}

func TestSuggestion(t *testing.T) {
	names := []string{"lint", "list", "prove", "graph"}
	for typed, want := range map[string]string{
		"lnit":  ` (did you mean "lint"?)`, // a swap is one edit
		"porve": ` (did you mean "prove"?)`,
		"lits":  ` (did you mean "list"?)`,
		"grpah": ` (did you mean "graph"?)`,
		"xyzzy": "",
		"li":    "", // two edits from a four-letter word is not a typo
		"LINT":  ` (did you mean "lint"?)`,
		"lintt": ` (did you mean "lint"?)`,
	} {
		if got := Suggestion(typed, names); got != want {
			t.Errorf("Suggestion(%q) = %q, want %q", typed, got, want)
		}
	}
}

func TestWithSchemaVersion(t *testing.T) {
	for in, want := range map[string]string{
		"{\n  \"a\": 1\n}": "{\n  \"schema_version\": 1,\n  \"a\": 1\n}",
		"{}":               "{\n  \"schema_version\": 1\n}",
		"[1]":              "[1]",
		`{"a":1}`:          `{"a":1}`,
	} {
		if got := string(WithSchemaVersion([]byte(in))); got != want {
			t.Errorf("WithSchemaVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFlagDocs: every flag on one line, the usages aligned and wrapped at
// 80 columns, defaults shown, --format's values known.
func TestFlagDocs(t *testing.T) {
	fs := NewFlagSet(&Env{}, "x", "x")
	var s string
	var n int
	var b bool
	fs.FormatFlag(&s, "text", "json", "sarif")
	fs.IntVar(&n, "j", 4, "run `N` at once")
	fs.BoolVar(&b, "exit-zero", false, strings.Repeat("a long usage that wraps ", 5))
	docs := FlagDocs(fs.FlagSet)
	if len(docs) != 3 || docs[2].Name != "j" || docs[2].Value != "N" || docs[2].Def != "4" || strings.Join(docs[1].Values, ",") != "text,json,sarif" || docs[0].Value != "" {
		t.Fatalf("FlagDocs = %+v", docs)
	}
	var w bytes.Buffer
	WriteFlagDocs(&w, docs)
	for i, line := range strings.Split(strings.TrimRight(w.String(), "\n"), "\n") {
		if len(line) > 80 {
			t.Errorf("line %d is %d columns: %q", i, len(line), line)
		}
	}
	if !strings.Contains(w.String(), "  -j N             run N at once (default 4)\n") {
		t.Errorf("flag docs:\n%s", w.String())
	}
}

// TestCompletionAndMan: the scripts and the page are made from the table's
// commands and the flags each really parses; bash runs its script.
func TestCompletionAndMan(t *testing.T) {
	tree := CommandTree(context.Background(), toyProgram())
	if len(tree) != 2 || tree[0].Help != "Help of lint." || len(tree[0].Flags) != 3 || tree[1].Subs[1].Name() != "contract show" {
		t.Fatalf("tree: %+v", tree)
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		script, err := Completion(shell, tree)
		if err != nil || !strings.Contains(script, "strict") || !strings.Contains(script, "show") {
			t.Errorf("%s: %v\n%s", shell, err, script)
		}
	}
	if _, err := Completion("bsh", tree); ExitCode(err, nil) != ExitUsage || !strings.Contains(err.Error(), `did you mean "bash"`) {
		t.Errorf("completion bsh: %v", err)
	}
	if _, err := exec.LookPath("bash"); err == nil {
		script, _ := Completion("bash", tree)
		prog := script + "\nCOMP_WORDS=(taskproof lint --format ''); COMP_CWORD=3; _taskproof; printf '%s\\n' \"${COMPREPLY[@]}\""
		out, err := exec.Command("bash", "-c", prog).CombinedOutput()
		if err != nil || string(out) != "text\njson\n" {
			t.Errorf("bash completes lint --format with %q (%v)", out, err)
		}
	}
	page := string(ManPage(tree, "1.2.3", "Exit status: 0 ok.\n.dot"))
	for _, want := range []string{".TH TASKPROOF 1 \"\" \"taskproof 1.2.3\"", `.SS "taskproof contract show"`, `\fB\-\-strict\fR`, "Help of lint.", ".SH EXIT STATUS\n.nf\nExit status: 0 ok.\n\\&.dot\n"} {
		if !strings.Contains(page, want) {
			t.Errorf("man page lacks %q:\n%s", want, page)
		}
	}
}

func TestProgressWantedAndDefaultFormat(t *testing.T) {
	getenv := func(vars ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(vars); i += 2 {
				if vars[i] == k {
					return vars[i+1]
				}
			}
			return ""
		}
	}
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, w := range []io.Writer{&bytes.Buffer{}, f} {
		if ProgressWanted(&Env{Stderr: w, Getenv: getenv()}) {
			t.Errorf("progress wanted on %T", w)
		}
	}
	gh := &Env{Getenv: getenv("GITHUB_ACTIONS", "true")}
	for _, c := range []struct {
		env      *Env
		format   string
		explicit bool
		want     string
	}{
		{gh, "text", false, "github"},
		{gh, "text", true, "text"},
		{gh, "json", false, "json"},
		{&Env{Getenv: getenv()}, "text", false, "text"},
	} {
		if got := DefaultFormat(c.env, c.format, "text", c.explicit); got != c.want {
			t.Errorf("DefaultFormat(%q, explicit %v) = %q, want %q", c.format, c.explicit, got, c.want)
		}
	}
}

// TestParseArgs: the Parse methods that check positional arguments report,
// in order, a bad flag, a wrong number of arguments, then a --format value
// FormatFlag does not allow.
func TestParseArgs(t *testing.T) {
	parse := func(how string, args ...string) (string, error) {
		var format string
		env := &Env{Stdout: io.Discard, Getenv: func(string) string { return "" }}
		fs := NewFlagSet(env, "cmd", "cmd ARG")
		fs.FormatFlag(&format, "text", "json")
		switch how {
		case "none":
			return "", fs.ParseNone(args, "cmd takes no arguments")
		case "one":
			return fs.ParseOne(args, "want exactly one ARG")
		case "some":
			pos, err := fs.ParseSome(args, "missing ARG")
			return strings.Join(pos, ","), err
		default:
			return fs.ParseTask(args, "cmd TASK-ID")
		}
	}
	for _, c := range []struct {
		how  string
		args []string
		got  string
		err  string
	}{
		{"none", nil, "", ""},
		{"none", []string{"--format", "json"}, "", ""},
		{"none", []string{"x", "--format", "xml"}, "", `unexpected argument "x"; cmd takes no arguments`},
		{"none", []string{"--format", "xml"}, "", `unknown --format "xml"; use one of: text, json`},
		{"none", []string{"--bogus", "x"}, "", "flag provided but not defined: -bogus"},
		{"one", []string{"a"}, "a", ""},
		{"one", nil, "", "want exactly one ARG"},
		{"one", []string{"a", "b", "--format", "xml"}, "", "want exactly one ARG"},
		{"one", []string{"a", "--format", "xml"}, "", `unknown --format "xml"`},
		{"some", []string{"a", "b"}, "a,b", ""},
		{"some", []string{"--format", "xml"}, "", "missing ARG"},
		{"some", []string{"a", "--format", "xml"}, "", `unknown --format "xml"`},
		{"task", []string{"TASK-0001"}, "TASK-0001", ""},
		{"task", nil, "", "missing TASK-ID; usage: taskproof cmd TASK-ID"},
		{"task", []string{"a", "b"}, "", "cmd takes one TASK-ID, got 2 arguments"},
		{"task", []string{"a", "--format", "xml"}, "", `unknown --format "xml"`},
	} {
		got, err := parse(c.how, c.args...)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s %q: %v", c.how, c.args, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || ExitCode(err, nil) != ExitUsage):
			t.Errorf("%s %q: error %v, want a usage error with %q", c.how, c.args, err, c.err)
		case got != c.got:
			t.Errorf("%s %q = %q, want %q", c.how, c.args, got, c.got)
		}
	}
}

func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{"": false, "true": true, "1": true, "yes": true, "false": false, " FALSE ": false, "0": false} {
		env := &Env{Getenv: func(string) string { return v }}
		if got := InCI(env); got != want {
			t.Errorf("CI=%q: InCI = %v, want %v", v, got, want)
		}
	}
}
