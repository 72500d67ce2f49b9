// Package gittest makes real git repositories for tests: git runs with no
// user or system configuration and a fixed identity, and a failing git
// command fails the test with its output. Only tests import it.
package gittest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// env is what every git command here runs with: no configuration of the
// machine's user, a fixed identity, and no search for a repository above
// the temporary directory.
func env() []string {
	return append(os.Environ(),
		"GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_CEILING_DIRECTORIES="+os.TempDir())
}

// Require skips the test when git is not installed.
func Require(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

// Isolate gives the whole test process the environment of Git, so that
// the git commands the code under test runs see no user configuration
// either. It skips the test when git is not installed.
func Isolate(t *testing.T) {
	t.Helper()
	Require(t)
	for _, kv := range env()[len(os.Environ()):] {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// Git runs git in dir and returns its combined output without surrounding
// space. It skips the test when git is not installed.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	Require(t)
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// Init makes dir a repository whose branch is main, with nothing committed.
func Init(t testing.TB, dir string) {
	t.Helper()
	Git(t, dir, "init", "-q", "-b", "main")
}

// CommitAll stages everything in dir's work tree, commits it (an empty
// commit when nothing changed) and returns the commit id.
func CommitAll(t testing.TB, dir, msg string) string {
	t.Helper()
	Git(t, dir, "add", "-A")
	Git(t, dir, "commit", "-q", "--allow-empty", "-m", msg)
	return Git(t, dir, "rev-parse", "HEAD")
}

// Repo makes dir a repository on main with everything in it committed and
// returns the commit id.
func Repo(t testing.TB, dir string) string {
	t.Helper()
	Init(t, dir)
	return CommitAll(t, dir, "init")
}

// WriteFiles writes files under dir (slash-separated names), creating
// directories.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		WriteFile(t, filepath.Join(dir, filepath.FromSlash(name)), content)
	}
}

// WriteFile writes content to path, creating its directory.
func WriteFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
