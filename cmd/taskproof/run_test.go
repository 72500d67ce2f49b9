package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

func TestProofSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"8MiB", 8 << 20, true},
		{"4096", 4096, true},
		{"64K", 64 << 10, true},
		{"1 GiB", 1 << 30, true},
		{"2B", 0, false},
		{"1000", 0, false}, // under 1 KiB
		{"-5", 0, false},
		{"lots", 0, false},
		{"99999999999GiB", 0, false},
	} {
		got, err := proofSize(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("proofSize(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestProofQuickSpec(t *testing.T) {
	spec, err := proofQuickSpec([]string{"a", "b", "c"}, []string{"x"}, []string{"boom"}, "exact")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range spec.Markers {
		got = append(got, m.ID+"<"+strings.Join(m.After, ","))
	}
	if want := "a<,b<a,c<b,x<"; strings.Join(got, ",") != want {
		t.Errorf("markers %v, want %s", got, want)
	}
	last := spec.Forbidden[len(spec.Forbidden)-1]
	if last.ID != "boom" || len(spec.Forbidden) < 2 {
		t.Errorf("forbidden %v: want the defaults plus boom", spec.Forbidden)
	}
	for _, bad := range [][]string{{"a", "a"}, {" "}} {
		if _, err := proofQuickSpec(bad, nil, nil, "exact"); err == nil {
			t.Errorf("quick spec %q accepted", bad)
		}
	}
	if _, err := proofQuickSpec([]string{"a"}, nil, []string{"a"}, "exact"); err == nil {
		t.Errorf("a marker both expected and forbidden was accepted")
	}
}

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
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &stdout, stderr: tty, getenv: getenv}
	if !proofProgressWanted(env) {
		t.Fatal("a terminal without CI gets no progress")
	}
	code := runMain(env, []string{"run", "--expect", "one", "--expect", "two", "--", "sh", "-c", "echo one; sleep 0.5; echo two; sleep 30"})
	tty.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("pty reader did not finish")
	}
	if code != exitOK {
		t.Fatalf("exit %d, stdout %q, terminal %q", code, stdout.String(), seen.String())
	}
	s := seen.String()
	if !strings.Contains(s, "markers 1/2") || !strings.HasSuffix(s, "\r\x1b[K") {
		t.Errorf("terminal got %q: want a progress line passing 1/2 and cleared at the end", s)
	}

	ci := &cliEnv{stderr: tty, getenv: func(k string) string {
		if k == "CI" {
			return "true"
		}
		return ""
	}}
	if proofProgressWanted(ci) {
		t.Error("progress shown with CI set")
	}
	if proofProgressWanted(&cliEnv{stderr: &bytes.Buffer{}, getenv: getenv}) {
		t.Error("progress shown on a non-terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if proofProgressWanted(&cliEnv{stderr: f, getenv: getenv}) {
		t.Error("progress shown on a regular file")
	}
}
