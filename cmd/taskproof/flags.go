package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// flagSet wraps flag.FlagSet with the conventions every command shares:
// --help prints to stdout and exits 0, errors exit 2, and flags may follow
// positional arguments (taskproof lint a.md --format json).
type flagSet struct {
	*flag.FlagSet
	env      *cliEnv
	synopsis string
	help     string
}

// newFlagSet makes the flag set for command name. synopsis is the usage
// line after "taskproof"; help is the longer description printed by --help.
func newFlagSet(env *cliEnv, name, synopsis, help string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flagSet{FlagSet: fs, env: env, synopsis: synopsis, help: help}
}

// rootFlag registers the --root flag every repository command takes.
func (f *flagSet) rootFlag(p *string) {
	f.StringVar(p, "root", ".", "repository root `DIR`")
}

// formatFlag registers --format with the allowed values; the first is the default.
func (f *flagSet) formatFlag(p *string, allowed ...string) {
	f.StringVar(p, "format", allowed[0], "output format: "+strings.Join(allowed, ", "))
}

func (f *flagSet) printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: taskproof %s\n", f.synopsis)
	if f.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(f.help, "\n"))
	}
	has := false
	f.VisitAll(func(*flag.Flag) { has = true })
	if has {
		fmt.Fprintln(w, "\nFlags:")
		f.SetOutput(w)
		f.PrintDefaults()
		f.SetOutput(io.Discard)
	}
}

// parse parses args, allowing flags after positional arguments; "--" ends
// flag parsing. It returns the positional arguments, or done=true with the
// exit code when parsing ended the command (--help or an error).
func (f *flagSet) parse(args []string) (pos []string, code int, done bool) {
	rest := args
	for {
		if err := f.Parse(rest); err != nil {
			if err == flag.ErrHelp {
				f.printUsage(f.env.stdout)
				return nil, exitOK, true
			}
			fmt.Fprintf(f.env.stderr, "taskproof %s: %v\n", f.Name(), err)
			fmt.Fprintf(f.env.stderr, "usage: taskproof %s (see --help)\n", f.synopsis)
			return nil, exitUsage, true
		}
		rest = f.Args()
		if len(rest) == 0 {
			return pos, exitOK, false
		}
		// flag.Parse stops at "--" (consumed) or at the first non-flag.
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), exitOK, false
		}
		pos = append(pos, rest[0])
		args = rest[1:]
		rest = args
	}
}

// checkFormat returns a usage error unless format is one of allowed.
func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usagef("unknown --format %q; use one of: %s", format, strings.Join(allowed, ", "))
}
