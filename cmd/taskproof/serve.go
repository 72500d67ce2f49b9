package main

import (
	"context"
	"fmt"
	"net"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/web"
)

// serveOptions are the inputs of `taskproof serve`.
type serveOptions struct {
	Root string
	Addr string
}

// cmdServe serves the dashboard until SIGINT or SIGTERM (main's context).
func cmdServe(ctx context.Context, env *cli.Env, args []string) error {
	o := serveOptions{}
	fs := cli.NewFlagSet(env, "serve", "serve [--addr 127.0.0.1:7878] [--root DIR]")
	fs.RootFlag(&o.Root)
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:7878", "listen on `HOST:PORT` (port 0 picks a free one)")
	if err := fs.ParseNone(args, "serve takes no arguments"); err != nil {
		return err
	}
	if _, _, _, err := openTasks(env, o.Root); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return cli.Infra(fmt.Errorf("listen on %s: %w", o.Addr, err))
	}
	if !web.Loopback(ln.Addr()) {
		fmt.Fprintf(env.Stderr, "taskproof serve: warning: listening on %s, not loopback: anyone who can reach it can read every task, console and run\n", ln.Addr())
	}
	fmt.Fprintf(env.Stdout, "taskproof serve: http://%s/ (Ctrl-C stops)\n", ln.Addr())
	if err := web.Serve(ctx, ln, o.Root); err != nil {
		return cli.Infra(err)
	}
	return nil
}
