// Command taskproof makes a task document's Definition of Done executable.
//
// main.go holds only dispatch: every command lives in its own file as an
// options struct plus a run function, and registers itself in commands.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes shared by every command. Commands with a richer vocabulary
// (run, verify) document theirs in their own help text.
const (
	exitOK       = 0 // success, nothing found
	exitFindings = 1 // the check ran and failed (lint errors, drift, proof failure)
	exitUsage    = 2 // bad flags, bad arguments, unreadable or invalid input files
	exitInfra    = 3 // the environment failed (could not start a process, no git)
	exitTimeout  = 4 // a proof timed out
)

// command is one subcommand. run parses its own flags from args.
type command struct {
	name    string
	summary string
	run     func(env *cliEnv, args []string) int
}

// commands is filled by each command file's init, so command files never
// have to edit this one.
var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("duplicate command " + c.name)
	}
	commands[c.name] = c
}

// cliEnv is what a command may touch: streams and the environment. Tests
// build one directly.
type cliEnv struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

func main() {
	env := &cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(runMain(env, os.Args[1:]))
}

func runMain(env *cliEnv, args []string) int {
	if len(args) == 0 {
		usage(env.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run(env, []string{"--help"})
			}
		}
		usage(env.stdout)
		return exitOK
	case "-version", "--version", "version":
		fmt.Fprintf(env.stdout, "taskproof %s\n", version)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "taskproof: unknown command %q; run 'taskproof --help' for the list\n", args[0])
		return exitUsage
	}
	return c.run(env, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "taskproof %s: executable Definition of Done for task documents\n\n", version)
	fmt.Fprintln(w, "Usage: taskproof COMMAND [flags] [args]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nExit codes:")
	fmt.Fprintln(w, "  0  success")
	fmt.Fprintln(w, "  1  the check ran and found problems (lint errors, drift, failed proof)")
	fmt.Fprintln(w, "  2  usage error or invalid input file")
	fmt.Fprintln(w, "  3  infrastructure failure (could not start a process, no git)")
	fmt.Fprintln(w, "  4  a proof timed out")
	fmt.Fprintln(w, "\nRun 'taskproof COMMAND --help' for a command's flags.")
}

// usageError marks an error caused by the caller's arguments (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// exitError carries an explicit exit code out of a run function.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// report prints err (if any) prefixed with the command name and maps it to
// an exit code. A nil error is exitOK. An exitError with a nil err prints
// nothing: the command already explained itself.
func report(env *cliEnv, name string, err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(env.stderr, "taskproof %s: %v\n", name, ee.err)
		}
		return ee.code
	}
	// Anything else is bad input: a usage error, an unreadable or invalid file.
	fmt.Fprintf(env.stderr, "taskproof %s: %v\n", name, err)
	return exitUsage
}

// firstLine trims s to its first line, for one-line messages.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
