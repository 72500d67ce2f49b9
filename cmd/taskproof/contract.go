package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/taskproof/taskproof/internal/contract"
	"github.com/taskproof/taskproof/internal/repo"
)

// contractLintOptions are the inputs of `taskproof contract lint`.
type contractLintOptions struct {
	Contract string // contract file; "" = [proof] contract of the repository
	Root     string
	Format   string // text or json
}

func cmdContractLint(ctx context.Context, env *cliEnv, args []string) error {
	o := contractLintOptions{}
	fs := newFlagSet(env, "contract lint", "contract lint [--contract FILE] [--root DIR] [--format text|json]")
	fs.StringVar(&o.Contract, "contract", "", "contract `FILE` (default: [proof] contract of taskproof.toml under --root)")
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q; pass the contract with --contract", pos[0])
	}
	return runContractLint(ctx, o, env)
}

// openContract loads the --contract file, or the repository's
// configured contract: the one locate-and-load policy of package repo.
func openContract(file, root string) (*repo.Contract, error) {
	r := repo.Open(root)
	var c *repo.Contract
	var err error
	if file == "" {
		c, err = r.Contract()
	} else {
		c, err = r.ContractFile(file)
	}
	var missing *repo.MissingContractError
	switch {
	case errors.As(err, &missing) && file == "":
		return nil, usagef("no marker contract at %s; create it (see docs/contract.md), set [proof] contract in taskproof.toml, or pass --contract FILE", missing.Path)
	case errors.As(err, &missing):
		return nil, usagef("cannot read contract %s: %v", missing.Path, missing.Err)
	}
	return c, err
}

func runContractLint(ctx context.Context, o contractLintOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	c, err := openContract(o.Contract, o.Root)
	if err != nil {
		return err
	}
	rep := contract.NewLintReport(c.Contract, c.Path, c.Display)
	if err := writeOutput(env.stdout, o.Format, rep, rep.Text); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "taskproof contract lint: %s\n", rep.Summary(c.Contract))
	if rep.Counts.Error > 0 {
		return silent(errFindings)
	}
	return nil
}

// contractListOptions are the inputs of `taskproof contract list`.
type contractListOptions struct {
	Contract string
	Root     string
	Profile  string // "" = the contract's default profile
	Format   string // text or json
}

func cmdContractList(ctx context.Context, env *cliEnv, args []string) error {
	o := contractListOptions{}
	fs := newFlagSet(env, "contract list", "contract list [--contract FILE] [--profile P] [--root DIR] [--format text|json]")
	fs.StringVar(&o.Contract, "contract", "", "contract `FILE` (default: [proof] contract of taskproof.toml under --root)")
	fs.StringVar(&o.Profile, "profile", "", "`PROFILE` to resolve (default: the contract's default profile)")
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q; pass the contract with --contract", pos[0])
	}
	return runContractList(ctx, o, env)
}

func runContractList(ctx context.Context, o contractListOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	c, err := openContract(o.Contract, o.Root)
	if err != nil {
		return err
	}
	l, err := contract.NewListing(c.Contract, o.Profile, c.Path, c.Display)
	if err != nil {
		return c.Wrap(err)
	}
	if err := writeOutput(env.stdout, o.Format, l, l.Text); err != nil {
		return err
	}
	if len(l.Required) == 0 {
		fmt.Fprintf(env.stderr, "taskproof contract list: profile %q requires no marker: nothing to prove is never a pass, so run and verify refuse it\n", l.Profile)
	}
	return nil
}
