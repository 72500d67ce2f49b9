package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/cli"
)

// cmdMan prints taskproof's manual page in roff (man -l - reads it),
// made from the command table, each command's help text and its flags.
func cmdMan(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.NewFlagSet(env, "man", "man")
	if err := fs.ParseNone(args, "man takes no arguments"); err != nil {
		return err
	}
	return cli.Write(env.Stdout, cli.ManPage(cli.CommandTree(ctx, env.Program), version, helpText("taskproof")))
}
