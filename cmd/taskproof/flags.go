package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/taskproof/taskproof/internal/flagargs"
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
// line after "taskproof"; --help prints it and the help text of the
// command (help/NAME.txt, "contract-lint" for "contract lint").
func newFlagSet(env *cliEnv, name, synopsis string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := &flagSet{FlagSet: fs, env: env, synopsis: synopsis, help: helpText(strings.ReplaceAll(name, " ", "-"))}
	if env.sawFlags != nil {
		env.sawFlags(f)
	}
	return f
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
	if ex := examples[f.Name()]; len(ex) > 0 {
		fmt.Fprintf(w, "\nExamples:\n")
		for _, e := range ex {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	if f.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(f.help, "\n"))
	}
	if flags := flagDocs(f.FlagSet); len(flags) > 0 {
		fmt.Fprintln(w, "\nFlags:")
		writeFlagDocs(w, flags)
	}
}

// parse parses args, allowing flags after positional arguments; "--" ends
// flag parsing. It returns the positional arguments; --help prints the
// usage and returns errHelp.
func (f *flagSet) parse(args []string) ([]string, error) {
	pos, err := flagargs.Parse(f.FlagSet, args)
	return pos, f.flagError(err)
}

// parseNone parses args for a command that takes no positional argument;
// one is a usage error: "unexpected argument X; " and hint.
func (f *flagSet) parseNone(args []string, hint string) error {
	pos, err := f.parse(args)
	if err == nil && len(pos) > 0 {
		err = usagef("unexpected argument %q; %s", pos[0], hint)
	}
	return err
}

// parseTask parses args for a command that takes one TASK-ID (or task
// file); usage completes "missing TASK-ID; usage: taskproof ...".
func (f *flagSet) parseTask(args []string, usage string) (string, error) {
	pos, err := f.parse(args)
	switch {
	case err != nil:
		return "", err
	case len(pos) == 0:
		return "", usagef("missing TASK-ID; usage: taskproof %s", usage)
	case len(pos) > 1:
		return "", usagef("%s takes one TASK-ID, got %d arguments", f.Name(), len(pos))
	}
	return pos[0], nil
}

// changeFlags are the flags of the checks of a change, scope and hygiene.
type changeFlags struct {
	Root string
	findingFlags
	Base string // base revision; "" chooses one
}

func (o *changeFlags) register(f *flagSet) {
	f.rootFlag(&o.Root)
	o.findingFlags.register(f)
	f.StringVar(&o.Base, "base", "", "base `REV`; the merge base of REV and HEAD is compared with the work tree (default: upstream, else main, else master, else HEAD)")
}

// flagError turns a flag error into the command's error: --help prints the
// usage (errHelp), a bad flag is a usage error that repeats the synopsis.
// Any other error is returned as is.
func (f *flagSet) flagError(err error) error {
	var fe *flagargs.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		f.printUsage(f.env.stdout)
		return silent(errHelp)
	case errors.As(err, &fe):
		return usagef("%v%s\nusage: taskproof %s (see --help)", fe.Err, f.flagSuggestion(fe.Err), f.synopsis)
	}
	return err
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
