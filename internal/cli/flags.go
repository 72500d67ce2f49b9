package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/taskproof/taskproof/internal/flagargs"
)

// FlagSet wraps flag.FlagSet with the conventions every command shares:
// --help prints to stdout and exits 0, errors exit 2, and flags may follow
// positional arguments (taskproof lint a.md --format json).
type FlagSet struct {
	*flag.FlagSet
	env *Env
	// Synopsis is the usage line after "taskproof".
	Synopsis string
	// Help is the command's help text, "" when the Env has no Program.
	Help string
	// format and formats are FormatFlag's value and allowed values, which
	// the Parse methods that check arguments also check.
	format  *string
	formats []string
	// findings is FindingFlags' output, resolved with the format.
	findings *FindingOutput
}

// NewFlagSet makes the flag set for command name. synopsis is the usage
// line after "taskproof"; --help prints it, the command's examples and
// its help text (the Program's help "contract-lint" for "contract lint").
func NewFlagSet(env *Env, name, synopsis string) *FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := &FlagSet{FlagSet: fs, env: env, Synopsis: synopsis}
	if env.Program != nil && env.Program.Help != nil {
		f.Help = env.Program.Help(strings.ReplaceAll(name, " ", "-"))
	}
	if env.SawFlags != nil {
		env.SawFlags(f)
	}
	return f
}

// RootFlag registers the --root flag every repository command takes.
func (f *FlagSet) RootFlag(p *string) {
	f.StringVar(p, "root", ".", "repository root `DIR`")
}

// FormatFlag registers --format with the allowed values; the first is the default.
// ParseNone, ParseOne, ParseSome and ParseTask check the value.
func (f *FlagSet) FormatFlag(p *string, allowed ...string) {
	f.StringVar(p, "format", allowed[0], "output format: "+strings.Join(allowed, ", "))
	f.format, f.formats = p, allowed
}

// PrintUsage prints the synopsis, the examples, the help text and the flags.
func (f *FlagSet) PrintUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: taskproof %s\n", f.Synopsis)
	if p := f.env.Program; p != nil {
		if ex := p.Examples[f.Name()]; len(ex) > 0 {
			fmt.Fprintf(w, "\nExamples:\n")
			for _, e := range ex {
				fmt.Fprintf(w, "  %s\n", e)
			}
		}
	}
	if f.Help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(f.Help, "\n"))
	}
	if flags := FlagDocs(f.FlagSet); len(flags) > 0 {
		fmt.Fprintln(w, "\nFlags:")
		WriteFlagDocs(w, flags)
	}
}

// Parse parses args, allowing flags after positional arguments; "--" ends
// flag parsing. It returns the positional arguments; --help prints the
// usage and returns a silent ErrHelp.
func (f *FlagSet) Parse(args []string) ([]string, error) {
	pos, err := flagargs.Parse(f.FlagSet, args)
	return pos, f.FlagError(err)
}

// ParseNone parses args for a command that takes no positional argument;
// one is a usage error: "unexpected argument X; " and hint.
func (f *FlagSet) ParseNone(args []string, hint string) error {
	pos, err := f.Parse(args)
	if err == nil && len(pos) > 0 {
		err = Usagef("unexpected argument %q; %s", pos[0], hint)
	}
	return f.checked(err)
}

// ParseOne parses args for a command that takes exactly one positional
// argument; any other number is the usage error msg.
func (f *FlagSet) ParseOne(args []string, msg string) (string, error) {
	pos, err := f.ParseExactly(args, 1, msg)
	if err != nil {
		return "", err
	}
	return pos[0], nil
}

// ParseExactly parses args for a command that takes exactly n positional
// arguments. Another count is a usage error saying msg; a %d in msg is
// replaced by the number of arguments given.
func (f *FlagSet) ParseExactly(args []string, n int, msg string) ([]string, error) {
	pos, err := f.Parse(args)
	if err == nil && len(pos) != n {
		if strings.Contains(msg, "%d") {
			err = Usagef(msg, len(pos))
		} else {
			err = Usagef("%s", msg)
		}
	}
	if err = f.checked(err); err != nil {
		return nil, err
	}
	return pos, nil
}

// ParseSome parses args for a command that takes one or more positional
// arguments; none is the usage error msg.
func (f *FlagSet) ParseSome(args []string, msg string) ([]string, error) {
	pos, err := f.Parse(args)
	if err == nil && len(pos) == 0 {
		err = Usagef("%s", msg)
	}
	if err = f.checked(err); err != nil {
		return nil, err
	}
	return pos, nil
}

// ParseTask parses args for a command that takes one TASK-ID (or task
// file); usage completes "missing TASK-ID; usage: taskproof ...".
func (f *FlagSet) ParseTask(args []string, usage string) (string, error) {
	pos, err := f.Parse(args)
	switch {
	case err != nil:
	case len(pos) == 0:
		err = Usagef("missing TASK-ID; usage: taskproof %s", usage)
	case len(pos) > 1:
		err = Usagef("%s takes one TASK-ID, got %d arguments", f.Name(), len(pos))
	}
	if err = f.checked(err); err != nil {
		return "", err
	}
	return pos[0], nil
}

// checked is err, else the error of a --format value FormatFlag does not
// allow (resolved first for FindingFlags): usage errors come in the order
// flags, arguments, format.
func (f *FlagSet) checked(err error) error {
	switch {
	case err != nil || f.format == nil:
		return err
	case f.findings != nil:
		return f.findings.Resolve(f.env, f)
	}
	return CheckFormat(*f.format, f.formats...)
}

// FlagError turns a flag error into the command's error: --help prints the
// usage (a silent ErrHelp), a bad flag is a usage error that repeats the
// synopsis. Any other error is returned as is.
func (f *FlagSet) FlagError(err error) error {
	var fe *flagargs.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		f.PrintUsage(f.env.Stdout)
		return Silent(ErrHelp)
	case errors.As(err, &fe):
		return Usagef("%v%s\nusage: taskproof %s (see --help)", fe.Err, f.flagSuggestion(fe.Err), f.Synopsis)
	}
	return err
}

// CheckFormat returns a usage error unless format is one of allowed.
func CheckFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return Usagef("unknown --format %q; use one of: %s", format, strings.Join(allowed, ", "))
}
