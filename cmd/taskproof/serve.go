package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/web"
)

// serveOptions are the inputs of `taskproof serve`.
type serveOptions struct {
	Root string
	Addr string
}

func cmdServe(ctx context.Context, env *cli.Env, args []string) error {
	o := serveOptions{}
	fs := cli.NewFlagSet(env, "serve", "serve [--addr 127.0.0.1:7878] [--root DIR]")
	fs.RootFlag(&o.Root)
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:7878", "listen on `HOST:PORT` (port 0 picks a free one)")
	if err := fs.ParseNone(args, "serve takes no arguments"); err != nil {
		return err
	}
	return runServe(ctx, o, env)
}

// runServe serves until SIGINT or SIGTERM.
func runServe(ctx context.Context, o serveOptions, env *cli.Env) error {
	if _, _, _, err := openTasks(env, o.Root); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return cli.Infra(fmt.Errorf("listen on %s: %w", o.Addr, err))
	}
	opts := web.Options{}
	host, _, _ := net.SplitHostPort(ln.Addr().String())
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		opts.Hosts = web.LoopbackHosts
	} else {
		fmt.Fprintf(env.Stderr, "taskproof serve: warning: listening on %s, not loopback: anyone who can reach it can read every task, console and run\n", ln.Addr())
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{
		Handler:           web.NewServer(o.Root, opts),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx }, // ends live streams on a signal
	}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	fmt.Fprintf(env.Stdout, "taskproof serve: http://%s/ (Ctrl-C stops)\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return cli.Infra(err)
	}
	return nil
}
