// Package cli is taskproof's command-line framework: the command table's
// types and dispatch, flag sets with the shared conventions (--help, flags
// after arguments, did-you-mean, the argument count and --format checked
// after parsing), error classes and their exit codes, the output helpers
// every command prints through (JSON, and findings as text, JSON, SARIF,
// workflow commands or code quality), and the shell completion
// scripts and manual page made from the table. It knows nothing of tasks,
// proofs or evidence: the commands in cmd/taskproof do.
package cli

import "io"

// Env is what a command may touch: streams, the environment, and hooks
// that observe the files a command reads. Tests build one directly.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Trace observes the files a command's repository reads and parses:
	// tests count them.
	Trace Trace
	// SawFlags, when set, is given every flag set a command makes: how
	// completion and the man page learn each command's flags.
	SawFlags func(*FlagSet)
	// Program is the program that dispatched the command (its table,
	// help texts and examples); nil when a test calls a command directly.
	Program *Program
}

// Trace holds the hooks that observe a repository's reads. Its fields
// mirror repo.Options, which converts from it.
type Trace struct {
	// OnRead, when set, is called with the path of every file read.
	OnRead func(path string)
	// OnParse, when set, is called with the path of every task file parsed.
	OnParse func(path string)
}
