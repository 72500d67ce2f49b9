package main

import (
	"context"
	"fmt"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/contract"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/sarif"
)

// contractLintOptions are the inputs of `taskproof contract lint`, and
// what `contract list` shares with it.
type contractLintOptions struct {
	Contract          string // contract file; "" = [proof] contract of the repository
	Root              string
	cli.FindingOutput // list: text or json only, no --exit-zero
}

// parse reads the flags of both subcommands, with extra set by define,
// and opens the contract. findings says the command reports findings
// (lint), so it takes their formats and --exit-zero.
func (o *contractLintOptions) parse(env *cli.Env, name, synopsis string, args []string, findings bool, define func(*cli.FlagSet)) (*repo.Repo, *repo.Contract, error) {
	fs := cli.NewFlagSet(env, name, synopsis)
	fs.StringVar(&o.Contract, "contract", "", "contract `FILE` (default: [proof] contract of taskproof.toml under --root)")
	fs.RootFlag(&o.Root)
	if findings {
		fs.FindingFlags(&o.FindingOutput)
	} else {
		fs.FormatFlag(&o.Format, "text", "json")
	}
	define(fs)
	if err := fs.ParseNone(args, "pass the contract with --contract"); err != nil {
		return nil, nil, err
	}
	r := openRepo(env, o.Root)
	c, err := r.GivenContract(o.Contract, false)
	return r, c, err
}

// cmdContractLint checks the contract and writes its findings.
func cmdContractLint(ctx context.Context, env *cli.Env, args []string) error {
	o := contractLintOptions{}
	r, c, err := o.parse(env, "contract lint", "contract lint [--contract FILE] [--root DIR] [--format text|json|sarif|github|gitlab] [--exit-zero]", args, true, func(*cli.FlagSet) {})
	if err != nil {
		return err
	}
	rep := contract.NewLintReport(c.Contract, c.Path, c.Display)
	// The findings name files as the user opens them; code scanning
	// wants them relative to the repository root.
	results := rep.SARIF()
	top := r.Top(ctx)
	for i := range results {
		results[i].File = repo.RelativeTo(top, results[i].File)
	}
	l := sarif.Log{Category: "contract", Rules: contract.SARIFRules(), Results: results}
	err = o.Write(env, l, rep, rep.Text, rep.Counts.Error > 0)
	fmt.Fprintf(env.Stderr, "taskproof contract lint: %s\n", rep.Summary(c.Contract))
	return err
}

// cmdContractList prints the markers a profile of the contract requires.
func cmdContractList(ctx context.Context, env *cli.Env, args []string) error {
	o := contractLintOptions{}
	profile := "" // "" = the contract's default profile
	_, c, err := o.parse(env, "contract list", "contract list [--contract FILE] [--profile P] [--root DIR] [--format text|json]", args, false, func(fs *cli.FlagSet) {
		fs.StringVar(&profile, "profile", "", "`PROFILE` to resolve (default: the contract's default profile)")
	})
	if err != nil {
		return err
	}
	l, err := contract.NewListing(c.Contract, profile, c.Path, c.Display)
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
