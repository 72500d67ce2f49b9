package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkProveAll compares, in one run on one generated repository of
// $MANY_TASKS tasks (default 120; six distinct QEMU runs and a go test
// run), upstream's workflow of proving each task on its own (every task
// boots its own QEMU; --force, since upstream reuses nothing) with one
// `prove --all -j 2`, and times the no-op second `prove --all`. Each is
// the taskproof binary as a separate process. bench/prove-all.sh runs it.
func BenchmarkProveAll(b *testing.B) {
	n := 120
	if s := os.Getenv("MANY_TASKS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("MANY_TASKS=%q is not a task count", s)
		}
	}
	m := newManyTasks(b, n, sixQEMURuns)
	state := filepath.Join(m.root, ".taskproof")
	clean := func() {
		for _, d := range []string{"cache", "evidence", "runs", "ledger.db", "ledger.db-wal", "ledger.db-shm"} {
			os.RemoveAll(filepath.Join(state, d))
		}
	}
	timed := func(what string, args ...string) time.Duration {
		start := time.Now()
		if code, out, errs := m.taskproof(b, m.root, args...); code != 0 {
			b.Fatalf("%s: exit %d\n%s\n%s", what, code, out, errs)
		}
		return time.Since(start)
	}
	for b.Loop() {
		clean()
		b0 := m.bootCount(b)
		var one time.Duration
		for i := 1; i <= n; i++ {
			one += timed("prove one", "prove", fmt.Sprintf("TASK-%04d", i), "--force")
		}
		oneBoots := m.bootCount(b) - b0
		clean()
		b1 := m.bootCount(b)
		all := timed("prove --all", "prove", "--all", "-j", "2")
		allBoots := m.bootCount(b) - b1
		noop := timed("second prove --all", "prove", "--all", "-j", "2")
		if m.bootCount(b) != b1+allBoots {
			b.Fatal("the second prove --all booted QEMU")
		}
		b.ReportMetric(one.Seconds(), "one-by-one-s")
		b.ReportMetric(float64(oneBoots), "one-by-one-boots")
		b.ReportMetric(all.Seconds(), "all-s")
		b.ReportMetric(float64(allBoots), "all-boots")
		b.ReportMetric(one.Seconds()/all.Seconds(), "speedup")
		b.ReportMetric(noop.Seconds(), "noop-s")
	}
}
