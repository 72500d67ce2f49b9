package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// needShell finds a shell the completion tests load their script into.
// Under CI (TASKPROOF_REQUIRE_SHELLS=1, set by scripts/test.sh, whose
// setup installs zsh and fish) a missing shell is a failure, not a skip.
func needShell(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("TASKPROOF_REQUIRE_SHELLS") == "1" {
			t.Fatalf("%s is not installed; scripts/setup.sh installs it", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// TestCompletionFish loads the fish script into a real fish and asks it
// to complete command lines, as a user's Tab would.
func TestCompletionFish(t *testing.T) {
	fish := needShell(t, "fish")
	code, script, stderr := runCLI("completion", "fish")
	if code != 0 || stderr != "" {
		t.Fatalf("completion fish: exit %d, stderr %q", code, stderr)
	}
	file := filepath.Join(t.TempDir(), "taskproof.fish")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		line string
		want []string
	}{
		{"taskproof li", []string{"lint"}},
		{"taskproof co", []string{"completion", "contract"}},
		{"taskproof contract ", []string{"baseline", "lint", "list"}},
		{"taskproof evidence ", []string{"collect", "md", "recheck", "show", "verify"}},
		{"taskproof contract lint --format ", []string{"github", "gitlab", "json", "sarif", "text"}},
		{"taskproof hygiene --exit", []string{"--exit-zero"}},
		{"taskproof evidence verify --comm", []string{"--commit"}},
	} {
		out, err := exec.Command(fish, "--no-config", "-c", "source "+file+"; complete -C'"+c.line+"'").CombinedOutput()
		if err != nil {
			t.Fatalf("fish: %v\n%s", err, out)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if w, _, _ := strings.Cut(l, "\t"); w != "" {
				got = append(got, w)
			}
		}
		slices.Sort(got)
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("fish completes %q to %q, want %q", c.line, got, c.want)
		}
	}
}

// TestCompletionZsh loads the zsh script through compinit in a real zsh,
// checks that it registers for taskproof, and runs its completion
// function on command lines. compadd and _files only work inside a
// completion widget, so here they print what they are given: the test sees
// the candidates the script offers (zsh itself filters them by prefix).
func TestCompletionZsh(t *testing.T) {
	zsh := needShell(t, "zsh")
	code, script, stderr := runCLI("completion", "zsh")
	if code != 0 || stderr != "" {
		t.Fatalf("completion zsh: exit %d, stderr %q", code, stderr)
	}
	file := filepath.Join(t.TempDir(), "_taskproof")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	load := "autoload -U compinit; compinit -u -D -d " + filepath.Join(t.TempDir(), "zcompdump") + "; source " + file + "; "
	out, err := exec.Command(zsh, "-f", "-c", load+"print -r -- ${_comps[taskproof]}").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "_taskproof" {
		t.Fatalf("zsh does not register the script for taskproof: %v\n%s", err, out)
	}
	for _, c := range []struct {
		words   []string
		want    []string // offered candidates, before zsh's prefix filter
		noFiles bool     // a value with a fixed set: no file names offered
	}{
		{[]string{""}, []string{"board", "completion", "contract", "evidence", "lint", "prove", "run"}, false},
		{[]string{"contract", ""}, []string{"baseline", "lint", "list"}, false},
		{[]string{"contract", "lint", "--format", ""}, []string{"github", "gitlab", "json", "sarif", "text"}, true},
		{[]string{"evidence", "verify", "--"}, []string{"--commit", "--format", "--pub", "--root"}, false},
		{[]string{"prove", "--root", "x", "--"}, []string{"--all", "--changed", "--wait", "-j"}, false},
	} {
		words := append([]string{"taskproof"}, c.words...)
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = "'" + w + "'"
		}
		drive := load + "compadd() { print -rl -- \"${@:2}\" }; _files() { print -r -- '<files>' }; " +
			"words=(" + strings.Join(quoted, " ") + "); CURRENT=" + strconv.Itoa(len(words)) + "; _taskproof"
		out, err := exec.Command(zsh, "-f", "-c", drive).CombinedOutput()
		if err != nil {
			t.Fatalf("zsh: %v\n%s", err, out)
		}
		got := strings.Fields(string(out))
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("zsh offers %q for %q, missing %q", got, words, w)
			}
		}
		if c.noFiles && slices.Contains(got, "<files>") {
			t.Errorf("zsh offers files for a --format value: %q", got)
		}
	}
}
