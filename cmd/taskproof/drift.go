package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/board"
	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/sarif"
)

// driftOptions are the inputs of `taskproof drift`.
type driftOptions struct {
	Root  string
	Board string // "" means STATUS-BOARD.md in the tasks dir, when present
	Order string // "" means IMPLEMENTATION-ORDER.md in the tasks dir, when present
	findingFlags
}

func cmdDrift(ctx context.Context, env *cli.Env, args []string) error {
	o := driftOptions{}
	fs := cli.NewFlagSet(env, "drift", "drift [--root DIR] [--board FILE] [--order FILE] [--format text|json|sarif|github|gitlab] [--exit-zero]")
	fs.RootFlag(&o.Root)
	fs.StringVar(&o.Board, "board", "", "hand-written board `FILE` (default: STATUS-BOARD.md in the tasks directory)")
	fs.StringVar(&o.Order, "order", "", "implementation-order `FILE` (default: IMPLEMENTATION-ORDER.md in the tasks directory)")
	o.register(fs)
	if err := fs.ParseNone(args, "drift takes no arguments (use --board and --order)"); err != nil {
		return err
	}
	if err := o.resolve(env, fs); err != nil {
		return err
	}
	return runDrift(ctx, o, env)
}

// runDrift compares the hand-written files with the headers of the
// repository at o.Root.
func runDrift(ctx context.Context, o driftOptions, env *cli.Env) error {
	if err := cli.CheckFormat(o.Format, findingFormats...); err != nil {
		return err
	}
	r, cfg, docs, err := openTasks(env, o.Root)
	if err != nil {
		return err
	}
	tasksDir := filepath.Join(r.Root, filepath.FromSlash(cfg.Tasks.Dir))
	boardSrc, err := driftSource(r, o.Board, filepath.Join(tasksDir, "STATUS-BOARD.md"), "--board")
	if err != nil {
		return err
	}
	orderSrc, err := driftSource(r, o.Order, filepath.Join(tasksDir, "IMPLEMENTATION-ORDER.md"), "--order")
	if err != nil {
		return err
	}
	if boardSrc == nil && orderSrc == nil {
		return cli.Usagef("nothing to check: neither %s nor %s exists; pass --board FILE or --order FILE",
			r.Rel(filepath.Join(tasksDir, "STATUS-BOARD.md")), r.Rel(filepath.Join(tasksDir, "IMPLEMENTATION-ORDER.md")))
	}
	rep := board.Drift(board.DriftInput{
		Board:    boardSrc,
		Order:    orderSrc,
		Docs:     docs,
		Classify: board.DriftClassifier(cfg),
	})
	text := rep.Text
	if o.Format == "json" {
		text = func() []byte { return cli.WithSchemaVersion(rep.JSON()) }
		o.Format = "text" // the report renders its own JSON
	}
	l := sarif.Log{Prefix: cli.RepoPrefix(r.Root), Category: "drift", Rules: board.SARIFRules(), Results: rep.SARIF()}
	return o.write(env, l, rep, text, len(rep.Findings) > 0)
}

// driftSource reads an explicitly given file (which must exist) or the
// default one (skipped when absent).
func driftSource(r *repo.Repo, given, def, flag string) (*board.Source, error) {
	p := given
	if p == "" {
		p = def
	}
	data, err := os.ReadFile(p)
	switch {
	case err == nil:
		return &board.Source{Path: r.Rel(p), Data: data}, nil
	case given == "" && errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, cli.Usagef("%s %s: no such file", flag, given)
	default:
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
}
