package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/cli"
)

// runCLI runs taskproof in process and returns its exit code and output.
func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := runMain(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// bashComplete loads the bash completion script and completes the words
// typed (the last one being completed), returning COMPREPLY.
func bashComplete(t *testing.T, script string, words ...string) []string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "taskproof.bash")
	if err := os.WriteFile(p, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + w + "'"
	}
	prog := `set -u; source "$1" || exit 9
complete -p taskproof >/dev/null || exit 8
COMP_WORDS=(taskproof ` + strings.Join(quoted, " ") + `); COMP_CWORD=` + strconv.Itoa(len(words)) + `
_taskproof
printf '%s\n' "${COMPREPLY[@]}"`
	cmd := exec.Command("bash", "-c", prog, "bash", p)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash completion of %q: %v\n%s", words, err, out)
	}
	return strings.Fields(string(out))
}

// TestCompletionBash: the bash script loads without error and completes
// commands, subcommands, a command's flags and --format's values.
func TestCompletionBash(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	code, script, stderr := runCLI("completion", "bash")
	if code != 0 || stderr != "" {
		t.Fatalf("completion bash: exit %d, stderr %q", code, stderr)
	}
	out, err := exec.Command("bash", "-c", script+"\ncomplete -p taskproof").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "-F _taskproof taskproof") {
		t.Fatalf("bash does not load the script: %v\n%s", err, out)
	}
	for _, c := range []struct {
		words []string
		want  []string
	}{
		{[]string{"li"}, []string{"lint"}},
		{[]string{"co"}, []string{"completion", "contract"}},
		{[]string{"contract", ""}, []string{"lint", "list", "baseline"}},
		{[]string{"contract", "lint", "--f"}, []string{"--format"}},
		{[]string{"contract", "lint", "--format", ""}, []string{"text", "json", "sarif", "github", "gitlab"}},
		{[]string{"hygiene", "--exit"}, []string{"--exit-zero"}},
		{[]string{"prove", "--root", "x", "--cha"}, []string{"--changed"}},
		{[]string{"evidence", "verify", "--comm"}, []string{"--commit"}},
		{[]string{"completion", "--h"}, []string{"--help"}},
	} {
		got := bashComplete(t, script, c.words...)
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("complete %q = %q, want %q", c.words, got, c.want)
		}
	}
}

// TestCompletionScripts: every shell's script names every command and
// every flag of a command; zsh and fish parse it when installed.
func TestCompletionScripts(t *testing.T) {
	tree := cli.CommandTree(context.Background(), program())
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, script, stderr := runCLI("completion", shell)
		if code != 0 || stderr != "" {
			t.Fatalf("completion %s: exit %d, stderr %q", shell, code, stderr)
		}
		var walk func(ns []*cli.Node)
		walk = func(ns []*cli.Node) {
			for _, n := range ns {
				if !strings.Contains(script, n.Path[len(n.Path)-1]) {
					t.Errorf("%s script lacks command %s", shell, n.Name())
				}
				for _, f := range n.Flags {
					if !strings.Contains(script, f.Name) {
						t.Errorf("%s script lacks %s's flag %s", shell, n.Name(), f.Name)
					}
				}
				walk(n.Subs)
			}
		}
		walk(tree)
		if _, err := exec.LookPath(shell); err == nil && shell != "bash" {
			check := map[string][]string{"zsh": {"-n", "-c", script}, "fish": {"--no-execute", "-c", script}}[shell]
			if out, err := exec.Command(shell, check...).CombinedOutput(); err != nil {
				t.Errorf("%s does not parse its script: %v\n%s", shell, err, out)
			}
		}
	}
	if code, _, stderr := runCLI("completion", "bsh"); code != cli.ExitUsage || !strings.Contains(stderr, `(did you mean "bash"?)`) {
		t.Errorf("completion bsh: exit %d, %q", code, stderr)
	}
}

