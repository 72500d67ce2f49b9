package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/taskproof/taskproof/internal/web"
)

// siteOptions are the inputs of `taskproof site`.
type siteOptions struct {
	Root string
	Out  string
}

func cmdSite(ctx context.Context, env *cliEnv, args []string) error {
	o := siteOptions{}
	fs := newFlagSet(env, "site", "site --out DIR [--root DIR]")
	fs.rootFlag(&o.Root)
	fs.StringVar(&o.Out, "out", "", "write the site into `DIR`")
	if err := fs.parseNone(args, "site takes no arguments (use --out DIR)"); err != nil {
		return err
	}
	return runSite(o, env)
}

func runSite(o siteOptions, env *cliEnv) error {
	if o.Out == "" {
		return usagef("missing --out DIR: where to write the site")
	}
	if _, _, _, err := env.openTasks(o.Root); err != nil {
		return err
	}
	st, err := web.Export(o.Root, o.Out)
	switch {
	case errors.Is(err, web.ErrNotSite):
		return usagef("%v", err)
	case err != nil:
		return infra(err)
	}
	fmt.Fprintf(env.stdout, "wrote %s: %d pages (%d tasks, %d runs), %d assets\n", o.Out, st.Pages, st.Tasks, st.Runs, st.Assets)
	return nil
}
