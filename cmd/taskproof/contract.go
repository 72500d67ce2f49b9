package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/contract"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/sarif"
)

// contractLintOptions are the inputs of `taskproof contract lint`, and
// what `contract list` shares with it.
type contractLintOptions struct {
	Contract string // contract file; "" = [proof] contract of the repository
	Root     string
	Format   string // text or json; lint also sarif, github, gitlab
	ExitZero bool   // lint: exit 0 even with error findings
}

// parse reads the flags of both subcommands, with extra set by define.
// findings says the command reports findings (lint), so it takes their
// formats and --exit-zero.
func (o *contractLintOptions) parse(env *cli.Env, name, synopsis string, args []string, findings bool, define func(*cli.FlagSet)) error {
	fs := cli.NewFlagSet(env, name, synopsis)
	fs.StringVar(&o.Contract, "contract", "", "contract `FILE` (default: [proof] contract of taskproof.toml under --root)")
	fs.RootFlag(&o.Root)
	ff := findingFlags{}
	if findings {
		ff.register(fs)
	} else {
		fs.FormatFlag(&o.Format, "text", "json")
	}
	define(fs)
	if err := fs.ParseNone(args, "pass the contract with --contract"); err != nil {
		return err
	}
	if findings {
		err := ff.resolve(env, fs)
		o.Format, o.ExitZero = ff.Format, ff.ExitZero
		return err
	}
	return cli.CheckFormat(o.Format, "text", "json")
}

func cmdContractLint(ctx context.Context, env *cli.Env, args []string) error {
	o := contractLintOptions{}
	if err := o.parse(env, "contract lint", "contract lint [--contract FILE] [--root DIR] [--format text|json|sarif|github|gitlab] [--exit-zero]", args, true, func(*cli.FlagSet) {}); err != nil {
		return err
	}
	return runContractLint(ctx, o, env)
}

// open loads the --contract file, or the repository's configured
// contract: the one locate-and-load policy of package repo.
func (o *contractLintOptions) open(env *cli.Env) (*repo.Contract, error) {
	r := openRepo(env, o.Root)
	var c *repo.Contract
	var err error
	if o.Contract == "" {
		c, err = r.Contract()
	} else {
		c, err = r.ContractFile(o.Contract)
	}
	var missing *repo.MissingContractError
	switch {
	case errors.As(err, &missing) && o.Contract == "":
		return nil, cli.Usagef("no marker contract at %s; create it (see docs/contract.md), set [proof] contract in taskproof.toml, or pass --contract FILE", missing.Path)
	case errors.As(err, &missing):
		return nil, cli.Usagef("cannot read contract %s: %v", missing.Path, missing.Err)
	}
	return c, err
}

func runContractLint(ctx context.Context, o contractLintOptions, env *cli.Env) error {
	c, err := o.open(env)
	if err != nil {
		return err
	}
	rep := contract.NewLintReport(c.Contract, c.Path, c.Display)
	// The findings name files as the user opens them; code scanning
	// wants them relative to the repository root.
	results := rep.SARIF()
	top := openRepo(env, o.Root).Top(ctx)
	for i := range results {
		results[i].File = repo.RelativeTo(top, results[i].File)
	}
	l := sarif.Log{Category: "contract", Rules: contract.SARIFRules(), Results: results}
	ff := findingFlags{Format: o.Format, ExitZero: o.ExitZero}
	err = ff.write(env, l, rep, rep.Text, rep.Counts.Error > 0)
	fmt.Fprintf(env.Stderr, "taskproof contract lint: %s\n", rep.Summary(c.Contract))
	return err
}

// contractListOptions are the inputs of `taskproof contract list`.
type contractListOptions struct {
	contractLintOptions
	Profile string // "" = the contract's default profile
}

func cmdContractList(ctx context.Context, env *cli.Env, args []string) error {
	o := contractListOptions{}
	if err := o.parse(env, "contract list", "contract list [--contract FILE] [--profile P] [--root DIR] [--format text|json]", args, false, func(fs *cli.FlagSet) {
		fs.StringVar(&o.Profile, "profile", "", "`PROFILE` to resolve (default: the contract's default profile)")
	}); err != nil {
		return err
	}
	return runContractList(ctx, o, env)
}

func runContractList(ctx context.Context, o contractListOptions, env *cli.Env) error {
	c, err := o.open(env)
	if err != nil {
		return err
	}
	l, err := contract.NewListing(c.Contract, o.Profile, c.Path, c.Display)
	if err != nil {
		return c.Wrap(err)
	}
	if err := cli.WriteOutput(env.Stdout, o.Format, l, l.Text); err != nil {
		return err
	}
	if len(l.Required) == 0 && len(l.Groups) == 0 {
		fmt.Fprintf(env.Stderr, "taskproof contract list: profile %q requires no marker: nothing to prove is never a pass, so run and verify refuse it\n", l.Profile)
	}
	return nil
}
