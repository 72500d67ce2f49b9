package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"runtime"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/prove"
)

const collectSynopsis = "evidence collect DIR... [--summary FILE] [--key FILE] [--base REV] [--root DIR] [--format text|json]"

// cmdEvidenceCollect verifies the lanes' results and writes every task's
// evidence from them, as a prove --all would, without running anything.
func cmdEvidenceCollect(ctx context.Context, env *cli.Env, args []string) error {
	o := proveOptions{Argv: append([]string{"taskproof", "evidence", "collect"}, args...), All: true, Jobs: runtime.NumCPU(), Timeout: prove.DefaultTimeout}
	fs := cli.NewFlagSet(env, "evidence collect", collectSynopsis)
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Base, "base", "", "base `REV` of scope and hygiene")
	fs.StringVar(&o.Key, "key", "", "sign with, and check the lanes against, the key in `FILE` (default: as prove)")
	fs.StringVar(&o.Summary, "summary", "", "also write a Markdown summary to `FILE`")
	dirs, err := fs.ParseSome(args, "missing DIR; usage: taskproof "+collectSynopsis)
	if err != nil {
		return err
	}
	priv, keySource, err := signingKey(env, o.Key, o.Root)
	if err != nil {
		return err
	}
	pub := priv.Public().(ed25519.PublicKey)
	why, err := proofstate.CollectRefusal(ctx, openRepo(env, o.Root), cli.InCI(env), pub)
	if err != nil {
		return err
	}
	if why != "" {
		return cli.Findings(fmt.Errorf("the lanes cannot be collected with the key from %s: %s", keySource, why))
	}
	results, from, err := prove.ReadLanes(dirs, pub)
	if err != nil {
		return err
	}
	o.Force = true // the lanes' results, not this machine's cache
	plan, err := planMany(ctx, env, o)
	if err != nil {
		return err
	}
	for id := range results {
		if plan.Run(id) == nil {
			fmt.Fprintf(env.Stderr, "taskproof evidence collect: warning: %s is a result of run %s, which this checkout does not plan\n", from[id], id)
		}
	}
	// Collect writes bundles as prove does: one writer per task.
	lock, err := lockTasks(ctx, env, o, plan)
	if err != nil {
		return err
	}
	defer lock.Release()
	probs := plan.Collect(results, from)
	plan.Options.NoRun = true
	if err := plan.Execute(ctx, prove.Observer{}); err != nil {
		return err
	}
	return finishMany(ctx, env, o, plan, priv, keySource, probs)
}
