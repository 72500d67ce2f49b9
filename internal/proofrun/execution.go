package proofrun

import (
	"bytes"
	"context"
	"time"

	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/verify"
)

// EventKind says what happened.
type EventKind int

// Events of a run, in the order they can happen.
const (
	// Started: the command started; PID is its process group.
	Started EventKind = iota
	// MarkerSeen: the console showed a declared marker (Marker).
	MarkerSeen
	// Lines: the console has Lines complete lines so far.
	Lines
	// Decided: the verdict is known; the run stops (after a drain on a
	// pass).
	Decided
	// Finished: the run ended with Verdict.
	Finished
)

// Event is one thing that happened during a run. At is the time since the
// command started.
type Event struct {
	Kind    EventKind
	At      time.Duration
	PID     int
	Marker  verify.Observation
	Lines   int
	Verdict verify.Verdict
}

// execution is what every kind of run shares around harness.Run: the
// observer, the console kept in memory and the watch of its processes.
type execution struct {
	observe  func(Event)
	started  time.Time
	log      *harness.ConsoleLog
	lines    int
	decided  bool
	watch    *procWatch
	programs []string
}

func newExecution(observe func(Event), keepLog bool, logMax int64) (*execution, error) {
	x := &execution{observe: observe}
	if keepLog {
		var err error
		if x.log, err = harness.NewConsoleLog(logMax); err != nil {
			return nil, err
		}
	}
	return x, nil
}

func (x *execution) emit(e Event) {
	if x.observe != nil {
		if !x.started.IsZero() {
			e.At = time.Since(x.started)
		}
		x.observe(e)
	}
}

// execute runs cfg with the execution's hooks added.
func (x *execution) execute(ctx context.Context, cfg harness.Config) (*harness.Outcome, error) {
	cfg.Started = func(pid int) {
		x.watch = watchProcesses(pid)
		x.emit(Event{Kind: Started, PID: pid})
	}
	cfg.Console = consoleFunc(x.console)
	x.started = time.Now()
	out, err := harness.Run(ctx, cfg)
	if x.watch != nil {
		x.programs = x.watch.stop()
	}
	return out, err
}

// console sees every console byte: the log in memory and the line count.
func (x *execution) console(p []byte) {
	if x.log != nil {
		x.log.Write(p)
	}
	if n := bytes.Count(p, []byte{'\n'}); n > 0 {
		x.lines += n
		x.emit(Event{Kind: Lines, Lines: x.lines})
	}
}

// marker passes each observation on to the harness and to the observer.
func (x *execution) marker(on func(verify.Observation)) func(verify.Observation) {
	return func(o verify.Observation) {
		on(o)
		x.emit(Event{Kind: MarkerSeen, Marker: o})
	}
}

// checker reports the moment the verdict is known. It embeds the
// verifier itself, so the harness still sees its Failed and Progress.
func (x *execution) checker(v *verify.Verifier) harness.Checker {
	return &decidingChecker{Verifier: v, x: x}
}

type decidingChecker struct {
	*verify.Verifier
	x *execution
}

func (d *decidingChecker) Write(p []byte) (int, error) {
	n, err := d.Verifier.Write(p)
	if !d.x.decided && d.Verifier.Decided() {
		d.x.decided = true
		d.x.emit(Event{Kind: Decided})
	}
	return n, err
}

func (x *execution) finish(v verify.Verdict) {
	x.emit(Event{Kind: Finished, Verdict: v, Lines: x.lines})
}

func (x *execution) logBytes() []byte {
	if x.log == nil {
		return nil
	}
	return x.log.Bytes()
}

// consoleFunc adapts a function to io.Writer.
type consoleFunc func([]byte)

func (f consoleFunc) Write(p []byte) (int, error) {
	f(p)
	return len(p), nil
}
