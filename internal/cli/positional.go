package cli

import "strings"

// ParseExactly parses args for a command that takes exactly n positional
// arguments. Another count is a usage error saying msg; a %d in msg is
// replaced by the number of arguments given.
func (f *FlagSet) ParseExactly(args []string, n int, msg string) ([]string, error) {
	pos, err := f.Parse(args)
	switch {
	case err != nil:
		return nil, err
	case len(pos) == n:
		return pos, nil
	case strings.Contains(msg, "%d"):
		return nil, Usagef(msg, len(pos))
	}
	return nil, Usagef("%s", msg)
}
