package contract

import (
	"path/filepath"
	"testing"
)

func TestExtendsPath(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ base, out, want string }{
		{filepath.Join(dir, "proof", "markers.toml"), filepath.Join(dir, "proof", "overlay.toml"), "markers.toml"},
		{filepath.Join(dir, "markers.toml"), filepath.Join(dir, "sub", "o.toml"), "../markers.toml"},
	} {
		got, err := ExtendsPath(c.base, c.out)
		if err != nil || got != c.want {
			t.Errorf("ExtendsPath(%s, %s) = %q, %v; want %q", c.base, c.out, got, err, c.want)
		}
	}
	if got, err := ExtendsPath("markers.toml", ""); err != nil || got != "markers.toml" {
		t.Errorf("to stdout: %q, %v; want the path from the working directory", got, err)
	}
}
