package ledger

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// markers50 is a run's worth of required markers.
func markers50(i int) []MarkerOutcome {
	ms := make([]MarkerOutcome, 50)
	for k := range ms {
		ms[k] = MarkerOutcome{Marker: fmt.Sprintf("minios: step %02d ok", k), Seen: (i+k)%7 != 0, Line: 10 + k, AtMS: at(int64(k * 3))}
	}
	return ms
}

func writerRun(writer, i int) Run {
	return Run{Kind: KindRun, Commit: abc, Profile: "default", Command: []string{"qemu", strconv.Itoa(writer)},
		Verdict: "PASS", StartedAt: t0.Add(time.Duration(i) * time.Millisecond), DurationMS: 800,
		Markers: markers50(i), Tests: []TestOutcome{{Suite: "pkg", Name: "TestBoot", Outcome: Passed}}}
}

// writeAll records n runs from each of the ledgers concurrently, one
// goroutine per ledger, and fails on any error.
func writeAll(t *testing.T, ls []*Ledger, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(ls)*n)
	for w, l := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				if _, err := l.Record(ctx, writerRun(w, i)); err != nil {
					errs <- fmt.Errorf("writer %d run %d: %w", w, i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func countRuns(t *testing.T, path string) (runs, markers int) {
	t.Helper()
	l, err := OpenExisting(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.db.QueryRow("SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM run_markers)").Scan(&runs, &markers); err != nil {
		t.Fatal(err)
	}
	return runs, markers
}

func TestConcurrentGoroutinesOneHandle(t *testing.T) {
	l, path := openTemp(t)
	writeAll(t, []*Ledger{l, l, l, l}, 15)
	if runs, markers := countRuns(t, path); runs != 60 || markers != 60*50 {
		t.Errorf("%d runs, %d markers; want 60 and 3000", runs, markers)
	}
}

func TestConcurrentHandlesSameFile(t *testing.T) {
	// Both handles open a fresh file at the same time: the migration must
	// happen once, and neither open may fail.
	path := filepath.Join(t.TempDir(), ".taskproof", "ledger.db")
	ls := make([]*Ledger, 2)
	var wg sync.WaitGroup
	for i := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := Open(path)
			if err != nil {
				t.Errorf("Open %d: %v", i, err)
				return
			}
			ls[i] = l
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	defer ls[0].Close()
	defer ls[1].Close()
	writeAll(t, []*Ledger{ls[0], ls[1], ls[0], ls[1]}, 15)
	if runs, markers := countRuns(t, path); runs != 60 || markers != 60*50 {
		t.Errorf("%d runs, %d markers; want 60 and 3000", runs, markers)
	}
}

// TestConcurrentProcesses records from two child processes (this test
// binary re-executed) and this one at the same time: separate processes
// take SQLite's file locks for real.
func TestConcurrentProcesses(t *testing.T) {
	if os.Getenv("LEDGER_TEST_WRITER") != "" {
		t.Skip("running as a writer child")
	}
	path := filepath.Join(t.TempDir(), ".taskproof", "ledger.db")
	const perWriter = 25
	var cmds []*exec.Cmd
	for w := 1; w <= 2; w++ {
		c := exec.Command(os.Args[0], "-test.run=^TestWriterProcess$", "-test.count=1")
		c.Env = append(os.Environ(), "LEDGER_TEST_WRITER="+strconv.Itoa(w), "LEDGER_TEST_PATH="+path, "LEDGER_TEST_N="+strconv.Itoa(perWriter))
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
	}
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, []*Ledger{l}, perWriter)
	l.Close()
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("writer process %d: %v", i+1, err)
		}
	}
	if runs, markers := countRuns(t, path); runs != 3*perWriter || markers != 3*perWriter*50 {
		t.Errorf("%d runs, %d markers; want %d and %d", runs, markers, 3*perWriter, 3*perWriter*50)
	}
}

// TestWriterProcess is the child of TestConcurrentProcesses.
func TestWriterProcess(t *testing.T) {
	w, _ := strconv.Atoi(os.Getenv("LEDGER_TEST_WRITER"))
	if w == 0 {
		t.Skip("only run as a child of TestConcurrentProcesses")
	}
	n, _ := strconv.Atoi(os.Getenv("LEDGER_TEST_N"))
	l, err := Open(os.Getenv("LEDGER_TEST_PATH"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < n; i++ {
		if _, err := l.Record(ctx, writerRun(w, i)); err != nil {
			t.Fatalf("writer %d run %d: %v", w, i, err)
		}
	}
}

// BenchmarkRecord measures recording a run with 50 markers on a real
// file (WAL, synchronous=NORMAL).
func BenchmarkRecord(b *testing.B) {
	path := filepath.Join(b.TempDir(), "ledger.db")
	l, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := l.Record(ctx, writerRun(0, i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "runs/s")
}
