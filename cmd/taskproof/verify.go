package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/taskproof/taskproof/internal/proofrun"
)

// verifyOptions are the verify command's inputs.
type verifyOptions struct {
	proofrun.Flags
	Log string // path, or "-" for stdin
}

const verifySynopsis = "verify [--contract FILE] [--profile P] [--report FILE] [--junit FILE] [--summary FILE] LOG"

func cmdVerify(ctx context.Context, env *cliEnv, args []string) error {
	var o verifyOptions
	fs := newFlagSet(env, "verify", verifySynopsis)
	fs.help += "\n\n" + proofHelp
	o.Register(fs.FlagSet)
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one LOG argument (a file, or - for stdin), got %d", len(pos))
	}
	o.Log = pos[0]
	return runVerify(ctx, o, env)
}

func runVerify(ctx context.Context, o verifyOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	m, err := o.Markers(env.openRepo(o.Root), "")
	if err != nil {
		return err
	}
	if err := proofrun.CheckOutputs(o.Report, o.JUnit, o.Summary); err != nil {
		return err
	}
	in := env.stdin
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
		return infra(err)
	}
	return verdictError(r)
}
