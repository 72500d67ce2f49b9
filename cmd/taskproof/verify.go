package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/proofrun"
)

// verifyOptions are the verify command's inputs.
type verifyOptions struct {
	proofrun.Flags
	Log string // path, or "-" for stdin
}

const verifySynopsis = "verify [--contract FILE] [--profile P] [--report FILE] [--junit FILE] [--summary FILE] LOG"

func cmdVerify(ctx context.Context, env *cli.Env, args []string) error {
	var o verifyOptions
	fs := cli.NewFlagSet(env, "verify", verifySynopsis)
	fs.Help += "\n\n" + proofHelp
	o.Register(fs.FlagSet)
	pos, err := fs.ParseExactly(args, 1, "want exactly one LOG argument (a file, or - for stdin), got %d")
	if err != nil {
		return err
	}
	o.Log = pos[0]
	return runVerify(ctx, o, env)
}

func runVerify(ctx context.Context, o verifyOptions, env *cli.Env) error {
	if err := cli.CheckFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	proofrun.LessGC()
	m, err := o.Markers(openRepo(env, o.Root), "")
	if err != nil {
		return err
	}
	if err := proofrun.CheckOutputs(o.Report, o.JUnit, o.Summary); err != nil {
		return err
	}
	in := env.Stdin
	if o.Log != "-" {
		f, err := os.Open(o.Log)
		if err != nil {
			return fmt.Errorf("open log: %w", err)
		}
		defer f.Close()
		in = f
	}
	r, err := proofrun.Check(ctx, m, in, o.Log)
	if err != nil {
		return err
	}
	if err := emitProof(env, o.Flags, r, "in "+strconv.Itoa(r.Lines)+" lines"); err != nil {
		return cli.Infra(err)
	}
	return verdictError(r)
}
