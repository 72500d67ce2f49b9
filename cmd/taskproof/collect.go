package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"github.com/taskproof/taskproof/internal/prove"
)

const collectSynopsis = "evidence collect DIR... [--summary FILE] [--key FILE] [--base REV] [--root DIR] [--format text|json]"

// cmdEvidenceCollect verifies the lanes' results and writes every task's
// evidence from them, as a prove --all would, without running anything.
func cmdEvidenceCollect(ctx context.Context, env *cliEnv, args []string) error {
	o := proveOptions{Argv: append([]string{"taskproof", "evidence", "collect"}, args...), All: true, Jobs: runtime.NumCPU(), Timeout: defaultTimeout()}
	fs := newFlagSet(env, "evidence collect", collectSynopsis)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Base, "base", "", "base `REV` of scope and hygiene")
	fs.StringVar(&o.Key, "key", "", "sign with, and check the lanes against, the key in `FILE` (default: as prove)")
	fs.StringVar(&o.Summary, "summary", "", "also write a Markdown summary to `FILE`")
	dirs, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		return usagef("missing DIR; usage: taskproof %s", collectSynopsis)
	}
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	priv, keySource, err := signingKey(env, o.Key, o.Root)
	if err != nil {
		return err
	}
	if err := collectTrusted(ctx, env, o.Root, priv.Public().(ed25519.PublicKey), keySource); err != nil {
		return err
	}
	results, from, err := readLanes(dirs, priv.Public().(ed25519.PublicKey))
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
			fmt.Fprintf(env.stderr, "taskproof evidence collect: warning: %s is a result of run %s, which this checkout does not plan\n", from[id], id)
		}
	}
	probs := plan.Collect(results, from)
	plan.Options.NoRun = true
	if err := plan.Execute(ctx, prove.Observer{}); err != nil {
		return err
	}
	return finishMany(ctx, env, o, plan, priv, keySource, probs)
}

// readLanes reads every lane result in dirs, checked against pub. A file
// that is not a valid, signed lane result is an error naming it.
func readLanes(dirs []string, pub ed25519.PublicKey) (map[string]*prove.RunResult, map[string]string, error) {
	results, from := map[string]*prove.RunResult{}, map[string]string{}
	for _, dir := range dirs {
		names, err := filepath.Glob(filepath.Join(dir, prove.LaneFile("*")))
		if err != nil {
			return nil, nil, usagef("%s: %v", dir, err)
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, nil, usagef("%s is not a directory of lane results", dir)
		}
		sort.Strings(names)
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				return nil, nil, infra(fmt.Errorf("read lane result: %w", err))
			}
			res, err := prove.ReadLane(data, pub)
			if err != nil {
				return nil, nil, findings(fmt.Errorf("%s: %v", name, err))
			}
			if want := prove.LaneFile(res.ID); filepath.Base(name) != want {
				return nil, nil, findings(fmt.Errorf("%s: holds the result of run %s (its file is %s)", name, res.ID, want))
			}
			if prev, dup := from[res.ID]; dup {
				return nil, nil, findings(fmt.Errorf("%s and %s both hold a result of run %s; give each lane's directory once", prev, name, res.ID))
			}
			results[res.ID], from[res.ID] = res, name
		}
	}
	// No result at all is not an error here: collect names every lane
	// that left none (and a plan without runs needs none).
	return results, from, nil
}
