package main

import (
	"cmp"
	"context"
	"errors"
	"os"
	"regexp"
	"strings"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/proofstate"
)

// bundleArg is the bundle an evidence command reads: arg itself when it
// is a file other than a task document (.md), else the bundle prove
// writes for the task arg names (an id or a task file),
// .taskproof/evidence/ID.tar.
func bundleArg(env *cli.Env, root, arg string) (string, error) {
	if st, err := os.Stat(arg); err == nil && !st.IsDir() && !strings.HasSuffix(arg, ".md") {
		return arg, nil
	}
	r, d, err := openTask(env, root, arg)
	if err != nil {
		if strings.ContainsAny(arg, `/\`) || strings.HasSuffix(arg, ".tar") {
			return arg, nil // a bundle path: opening it says what is wrong
		}
		return "", cli.Usagef("%s is neither a bundle file nor a task of %s: %v", arg, cmp.Or(root, "."), cli.FirstLine(err.Error()))
	}
	p := proofstate.BundlePath(r.Root, d.ID)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return "", cli.Usagef("%s has no evidence yet (%s does not exist); run 'taskproof prove %s'", d.ID, p, d.ID)
	}
	return p, nil
}

var hexRev = regexp.MustCompile(`^[0-9a-fA-F]{4,64}$`)

// commitArg resolves --commit: any revision git resolves in the
// repository at root (HEAD, a branch, a tag, HEAD~2) becomes the full
// commit id. A hash or its abbreviation is taken as given (the verifier
// matches it), so verifying by hash needs no git.
func commitArg(ctx context.Context, env *cli.Env, root, rev string) (string, error) {
	if rev == "" || hexRev.MatchString(rev) {
		return rev, nil
	}
	g, err := openRepo(env, root).Git(ctx)
	if err != nil {
		return "", cli.Usagef("--commit %s is not a commit hash, and resolving a revision needs git: %v", rev, cli.FirstLine(err.Error()))
	}
	c, err := g.ResolveCommit(ctx, rev)
	if err != nil {
		return "", cli.Usagef("--commit %s: %v", rev, err)
	}
	return c, nil
}
