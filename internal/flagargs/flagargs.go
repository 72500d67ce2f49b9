// Package flagargs parses a command line the way every taskproof command
// takes it: flags may come before, between and after positional arguments
// (taskproof lint a.md --format json), and "--" ends the flags.
package flagargs

import (
	"flag"
	"strings"
)

// Error is a command line the flags do not accept (or a request for help:
// it then wraps flag.ErrHelp), as opposed to a bad value found later.
type Error struct{ Err error }

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Parse parses args with fs and returns the positional arguments in
// order. Errors are fs.Parse's, as an *Error (wrapping flag.ErrHelp for
// -h and --help).
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, &Error{err}
		}
		rest = fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// flag.Parse stops at "--" (consumed) or at the first non-flag.
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
		rest = args
	}
}

// List is a repeatable string flag: each use appends its value.
type List []string

func (l *List) String() string     { return strings.Join(*l, ", ") }
func (l *List) Set(s string) error { *l = append(*l, s); return nil }
