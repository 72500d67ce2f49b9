package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/cli"
)

// commands is every command, in the order --help lists them.
var commands = &cli.Command{
	Name:     "",
	Synopsis: "COMMAND [flags] [args]",
	Subs: []*cli.Command{
		{Name: "board", Summary: "generate the status board from the task headers (--write, --check)", Run: cmdBoard},
		{Name: "completion", Summary: "print a shell completion script: bash, zsh or fish", Run: cmdCompletion},
		{Name: "contract", Summary: "lint the marker contract, list a profile's markers or write a baseline",
			Synopsis: "contract lint|list|baseline [flags]", Help: helpText("contract"), Subs: []*cli.Command{
				{Name: "lint", Summary: "check the contract", Run: cmdContractLint},
				{Name: "list", Summary: "list a profile's markers", Run: cmdContractList},
				{Name: "baseline", Summary: "write a ladder from known-good logs", Run: cmdContractBaseline},
			}},
		{Name: "drift", Summary: "report where a hand-written board or order file disagrees with the task headers", Run: cmdDrift},
		{Name: "evidence", Summary: "verify or show a signed evidence bundle",
			Synopsis: "evidence SUBCOMMAND [flags]", Help: helpText("evidence"), ListWidth: 7,
			Footer: "Run 'taskproof evidence SUBCOMMAND --help' for its flags and exit codes.", Subs: []*cli.Command{
				{Name: "collect", Summary: "verify CI lanes' results and write every task's evidence from them", Run: cmdEvidenceCollect},
				{Name: "md", Summary: "print a task's evidence as the Markdown section to paste into a PR", Run: cmdEvidenceMD},
				{Name: "recheck", Summary: "re-run a bundle's proof at its commit in a clean worktree and compare", Run: cmdEvidenceRecheck},
				{Name: "show", Summary: "print what a bundle claims: task, commit, items, files", Run: cmdEvidenceShow},
				{Name: "verify", Summary: "check a bundle's signature, files and commit, offline", Run: cmdEvidenceVerify},
			}},
		{Name: "flaky", Summary: "report markers and tests whose outcome varies on the same commit", Run: cmdFlaky},
		{Name: "graph", Summary: "print the dependency graph (Mermaid, DOT or JSON)", Run: cmdGraph},
		{Name: "history", Summary: "list a task's recorded proves and runs, newest first", Run: cmdHistory},
		{Name: "hygiene", Summary: "check the lines a change adds against the diff hygiene rules", Run: cmdHygiene},
		{Name: "init", Summary: "write a commented taskproof.toml with the defaults", Run: cmdInit},
		{Name: "keygen", Summary: "make the ed25519 key pair that signs evidence", Run: cmdKeygen},
		{Name: "lint", Summary: "check task documents against the template's rules", Run: cmdLint},
		{Name: "man", Summary: "print the manual page (roff): taskproof man | man -l -", Run: cmdMan},
		{Name: "new", Summary: "create the next task document from the template", Run: cmdNew},
		{Name: "next", Summary: "list the tasks that are ready to start", Run: cmdNext},
		{Name: "plan", Summary: "print the runs a prove would run: text, JSON, or a CI matrix (GitHub, GitLab)", Run: cmdPlan},
		{Name: "prove", Summary: "run a task's Definition of Done and write signed evidence", Run: cmdProve},
		{Name: "run", Summary: "run a command (QEMU, a test) and verify its console while it runs", Run: cmdRun},
		{Name: "scope", Summary: "check the files a change touched against a task's allowlist", Run: cmdScope},
		{Name: "serve", Summary: "serve the dashboard: board, tasks, runs, graph, live runs", Run: cmdServe},
		{Name: "show", Summary: "print a task as taskproof parsed it", Run: cmdShow},
		{Name: "site", Summary: "write the dashboard as static files (--out DIR)", Run: cmdSite},
		{Name: "status", Summary: "set a task's header status (Done only with valid evidence)",
			Synopsis: statusSynopsis, Help: helpText("status"), Subs: []*cli.Command{
				{Name: "set", Summary: "set the status", Run: cmdStatusSet, Prefix: "status"},
			}},
		{Name: "tests", Summary: "read test-runner output and check that tests ran and passed", Run: cmdTests},
		{Name: "verify", Summary: "check a finished console log against the marker contract", Run: cmdVerify},
	},
	ListWidth: 10,
	Footer:    helpText("taskproof"),
}

// program is taskproof: the command table, the version, the help texts
// and examples, and the exit codes of the domain packages' errors.
func program() *cli.Program {
	return &cli.Program{Version: version, Root: commands, Help: helpText, Examples: examples, Sentinels: sentinels}
}

// runMain runs the command args name and returns the exit status.
func runMain(ctx context.Context, env *cli.Env, args []string) int {
	return program().Run(ctx, env, args)
}