// TestDidYouMean: a mistyped command, subcommand or flag is answered with
// the closest name; a word far from every name gets no guess.
func TestDidYouMean(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lnit"}, `unknown command "lnit" (did you mean "lint"?)`},
		{[]string{"porve", "T"}, `(did you mean "prove"?)`},
		{[]string{"contract", "lnt"}, `unknown subcommand "lnt" (did you mean "lint"?)`},
		{[]string{"lint", "--formt", "json"}, `flag provided but not defined: -formt (did you mean "--format"?)`},
		{[]string{"prove", "--chnaged"}, `(did you mean "--changed"?)`},
	} {
		code, _, stderr := runCLI(c.args...)
		if code != cli.ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q, want %q", c.args, code, stderr, c.want)
		}
	}
	if _, _, stderr := runCLI("xyzzy"); strings.Contains(stderr, "did you mean") {
		t.Errorf("xyzzy got a guess: %q", stderr)
	}
}

// TestManPage: the manual has every command and flag, and groff (when
// installed) formats it without a warning.
func TestManPage(t *testing.T) {
	code, page, stderr := runCLI("man")
	if code != 0 || stderr != "" || !strings.HasPrefix(page, ".TH TASKPROOF 1 ") {
		t.Fatalf("man: exit %d, stderr %q, starts %q", code, stderr, cli.FirstLine(page))
	}
	for _, want := range []string{".SH NAME", ".SH SYNOPSIS", ".SH EXIT STATUS", `.SS "taskproof contract lint"`, `\fB\-\-exit\-zero\fR`, `\fB\-j\fR \fIN\fR`} {
		if !strings.Contains(page, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
	for _, line := range strings.Split(page, "\n") {
		for _, r := range line {
			if r > 127 {
				t.Fatalf("man page line has a raw non-ASCII character: %q", line)
			}
		}
	}
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff not installed: the page was checked structurally only")
	}
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(page)
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("groff: %v\n%s", err, out)
	}
}

// shellWords splits a command line as sh would for plain words and quotes
// (no expansions), stopping at |, >, < and ;.
func shellWords(line string) []string {
	var out []string
	var cur strings.Builder
	in, quote := false, rune(0)
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		case strings.ContainsRune("|><;", r):
			if in {
				out = append(out, cur.String())
			}
			return out
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// TestHelpExamples: every command's help leads with examples, each a
// command line whose flags the command really parses; and every help fits
// a screen (at most 64 lines).
func TestHelpExamples(t *testing.T) {
	for _, n := range leafCommands(cli.CommandTree(context.Background(), program())) {
		key := n.Name()
		if key == "status set" {
			key = "status" // its flag set's name
		}
		ex := examples[key]
		if len(ex) == 0 || len(ex) > 2 {
			t.Errorf("%s: %d examples, want 1 or 2", n.Name(), len(ex))
		}
		for _, e := range ex {
			at := strings.Index(e, "taskproof "+n.Name())
			if at < 0 {
				t.Errorf("%s: example %q does not run it", n.Name(), e)
				continue
			}
			words := shellWords(e[at:])
			i := slicesIndex(words, "taskproof")
			if i < 0 || strings.Join(words[i+1:min(len(words), i+1+len(n.Path))], " ") != n.Name() {
				t.Errorf("%s: example %q does not run it", n.Name(), e)
				continue
			}
			var fs *cli.FlagSet
			env := &cli.Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" },
				SawFlags: func(f *cli.FlagSet) {
					if fs == nil {
						fs = f
					}
				}}
			c := commands
			for _, p := range n.Path {
				c = c.Sub(p)
			}
			_ = c.Run(context.Background(), env, []string{"--help"})
			if _, err := fs.Parse(words[i+1+len(n.Path):]); err != nil {
				t.Errorf("%s: example %q: %v", n.Name(), e, err)
			}
		}
		code, out, _ := runCLI(append(append([]string{}, n.Path...), "--help")...)
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if code != 0 || len(lines) < 3 || lines[2] != "Examples:" {
			t.Errorf("%s --help does not lead with its examples: %q", n.Name(), lines[:min(3, len(lines))])
		}
		if len(lines) > 64 {
			t.Errorf("%s --help is %d lines, more than a screen (64)", n.Name(), len(lines))
		}
	}
	if len(examples) != len(leafCommands(cli.CommandTree(context.Background(), program()))) {
		t.Errorf("examples for %d commands, the table has %d", len(examples), len(leafCommands(cli.CommandTree(context.Background(), program()))))
	}
}

func leafCommands(ns []*cli.Node) []*cli.Node {
	var out []*cli.Node
	for _, n := range ns {
		if len(n.Subs) > 0 {
			out = append(out, leafCommands(n.Subs)...)
		} else {
			out = append(out, n)
		}
	}
	return out
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
