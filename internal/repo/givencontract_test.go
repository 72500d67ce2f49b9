package repo

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/gittest"
)

// TestGivenContract: the file given wins over the repository's; a missing
// one is named; the repository's missing contract is nil when optional
// and an error saying how to make one otherwise.
func TestGivenContract(t *testing.T) {
	empty := t.TempDir()
	full := t.TempDir()
	gittest.WriteFiles(t, full, map[string]string{"proof/contract.toml": contractOK, "other.toml": contractOK})
	other := filepath.Join(full, "other.toml")
	for _, c := range []struct {
		root, given string
		optional    bool
		path, err   string // the contract's Path; "" with err: nil
	}{
		{full, "", false, filepath.Join(full, "proof/contract.toml"), ""},
		{full, other, false, other, ""},
		{empty, other, true, other, ""},
		{empty, "", true, "", ""},
		{empty, "", false, "", "no marker contract at " + filepath.Join(empty, "proof/contract.toml") + "; create it"},
		{full, filepath.Join(full, "nope.toml"), true, "", "cannot read contract " + filepath.Join(full, "nope.toml")},
	} {
		got, err := OpenWith(c.root, Options{}).GivenContract(c.given, c.optional)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s %q: error %v, want %q", c.root, c.given, err, c.err)
			}
		case err != nil:
			t.Errorf("%s %q: %v", c.root, c.given, err)
		case c.path == "" && got != nil, c.path != "" && (got == nil || got.Path != c.path):
			t.Errorf("%s %q = %+v, want path %q", c.root, c.given, got, c.path)
		}
	}
}
