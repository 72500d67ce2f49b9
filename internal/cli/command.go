package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Command is a command, or a group of subcommands (Run is nil, Subs not).
type Command struct {
	Name    string
	Summary string
	Run     func(ctx context.Context, env *Env, args []string) error
	// Prefix names the command in its messages when its path does not
	// ("taskproof status: ..." for status set, its only subcommand).
	Prefix string

	// Groups: the usage line after "taskproof", the help text, the
	// subcommands, and the width of the subcommand list (0: no list,
	// the help text describes them).
	Synopsis  string
	Help      string
	Subs      []*Command
	ListWidth int
	Footer    string
}

// Program is a command table with what it needs to run: the version it
// prints, the help texts and examples of its commands, and the exit codes
// of the errors its domain packages export.
type Program struct {
	Version string
	Root    *Command
	// Help is the help text of a command ("contract-lint" for contract lint).
	Help func(name string) string
	// Examples are a command's example lines, by its flag set's name.
	Examples  map[string][]string
	Sentinels []Sentinel
}

// Run runs the command args name and returns the exit status.
func (p *Program) Run(ctx context.Context, env *Env, args []string) int {
	env.Program = p
	if len(args) == 0 {
		p.topUsage(env.Stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 {
			if c := p.Root.Sub(args[1]); c != nil {
				return p.dispatch(ctx, env, c, args[1], []string{"--help"})
			}
		}
		p.topUsage(env.Stdout)
		return ExitOK
	case "-version", "--version", "version":
		fmt.Fprintf(env.Stdout, "taskproof %s\n", p.Version)
		return ExitOK
	}
	c := p.Root.Sub(args[0])
	if c == nil {
		fmt.Fprintf(env.Stderr, "taskproof: unknown command %q%s; run 'taskproof --help' for the list\n", args[0], Suggestion(args[0], commandNames(p.Root)))
		return ExitUsage
	}
	return p.dispatch(ctx, env, c, args[0], args[1:])
}

// Exit is Exit under p's sentinels.
func (p *Program) Exit(env *Env, name string, err error) int {
	return Exit(env, name, err, p.Sentinels)
}

// dispatch runs c (named path, "contract lint" for a subcommand), prints
// its error and returns its exit status. A group picks its subcommand
// from the first argument.
func (p *Program) dispatch(ctx context.Context, env *Env, c *Command, path string, args []string) int {
	if c.Run != nil {
		if c.Prefix != "" {
			path = c.Prefix
		}
		return p.Exit(env, path, c.Run(ctx, env, args))
	}
	if len(args) == 0 || (strings.HasPrefix(args[0], "-") && !isHelp(args[0])) {
		fmt.Fprintf(env.Stderr, "taskproof %s: missing subcommand\n\n", path)
		c.usage(env.Stderr)
		return ExitUsage
	}
	if isHelp(args[0]) && len(c.Subs) == 1 {
		// A group of one subcommand (status set) is that subcommand.
		return p.dispatch(ctx, env, c.Subs[0], path+" "+c.Subs[0].Name, args)
	}
	if isHelp(args[0]) {
		c.usage(env.Stdout)
		return ExitOK
	}
	sub := c.Sub(args[0])
	if sub == nil {
		names := make([]string, len(c.Subs))
		for i, s := range c.Subs {
			names[i] = s.Name
		}
		return p.Exit(env, path, Usagef("unknown subcommand %q%s; use %s", args[0], Suggestion(args[0], names), orList(names)))
	}
	return p.dispatch(ctx, env, sub, path+" "+sub.Name, args[1:])
}

func isHelp(a string) bool {
	return a == "-h" || a == "--help" || a == "-help" || a == "help"
}

// Sub is c's subcommand name, nil if it has none.
func (c *Command) Sub(name string) *Command {
	for _, s := range c.Subs {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// usage prints a group's usage: its synopsis, help and subcommands.
func (c *Command) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: taskproof %s\n", c.Synopsis)
	if c.Help != "" {
		fmt.Fprintf(w, "\n%s\n", c.Help)
	}
	if c.ListWidth > 0 {
		word := "Subcommands"
		if c.Name == "" {
			word = "Commands"
		}
		fmt.Fprintf(w, "\n%s:\n", word)
		for _, s := range c.Subs {
			fmt.Fprintf(w, "  %-*s %s\n", c.ListWidth, s.Name, s.Summary)
		}
	}
	if c.Footer != "" {
		fmt.Fprintf(w, "\n%s\n", c.Footer)
	}
}

func (p *Program) topUsage(w io.Writer) {
	fmt.Fprintf(w, "taskproof %s: executable Definition of Done for task documents\n\n", p.Version)
	p.Root.usage(w)
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
