package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/cli"
)

// cmdCompletion prints a completion script for bash, zsh or fish, made
// from the command table and the flags each command parses.
func cmdCompletion(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.NewFlagSet(env, "completion", "completion bash|zsh|fish")
	pos, err := fs.ParseExactly(args, 1, "completion takes the shell: bash, zsh or fish")
	if err != nil {
		return err
	}
	script, err := cli.Completion(pos[0], cli.CommandTree(ctx, env.Program))
	if err != nil {
		return err
	}
	return cli.Write(env.Stdout, []byte(script))
}
