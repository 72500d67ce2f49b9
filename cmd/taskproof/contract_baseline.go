package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/contract"
	"github.com/taskproof/taskproof/internal/proofrun"
)

// contractBaselineOptions are the inputs of `taskproof contract baseline`.
type contractBaselineOptions struct {
	Contract string // the contract the overlay extends; "" = the repository's, if any
	Root     string
	Profile  string
	Out      string // "" = stdout
}

const contractBaselineSynopsis = "contract baseline [--contract FILE] [--profile P] [--out FILE] LOG..."

// cmdContractBaseline writes a ladder overlay of the contract from
// known-good console logs.
func cmdContractBaseline(ctx context.Context, env *cli.Env, args []string) error {
	o := contractBaselineOptions{}
	fs := cli.NewFlagSet(env, "contract baseline", contractBaselineSynopsis)
	fs.StringVar(&o.Contract, "contract", "", "contract `FILE` the overlay extends (default: [proof] contract of taskproof.toml under --root, when it exists)")
	fs.RootFlag(&o.Root)
	fs.StringVar(&o.Profile, "profile", "", "the `PROFILE` the ladder is for (default: the contract's default profile)")
	fs.StringVar(&o.Out, "out", "", "write to `FILE` instead of stdout")
	logs, err := fs.ParseSome(args, "want at least one LOG (a known-good console log)\nusage: taskproof "+contractBaselineSynopsis)
	if err != nil {
		return err
	}
	opts := contract.BaselineOptions{Profile: o.Profile}
	// The overlay extends --contract, else the repository's contract when
	// it exists, else none.
	c, err := openRepo(env, o.Root).GivenContract(o.Contract, true)
	if err != nil {
		return err
	}
	if c != nil {
		opts.Base = c.Contract
		if opts.BasePath, err = contract.ExtendsPath(c.Path, o.Out); err != nil {
			return err
		}
	}
	if o.Out != "" {
		if _, err := os.Stat(o.Out); err == nil {
			return cli.Usagef("%s exists; remove it or choose another --out (a baseline never overwrites a contract)", o.Out)
		}
		if err := proofrun.CheckOutputs(o.Out); err != nil {
			return err
		}
	}
	for _, p := range logs {
		data, err := os.ReadFile(p)
		if err != nil {
			return cli.Usagef("read log: %v", err)
		}
		opts.Logs = append(opts.Logs, contract.BaselineLog{Name: p, Data: data})
	}
	out, err := contract.Baseline(opts)
	if errors.Is(err, contract.ErrNoBaseline) {
		return cli.Findings(err)
	}
	if err != nil {
		return err
	}
	if o.Out == "" {
		return cli.Write(env.Stdout, out)
	}
	if err := atomicfile.Write(o.Out, out, 0o644); err != nil {
		return cli.Infra(err)
	}
	fmt.Fprintf(env.Stderr, "taskproof contract baseline: wrote %s from %d log(s)\n", o.Out, len(logs))
	return nil
}
