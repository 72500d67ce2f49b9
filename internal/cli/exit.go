package cli

import (
	"errors"
	"fmt"
)

// Exit codes shared by every command (README, "Exit codes").
const (
	ExitOK       = 0 // success, nothing found
	ExitFindings = 1 // the check ran and failed (lint errors, drift, proof failure)
	ExitUsage    = 2 // bad flags, bad arguments, unreadable or invalid input files
	ExitInfra    = 3 // the environment failed (could not start a process, no git)
	ExitTimeout  = 4 // a proof timed out
)

// Classes a command gives its own errors; the domain packages' sentinels
// are mapped by the Program's Sentinels.
var (
	ErrHelp     = errors.New("help shown")          // exit 0, nothing more to print
	ErrFindings = errors.New("problems found")      // exit 1
	ErrUsage    = errors.New("usage error")         // exit 2
	ErrInfra    = errors.New("environment failure") // exit 3
	ErrTimeout  = errors.New("no verdict in time")  // exit 4
)

// classed is an error of a class whose message is its own; a nil err is a
// silent error (the command already said everything).
type classed struct{ class, err error }

func (c *classed) Error() string {
	if c.err == nil {
		return ""
	}
	return c.err.Error()
}

func (c *classed) Unwrap() []error {
	if c.err == nil {
		return []error{c.class}
	}
	return []error{c.class, c.err}
}

// Findings classes err as problems found (exit 1).
func Findings(err error) error { return &classed{ErrFindings, err} }

// Infra classes err as an environment failure (exit 3).
func Infra(err error) error { return &classed{ErrInfra, err} }

// Silent is an error of class that prints nothing: the command already
// said everything.
func Silent(class error) error { return &classed{class, nil} }

// Usagef is a usage error (exit 2) with a formatted message.
func Usagef(format string, a ...any) error {
	return &classed{ErrUsage, fmt.Errorf(format, a...)}
}

// Sentinel maps an error a domain package exports to an exit code.
type Sentinel struct {
	Err  error
	Code int
}

// ExitCode maps an error to the exit status: a command's own class first,
// then the sentinels, in order, of the packages that know what went wrong.
// Anything else is bad input: a usage error, an unreadable or invalid file.
func ExitCode(err error, sentinels []Sentinel) int {
	switch {
	case err == nil, errors.Is(err, ErrHelp):
		return ExitOK
	case errors.Is(err, ErrFindings):
		return ExitFindings
	case errors.Is(err, ErrUsage):
		return ExitUsage
	case errors.Is(err, ErrInfra):
		return ExitInfra
	case errors.Is(err, ErrTimeout):
		return ExitTimeout
	}
	for _, s := range sentinels {
		if errors.Is(err, s.Err) {
			return s.Code
		}
	}
	return ExitUsage
}

// Exit prints err (if it says anything) as "taskproof NAME: message" and
// returns its exit status under sentinels.
func Exit(env *Env, name string, err error, sentinels []Sentinel) int {
	if err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(env.Stderr, "taskproof %s: %s\n", name, msg)
		}
	}
	return ExitCode(err, sentinels)
}
