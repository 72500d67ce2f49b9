package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/taskproof/taskproof/internal/cli"
)

// The progress line appears on a terminal and is cleared at the end; CI
// and non-terminals get none.
func TestRunProgressOnTerminal(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	var seen bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.Copy(&seen, master)
		close(done)
	}()
	getenv := func(string) string { return "" }
	var stdout bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: tty, Getenv: getenv}
	if !cli.ProgressWanted(env) {
		t.Fatal("a terminal without CI gets no progress")
	}
	code := runMain(context.Background(), env, []string{"run", "--expect", "one", "--expect", "two", "--", "sh", "-c", "echo one; sleep 0.5; echo two; sleep 30"})
	tty.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("pty reader did not finish")
	}
	if code != cli.ExitOK {
		t.Fatalf("exit %d, stdout %q, terminal %q", code, stdout.String(), seen.String())
	}
	s := seen.String()
	if !strings.Contains(s, "markers 1/2") || !strings.HasSuffix(s, "\r\x1b[K") {
		t.Errorf("terminal got %q: want a progress line passing 1/2 and cleared at the end", s)
	}

	ci := &cli.Env{Stderr: tty, Getenv: func(k string) string {
		if k == "CI" {
			return "true"
		}
		return ""
	}}
	if cli.ProgressWanted(ci) {
		t.Error("progress shown with CI set")
	}
	if cli.ProgressWanted(&cli.Env{Stderr: &bytes.Buffer{}, Getenv: getenv}) {
		t.Error("progress shown on a non-terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if cli.ProgressWanted(&cli.Env{Stderr: f, Getenv: getenv}) {
		t.Error("progress shown on a regular file")
	}
}
