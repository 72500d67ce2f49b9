package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/cli"
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
	var walk func(c *cli.Command, path []string)
	walk = func(c *cli.Command, path []string) {
		for _, s := range c.Subs {
			p := append(append([]string{}, path...), s.Name)
			used[strings.Join(p, "-")] = true
			var out, errb bytes.Buffer
			env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
			code := runMain(context.Background(), env, append(append([]string{}, p...), "--help"))
			if code != 0 || !strings.HasPrefix(out.String(), "Usage: taskproof ") || errb.Len() > 0 || len(out.String()) < 200 {
				t.Errorf("%s --help: exit %d, stdout %q, stderr %q", strings.Join(p, " "), code, cli.FirstLine(out.String()), errb.String())
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
		{nil, cli.ExitOK},
		{cli.Silent(cli.ErrHelp), cli.ExitOK},
		{cli.Findings(errors.New("x")), cli.ExitFindings},
		{cli.Usagef("bad"), cli.ExitUsage},
		{errors.New("an unreadable file"), cli.ExitUsage},
		{wrap(repo.ErrNoTask), cli.ExitUsage},
		{cli.Infra(errors.New("write")), cli.ExitInfra},
		{wrap(gitdiff.ErrNotRepo), cli.ExitInfra},
		{wrap(gitdiff.ErrUnknownRev), cli.ExitInfra},
		{wrap(context.Canceled), cli.ExitInfra},
		{cli.Silent(proofrun.ErrInfra), cli.ExitInfra},
		{wrap(prove.ErrInfra), cli.ExitInfra},
		{cli.Silent(proofrun.ErrTimeout), cli.ExitTimeout},
		{cli.Silent(proofrun.ErrFailed), cli.ExitFindings},
		{wrap(prove.ErrRefused), cli.ExitFindings},
		{wrap(proofstate.ErrRefused), cli.ExitFindings},
		// A command's own class wins over the sentinel it wraps.
		{cli.Findings(wrap(gitdiff.ErrGit)), cli.ExitFindings},
	} {
		if got := cli.ExitCode(c.err, sentinels); got != c.want {
			t.Errorf("cli.ExitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	var b bytes.Buffer
	env := &cli.Env{Stderr: &b}
	if program().Exit(env, "x", cli.Silent(cli.ErrFindings)) != cli.ExitFindings || b.Len() != 0 {
		t.Errorf("a silent error printed %q", b.String())
	}
	if program().Exit(env, "contract lint", errors.New("boom")) != cli.ExitUsage || b.String() != "taskproof contract lint: boom\n" {
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
