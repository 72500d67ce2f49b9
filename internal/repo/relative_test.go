package repo

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/taskproof/taskproof/internal/gittest"
)

func TestRelativeTo(t *testing.T) {
	top := t.TempDir()
	if err := os.MkdirAll(filepath.Join(top, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(top, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ top, file, want string }{
		{top, filepath.Join(top, "a", "b", "c.toml"), "a/b/c.toml"},
		{link, filepath.Join(top, "a", "x.toml"), "a/x.toml"}, // top through a symlink
		{top, "/elsewhere/c.toml", "/elsewhere/c.toml"},       // outside: as given
	} {
		if got := RelativeTo(c.top, c.file); got != c.want {
			t.Errorf("RelativeTo(%s, %s) = %q, want %q", c.top, c.file, got, c.want)
		}
	}
}

func TestTop(t *testing.T) {
	gittest.Require(t)
	gittest.Isolate(t)
	top := t.TempDir()
	gittest.WriteFiles(t, top, map[string]string{"sub/x": "x\n"})
	gittest.Repo(t, top)
	want, _ := filepath.EvalSymlinks(top)
	if got := Open(filepath.Join(top, "sub")).Top(context.Background()); got != want {
		t.Errorf("Top of sub/ = %s, want the work tree's top %s", got, want)
	}
	outside := t.TempDir()
	if got := Open(outside).Top(context.Background()); got != outside {
		t.Errorf("Top outside git = %s, want the root %s", got, outside)
	}
}
