package main

import (
	"context"
	"runtime"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/prove"
)

const planSynopsis = "plan [TASK-ID... | --all | --changed [--base REV]] [--format text|json|github|gitlab] [--image IMAGE] [--root DIR]"

// planOptions are the inputs of `taskproof plan`.
type planOptions struct {
	proveOptions
	Image string
}

// cmdPlan prints the runs a prove of the selected tasks would run, as
// text, JSON, or a CI matrix (GitHub Actions, GitLab child pipeline).
func cmdPlan(ctx context.Context, env *cli.Env, args []string) error {
	o := planOptions{}
	fs := cli.NewFlagSet(env, "plan", planSynopsis)
	fs.RootFlag(&o.Root)
	fs.FormatFlag(&o.Format, "text", "json", "github", "gitlab")
	fs.StringVar(&o.Base, "base", "", "base `REV` of --changed")
	fs.BoolVar(&o.All, "all", false, "plan every task (the default without TASK-ID)")
	fs.BoolVar(&o.Changed, "changed", false, "plan the tasks the change against --base touches")
	fs.BoolVar(&o.Force, "force", false, "plan every run, even one that passed before with the same inputs")
	fs.StringVar(&o.Image, "image", "golang:1.26", "container `IMAGE` of the GitLab jobs")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if err := cli.CheckFormat(o.Format, "text", "json", "github", "gitlab"); err != nil {
		return err
	}
	if err := checkSelection(o.proveOptions, pos); err != nil {
		return err
	}
	o.All = o.All || (len(pos) == 0 && !o.Changed)
	o.Tasks, o.Jobs, o.Timeout = pos, runtime.NumCPU(), prove.DefaultTimeout
	plan, err := planMany(ctx, env, o.proveOptions)
	if err != nil {
		return err
	}
	v := plan.View()
	switch o.Format {
	case "github":
		return cli.Write(env.Stdout, v.GitHubMatrix())
	case "gitlab":
		return cli.Write(env.Stdout, v.GitLabPipeline(o.Image))
	}
	return cli.WriteOutput(env.Stdout, o.Format, v, v.Text)
}
