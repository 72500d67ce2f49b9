package repo

import (
	"os"
	"path/filepath"
	"testing"
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
