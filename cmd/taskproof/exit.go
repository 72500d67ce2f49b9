package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/taskproof/taskproof/internal/gitdiff"
	"github.com/taskproof/taskproof/internal/proofrun"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/prove"
)

// Exit codes shared by every command (README, "Exit codes").
const (
	exitOK       = 0 // success, nothing found
	exitFindings = 1 // the check ran and failed (lint errors, drift, proof failure)
	exitUsage    = 2 // bad flags, bad arguments, unreadable or invalid input files
	exitInfra    = 3 // the environment failed (could not start a process, no git)
	exitTimeout  = 4 // a proof timed out
)

// Classes a command gives its own errors; the domain packages' sentinels
// are mapped in exitCode.
var (
	errHelp     = errors.New("help shown")          // exit 0, nothing more to print
	errFindings = errors.New("problems found")      // exit 1
	errUsage    = errors.New("usage error")         // exit 2
	errInfra    = errors.New("environment failure") // exit 3
	errTimeout  = errors.New("no verdict in time")  // exit 4
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

func findings(err error) error { return &classed{errFindings, err} }
func infra(err error) error    { return &classed{errInfra, err} }
func silent(class error) error { return &classed{class, nil} }

func usagef(format string, a ...any) error {
	return &classed{errUsage, fmt.Errorf(format, a...)}
}

// exitCode maps an error to the exit status: a command's own class first,
// then the sentinels of the packages that know what went wrong. Anything
// else is bad input: a usage error, an unreadable or invalid file.
func exitCode(err error) int {
	is := func(targets ...error) bool {
		for _, t := range targets {
			if errors.Is(err, t) {
				return true
			}
		}
		return false
	}
	switch {
	case err == nil, is(errHelp):
		return exitOK
	case is(errFindings):
		return exitFindings
	case is(errUsage):
		return exitUsage
	case is(errInfra):
		return exitInfra
	case is(errTimeout, proofrun.ErrTimeout):
		return exitTimeout
	case is(proofrun.ErrInfra, prove.ErrInfra, context.Canceled, context.DeadlineExceeded,
		gitdiff.ErrNoGit, gitdiff.ErrNotRepo, gitdiff.ErrUnknownRev, gitdiff.ErrGit):
		return exitInfra
	case is(proofrun.ErrFailed, prove.ErrRefused, prove.ErrNotProven, proofstate.ErrRefused):
		return exitFindings
	}
	return exitUsage
}

// exit prints err (if it says anything) as "taskproof NAME: message" and
// returns its exit status.
func exit(env *cliEnv, name string, err error) int {
	if err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(env.stderr, "taskproof %s: %s\n", name, msg)
		}
	}
	return exitCode(err)
}
