package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/web"
)

// siteOptions are the inputs of `taskproof site`.
type siteOptions struct {
	Root string
	Out  string
}

// cmdSite writes the dashboard of the repository at --root into --out.
func cmdSite(ctx context.Context, env *cli.Env, args []string) error {
	o := siteOptions{}
	fs := cli.NewFlagSet(env, "site", "site --out DIR [--root DIR]")
	fs.RootFlag(&o.Root)
	fs.StringVar(&o.Out, "out", "", "write the site into `DIR`")
	if err := fs.ParseNone(args, "site takes no arguments (use --out DIR)"); err != nil {
		return err
	}
	if o.Out == "" {
		return cli.Usagef("missing --out DIR: where to write the site")
	}
	if _, _, _, err := openTasks(env, o.Root); err != nil {
		return err
	}
	st, err := web.Export(o.Root, o.Out)
	switch {
	case errors.Is(err, web.ErrNotSite):
		return cli.Usagef("%v", err)
	case err != nil:
		return cli.Infra(err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d pages (%d tasks, %d runs), %d assets\n", o.Out, st.Pages, st.Tasks, st.Runs, st.Assets)
	return nil
}
