package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// command is a command, or a group of subcommands (run is nil, subs not).
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *cliEnv, args []string) error
	// prefix names the command in its messages when its path does not
	// ("taskproof status: ..." for status set, its only subcommand).
	prefix string

	// Groups: the usage line after "taskproof", the help text, the
	// subcommands, and the width of the subcommand list (0: no list,
	// the help text describes them).
	synopsis  string
	help      string
	subs      []*command
	listWidth int
	footer    string
}

// commands is every command, in the order --help lists them.
var commands = &command{
	name:     "",
	synopsis: "COMMAND [flags] [args]",
	subs: []*command{
		{name: "board", summary: "generate the status board from the task headers (--write, --check)", run: cmdBoard},
		{name: "completion", summary: "print a shell completion script: bash, zsh or fish", run: cmdCompletion},
		{name: "contract", summary: "lint the marker contract, list a profile's markers or write a baseline",
			synopsis: "contract lint|list|baseline [flags]", help: helpText("contract"), subs: []*command{
				{name: "lint", summary: "check the contract", run: cmdContractLint},
				{name: "list", summary: "list a profile's markers", run: cmdContractList},
				{name: "baseline", summary: "write a ladder from known-good logs", run: cmdContractBaseline},
			}},
		{name: "drift", summary: "report where a hand-written board or order file disagrees with the task headers", run: cmdDrift},
		{name: "evidence", summary: "verify or show a signed evidence bundle",
			synopsis: "evidence SUBCOMMAND [flags]", help: helpText("evidence"), listWidth: 7,
			footer: "Run 'taskproof evidence SUBCOMMAND --help' for its flags and exit codes.", subs: []*command{
				{name: "collect", summary: "verify CI lanes' results and write every task's evidence from them", run: cmdEvidenceCollect},
				{name: "md", summary: "print a task's evidence as the Markdown section to paste into a PR", run: cmdEvidenceMD},
				{name: "recheck", summary: "re-run a bundle's proof at its commit in a clean worktree and compare", run: cmdEvidenceRecheck},
				{name: "show", summary: "print what a bundle claims: task, commit, items, files", run: cmdEvidenceShow},
				{name: "verify", summary: "check a bundle's signature, files and commit, offline", run: cmdEvidenceVerify},
			}},
		{name: "flaky", summary: "report markers and tests whose outcome varies on the same commit", run: cmdFlaky},
		{name: "graph", summary: "print the dependency graph (Mermaid, DOT or JSON)", run: cmdGraph},
		{name: "history", summary: "list a task's recorded proves and runs, newest first", run: cmdHistory},
		{name: "hygiene", summary: "check the lines a change adds against the diff hygiene rules", run: cmdHygiene},
		{name: "init", summary: "write a commented taskproof.toml with the defaults", run: cmdInit},
		{name: "keygen", summary: "make the ed25519 key pair that signs evidence", run: cmdKeygen},
		{name: "lint", summary: "check task documents against the template's rules", run: cmdLint},
		{name: "man", summary: "print the manual page (roff): taskproof man | man -l -", run: cmdMan},
		{name: "new", summary: "create the next task document from the template", run: cmdNew},
		{name: "next", summary: "list the tasks that are ready to start", run: cmdNext},
		{name: "plan", summary: "print the runs a prove would run: text, JSON, or a CI matrix (GitHub, GitLab)", run: cmdPlan},
		{name: "prove", summary: "run a task's Definition of Done and write signed evidence", run: cmdProve},
		{name: "run", summary: "run a command (QEMU, a test) and verify its console while it runs", run: cmdRun},
		{name: "scope", summary: "check the files a change touched against a task's allowlist", run: cmdScope},
		{name: "serve", summary: "serve the dashboard: board, tasks, runs, graph, live runs", run: cmdServe},
		{name: "show", summary: "print a task as taskproof parsed it", run: cmdShow},
		{name: "site", summary: "write the dashboard as static files (--out DIR)", run: cmdSite},
		{name: "status", summary: "set a task's header status (Done only with valid evidence)",
			synopsis: statusSynopsis, help: helpText("status"), subs: []*command{
				{name: "set", summary: "set the status", run: cmdStatusSet, prefix: "status"},
			}},
		{name: "tests", summary: "read test-runner output and check that tests ran and passed", run: cmdTests},
		{name: "verify", summary: "check a finished console log against the marker contract", run: cmdVerify},
	},
	listWidth: 10,
	footer:    helpText("taskproof"),
}

// runMain runs the command args name and returns the exit status.
func runMain(ctx context.Context, env *cliEnv, args []string) int {
	env.table = commands
	if len(args) == 0 {
		topUsage(env.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 {
			if c := commands.sub(args[1]); c != nil {
				return dispatch(ctx, env, c, args[1], []string{"--help"})
			}
		}
		topUsage(env.stdout)
		return exitOK
	case "-version", "--version", "version":
		fmt.Fprintf(env.stdout, "taskproof %s\n", version)
		return exitOK
	}
	c := commands.sub(args[0])
	if c == nil {
		fmt.Fprintf(env.stderr, "taskproof: unknown command %q%s; run 'taskproof --help' for the list\n", args[0], suggestion(args[0], commandNames(commands)))
		return exitUsage
	}
	return dispatch(ctx, env, c, args[0], args[1:])
}

// dispatch runs c (named path, "contract lint" for a subcommand), prints
// its error and returns its exit status. A group picks its subcommand
// from the first argument.
func dispatch(ctx context.Context, env *cliEnv, c *command, path string, args []string) int {
	if c.run != nil {
		if c.prefix != "" {
			path = c.prefix
		}
		return exit(env, path, c.run(ctx, env, args))
	}
	if len(args) == 0 || (strings.HasPrefix(args[0], "-") && !isHelp(args[0])) {
		fmt.Fprintf(env.stderr, "taskproof %s: missing subcommand\n\n", path)
		c.usage(env.stderr)
		return exitUsage
	}
	if isHelp(args[0]) && len(c.subs) == 1 {
		// A group of one subcommand (status set) is that subcommand.
		return dispatch(ctx, env, c.subs[0], path+" "+c.subs[0].name, args)
	}
	if isHelp(args[0]) {
		c.usage(env.stdout)
		return exitOK
	}
	sub := c.sub(args[0])
	if sub == nil {
		names := make([]string, len(c.subs))
		for i, s := range c.subs {
			names[i] = s.name
		}
		return exit(env, path, usagef("unknown subcommand %q%s; use %s", args[0], suggestion(args[0], names), orList(names)))
	}
	return dispatch(ctx, env, sub, path+" "+sub.name, args[1:])
}

func isHelp(a string) bool {
	return a == "-h" || a == "--help" || a == "-help" || a == "help"
}

func (c *command) sub(name string) *command {
	for _, s := range c.subs {
		if s.name == name {
			return s
		}
	}
	return nil
}

// usage prints a group's usage: its synopsis, help and subcommands.
func (c *command) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: taskproof %s\n", c.synopsis)
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", c.help)
	}
	if c.listWidth > 0 {
		word := "Subcommands"
		if c.name == "" {
			word = "Commands"
		}
		fmt.Fprintf(w, "\n%s:\n", word)
		for _, s := range c.subs {
			fmt.Fprintf(w, "  %-*s %s\n", c.listWidth, s.name, s.summary)
		}
	}
	if c.footer != "" {
		fmt.Fprintf(w, "\n%s\n", c.footer)
	}
}

func topUsage(w io.Writer) {
	fmt.Fprintf(w, "taskproof %s: executable Definition of Done for task documents\n\n", version)
	commands.usage(w)
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
