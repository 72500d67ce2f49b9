package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Loopback reports whether addr is a loopback address: a dashboard there
// is reachable only from this machine.
func Loopback(addr net.Addr) bool {
	host, _, _ := net.SplitHostPort(addr.String())
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Serve serves the dashboard of the repository at root on ln until ctx
// ends, then shuts down, giving open requests two seconds. A loopback
// listener answers only to loopback Host names (LoopbackHosts); the end
// of ctx also ends the live streams.
func Serve(ctx context.Context, ln net.Listener, root string) error {
	opts := Options{}
	if Loopback(ln.Addr()) {
		opts.Hosts = LoopbackHosts
	}
	srv := &http.Server{
		Handler:           NewServer(root, opts),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
