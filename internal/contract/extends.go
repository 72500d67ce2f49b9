package contract

import (
	"fmt"
	"path/filepath"
)

// ExtendsPath is the extends value of an overlay written to out ("" for
// standard output, read from the working directory) that extends the
// contract at base: base relative to out's directory, slash-separated.
func ExtendsPath(base, out string) (string, error) {
	from := "."
	if out != "" {
		from = filepath.Dir(out)
	}
	abs, err := filepath.Abs(base)
	if err != nil {
		return "", err
	}
	absFrom, err := filepath.Abs(from)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(absFrom, abs)
	if err != nil {
		return "", fmt.Errorf("cannot write extends for %s relative to %s: %v", base, from, err)
	}
	return filepath.ToSlash(rel), nil
}
