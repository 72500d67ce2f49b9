package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/gitdiff"
	"github.com/taskproof/taskproof/internal/proofrun"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/repo"
)

// TestEveryCommandHelp runs --help of every command of the table: each has
// its help text (help/NAME.txt, embedded) and prints it on stdout, exit 0,
// and every help file belongs to a command.
func TestEveryCommandHelp(t *testing.T) {
	used := map[string]bool{"taskproof": true, "proof-markers": true, "proof-exit": true, "containment": true}
	var walk func(c *command, path []string)
	walk = func(c *command, path []string) {
		for _, s := range c.subs {
			p := append(append([]string{}, path...), s.name)
			used[strings.Join(p, "-")] = true
			var out, errb bytes.Buffer
			env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
			code := runMain(context.Background(), env, append(append([]string{}, p...), "--help"))
			if code != 0 || !strings.HasPrefix(out.String(), "Usage: taskproof ") || errb.Len() > 0 || len(out.String()) < 200 {
				t.Errorf("%s --help: exit %d, stdout %q, stderr %q", strings.Join(p, " "), code, firstLine(out.String()), errb.String())
			}
			walk(s, p)
		}
	}
	walk(commands, nil)
	files, err := helpFiles.ReadDir("help")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if name := strings.TrimSuffix(f.Name(), ".txt"); !used[name] {
			t.Errorf("help/%s belongs to no command", f.Name())
		}
	}
}

// TestExitCode maps every kind of error the packages report to the exit
// status the README documents.
func TestExitCode(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("context: %w", err) }
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{silent(errHelp), exitOK},
		{findings(errors.New("x")), exitFindings},
		{usagef("bad"), exitUsage},
		{errors.New("an unreadable file"), exitUsage},
		{wrap(repo.ErrNoTask), exitUsage},
		{infra(errors.New("write")), exitInfra},
		{wrap(gitdiff.ErrNotRepo), exitInfra},
		{wrap(gitdiff.ErrUnknownRev), exitInfra},
		{wrap(context.Canceled), exitInfra},
		{silent(proofrun.ErrInfra), exitInfra},
		{wrap(prove.ErrInfra), exitInfra},
		{silent(proofrun.ErrTimeout), exitTimeout},
		{silent(proofrun.ErrFailed), exitFindings},
		{wrap(prove.ErrRefused), exitFindings},
		{wrap(proofstate.ErrRefused), exitFindings},
		// A command's own class wins over the sentinel it wraps.
		{findings(wrap(gitdiff.ErrGit)), exitFindings},
	} {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	var b bytes.Buffer
	env := &cliEnv{stderr: &b}
	if exit(env, "x", silent(errFindings)) != exitFindings || b.Len() != 0 {
		t.Errorf("a silent error printed %q", b.String())
	}
	if exit(env, "contract lint", errors.New("boom")) != exitUsage || b.String() != "taskproof contract lint: boom\n" {
		t.Errorf("printed %q", b.String())
	}
}

func TestHelpFilesAreEmbedded(t *testing.T) {
	// The embedded texts are the files in help/: nothing is generated.
	for _, name := range []string{"prove", "run", "taskproof"} {
		data, err := os.ReadFile("help/" + name + ".txt")
		if err != nil || strings.TrimRight(string(data), "\n") != helpText(name) {
			t.Errorf("help/%s.txt: %v", name, err)
		}
	}
}
