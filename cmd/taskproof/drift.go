package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/board"
	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/sarif"
)

// driftOptions are the inputs of `taskproof drift`.
type driftOptions struct {
	Root  string
	Board string // "" means STATUS-BOARD.md in the tasks dir, when present
	Order string // "" means IMPLEMENTATION-ORDER.md in the tasks dir, when present
	cli.FindingOutput
}

// cmdDrift compares the hand-written files with the headers of the
// repository at o.Root.
func cmdDrift(ctx context.Context, env *cli.Env, args []string) error {
	o := driftOptions{}
	fs := cli.NewFlagSet(env, "drift", "drift [--root DIR] [--board FILE] [--order FILE] [--format text|json|sarif|github|gitlab] [--exit-zero]")
	fs.RootFlag(&o.Root)
	fs.StringVar(&o.Board, "board", "", "hand-written board `FILE` (default: STATUS-BOARD.md in the tasks directory)")
	fs.StringVar(&o.Order, "order", "", "implementation-order `FILE` (default: IMPLEMENTATION-ORDER.md in the tasks directory)")
	fs.FindingFlags(&o.FindingOutput)
	if err := fs.ParseNone(args, "drift takes no arguments (use --board and --order)"); err != nil {
		return err
	}
	r := openRepo(env, o.Root)
	rep, err := r.Drift(o.Board, o.Order)
	if err != nil {
		return err
	}
	text := rep.Text
	if o.Format == "json" {
		text = func() []byte { return cli.WithSchemaVersion(rep.JSON()) }
		o.Format = "text" // the report renders its own JSON
	}
	l := sarif.Log{Prefix: cli.RepoPrefix(r.Root), Category: "drift", Rules: board.SARIFRules(), Results: rep.SARIF()}
	return o.Write(env, l, rep, text, len(rep.Findings) > 0)
}
