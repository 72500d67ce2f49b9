package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// SignalContext is the one place a program handles signals: the first
// SIGINT, SIGTERM or SIGHUP cancels the context (a run stops its process
// group and says so; git stops), and from then on a signal has its default
// effect, so a second one ends the program at once.
func SignalContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case <-sigs:
			cancel()
			signal.Reset(os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		cancel()
	}
}
