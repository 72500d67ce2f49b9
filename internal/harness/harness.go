// Package harness runs a command and verifies its console while it runs:
// it starts the command contained (see Containment: on Linux a PID
// namespace, a cgroup or a supervisor that outlives a killed taskproof;
// elsewhere its own process group), with a pipe or a pty as its console,
// feeds every byte to a streaming verifier, stops every process of the run
// the moment the verdict is known (after a short drain, or at once on a
// failure), treats a timeout as a failure, keeps a head+tail log within a
// byte budget, records when each marker appeared and shows live progress
// on a terminal.
//
// With the CLI it is the only code that touches processes, clocks and
// terminals; verification itself lives in the pure verify package.
package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/verify"
)

// Defaults for Config fields left zero.
const (
	DefaultTimeout  = 90 * time.Second
	DefaultDrain    = 200 * time.Millisecond
	DefaultGrace    = 2 * time.Second
	DefaultMaxMarks = 10000
)

const (
	// killWait bounds how long SIGKILL is given to empty the group.
	killWait = 5 * time.Second
	// readCutoff bounds how long the stream is read once the group is
	// gone: a process that left the group may still hold the pipe open.
	// Without one, EOF follows the buffered bytes at once; the cutoff is
	// generous so a slow reader never loses them.
	readCutoff = time.Second
	chunkSize  = 64 << 10
	chunkCount = 4
)

// Checker is the streaming verifier the harness feeds; *verify.Verifier
// satisfies it.
type Checker interface {
	Write(p []byte) (int, error)
	Decided() bool
	Finish(end verify.End) verify.Result
}

// NewChecker builds the checker for one run. The checker must call onObs
// for every marker occurrence, synchronously from Write, so the harness
// can stamp it with the time it arrived.
type NewChecker func(onObs func(verify.Observation)) (Checker, error)

// Config is one run.
type Config struct {
	Argv []string // command and arguments; Argv[0] is looked up in PATH
	Env  []string // full environment; nil means os.Environ()
	Dir  string   // working directory; "" means the current one
	PTY  bool     // give the command a terminal instead of a pipe

	Timeout time.Duration // deadline for the verdict; negative means none, 0 DefaultTimeout
	Drain   time.Duration // extra reading after a passing verdict; negative means none, 0 DefaultDrain
	Grace   time.Duration // SIGTERM to SIGKILL; 0 means DefaultGrace

	// OKExitCodes are the exit codes meaning the command ran to completion
	// (nil: only 0); QEMU's isa-debug-exit only produces odd codes.
	OKExitCodes []int

	// Spec is what NewChecker verifies; the harness reads its required
	// and forbidden markers for progress and for deciding to fail fast.
	Spec       *verify.Spec
	NewChecker NewChecker

	Log      string // write the console here (head+tail within LogMax); "" for none
	LogMax   int64  // byte budget of Log; 0 means DefaultLogMax
	MaxMarks int    // marker times kept; 0 means DefaultMaxMarks

	// Progress receives a live status line (carriage-return updated) when
	// non-nil; the caller decides whether it is a terminal.
	Progress io.Writer

	// Console, when non-nil, receives every console byte as it is read,
	// in order (also the bytes after the verdict that only the log sees).
	Console io.Writer
	// Started, when non-nil, is called with the command's pid once it has
	// started (also its process group id).
	Started func(pid int)
	// Containment caps the mechanism holding the run's processes; ""
	// means $TASKPROOF_CONTAINMENT, else the strongest available.
	Containment Containment
	// Warn receives the one-line warning of a run that could only be
	// contained by its process group; nil means os.Stderr, once per
	// process.
	Warn io.Writer

	// Tap, when non-nil, sees every console byte and every timed marker
	// occurrence as they arrive (the dashboard's live view).
	Tap Tap
}

// Tap observes a run while it happens, for watchers outside the process.
// It is called from the run's event loop, console bytes before the marker
// occurrences they complete; it must not block and cannot change the run.
type Tap interface {
	Console(p []byte)
	Mark(m Mark)
}

var warnOnce sync.Once

// Mark is one marker occurrence with the time it arrived, counted from the
// start of the command.
type Mark struct {
	verify.Observation
	At time.Duration
}

// Outcome is what happened in one run.
type Outcome struct {
	Result verify.Result
	// PID is the process taskproof started: the command, also its process
	// group id, with pgroup; its supervisor otherwise. 0 if none started.
	PID int
	// Containment is the mechanism that held the run's processes, and
	// ContainmentNote why no stronger one was used, when there is a reason.
	Containment     Containment
	ContainmentNote string

	Marks        []Mark // marker occurrences with times, in stream order
	MarksDropped int    // occurrences beyond MaxMarks, not timed
	// StoppedEarly is true when the harness stopped the command because
	// the verdict was known, before it exited on its own.
	StoppedEarly bool
	TimedOut     bool
	Interrupted  bool   // the context was cancelled (Ctrl-C)
	Exited       bool   // the command exited on its own (or a signal not ours ended it)
	ExitCode     int    // its exit code, -1 when a signal ended it
	Signal       string // the signal that ended it ("SIGSEGV"), if any
	Killed       bool   // SIGTERM was not enough: SIGKILL was sent
	// Leftover is true when a process of the group was still alive after
	// SIGKILL (stuck in the kernel); it is reported, never ignored.
	Leftover  bool
	Duration  time.Duration // start to finish, stopping included
	Bytes     int64         // console bytes read
	LogPath   string        // the committed log, "" when none
	LogMarks  string        // the committed sidecar, "" when none
	Truncated int64         // log bytes replaced by the truncation line
}

// Run starts cfg.Argv and verifies its console until the verdict is known,
// the command ends, the timeout passes or ctx is cancelled. A command that
// cannot start is an INFRA verdict, not an error; the error is for the
// harness's own failures (no checker, unwritable log).
func Run(ctx context.Context, cfg Config) (*Outcome, error) {
	if cfg.NewChecker == nil {
		return nil, errors.New("harness: no checker")
	}
	cfg = withDefaults(cfg)
	ceiling, err := containmentCeiling(cfg.Containment)
	if err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, track: newTracker(cfg.Spec, cfg.MaxMarks)}
	chk, err := cfg.NewChecker(r.observe)
	if err != nil {
		return nil, err
	}
	var logf *LogFile
	if cfg.Log != "" {
		if logf, err = CreateLog(cfg.Log, cfg.LogMax); err != nil {
			return nil, err
		}
	}
	r.start = time.Now()
	c, warn, err := startChild(cfg, ceiling)
	if warn != "" {
		if cfg.Warn != nil {
			fmt.Fprint(cfg.Warn, warn)
		} else {
			// Once per taskproof: every run of a prove would say the same.
			warnOnce.Do(func() { fmt.Fprint(os.Stderr, warn) })
		}
	}
	if err != nil {
		if logf != nil {
			logf.Abort()
		}
		res := chk.Finish(verify.End{StartErr: err})
		return &Outcome{Result: res, Duration: time.Since(r.start)}, nil
	}
	if cfg.Started != nil {
		cfg.Started(c.cmdPID)
	}
	out := r.loop(ctx, c, chk, logf)
	if logf != nil {
		if err := logf.Commit(); err != nil {
			return out, err
		}
		out.LogPath, out.Truncated = cfg.Log, logf.Truncated()
		side := cfg.Log + ".markers.jsonl"
		if err := atomicfile.Write(side, MarksJSONL(out.Marks), 0o644); err != nil {
			return out, err
		}
		out.LogMarks = side
	}
	return out, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Env == nil {
		cfg.Env = os.Environ()
	}
	switch {
	case cfg.Timeout == 0:
		cfg.Timeout = DefaultTimeout
	case cfg.Timeout < 0:
		cfg.Timeout = 0
	}
	switch {
	case cfg.Drain == 0:
		cfg.Drain = DefaultDrain
	case cfg.Drain < 0:
		cfg.Drain = 0
	}
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	if cfg.MaxMarks <= 0 {
		cfg.MaxMarks = DefaultMaxMarks
	}
	return cfg
}

type runner struct {
	cfg   Config
	start time.Time
	track *tracker
}

func (r *runner) observe(o verify.Observation) {
	at := time.Since(r.start)
	if r.track.observe(o, at) && r.cfg.Tap != nil {
		r.cfg.Tap.Mark(Mark{Observation: o, At: at})
	}
}

type stopReason int

const (
	running stopReason = iota
	stopDecided
	stopTimeout
	stopInterrupted
)

type stopResult struct{ gone, killed bool }

// loop is the run's event loop. It owns the checker, the log and the
// progress line; the reader, waiter and stopper goroutines only send.
func (r *runner) loop(ctx context.Context, c *child, chk Checker, logf *LogFile) *Outcome {
	out := &Outcome{PID: c.pid, Containment: c.how, ContainmentNote: c.note}
	rd := startReader(c.out)
	defer c.out.Close()
	if c.release != nil {
		defer c.release()
	}

	var timeoutC <-chan time.Time
	if r.cfg.Timeout > 0 {
		t := time.NewTimer(r.cfg.Timeout)
		defer t.Stop()
		timeoutC = t.C
	}
	var tickC <-chan time.Time
	if r.cfg.Progress != nil {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		tickC = t.C
		defer fmt.Fprint(r.cfg.Progress, "\r\x1b[K")
	}

	var (
		reason     = running
		chunks     = rd.chunks
		ctxDone    = ctx.Done()
		drainC     <-chan time.Time
		cutoffC    <-chan time.Time
		stopC      chan stopResult
		stopped    bool // stopper finished
		gone       bool // and found every process of the run gone
		reaped     bool // the started process was reaped
		exitedC    = c.exited
		reapedC    = c.reaped
		eof        bool
		feeding    = true
		lastRender time.Time
	)
	startStop := func() {
		if stopC != nil || stopped {
			return
		}
		stopC = make(chan stopResult, 1)
		go func() {
			g, k := c.stop(r.cfg.Grace, killWait)
			stopC <- stopResult{g, k}
		}()
	}
	stopFor := func(why stopReason) {
		if reason != running || out.Exited {
			return
		}
		reason, feeding, drainC = why, false, nil
		startStop()
	}
	onExit := func(st exitInfo) {
		if reason == running {
			out.Exited = true
			out.ExitCode, out.Signal = st.code, st.signal
			drainC = nil
		}
		// Whatever the command left behind goes too.
		startStop()
	}
	render := func(force bool) {
		if r.cfg.Progress == nil || (!force && time.Since(lastRender) < 100*time.Millisecond) {
			return
		}
		lastRender = time.Now()
		fmt.Fprint(r.cfg.Progress, "\r\x1b[K"+r.track.progressLine(chk, time.Since(r.start)))
	}

	for !(eof && stopped && (reaped || !gone)) {
		select {
		case b, ok := <-chunks:
			if !ok {
				eof, chunks = true, nil
				continue
			}
			out.Bytes += int64(len(b))
			if logf != nil {
				logf.Write(b)
			}
			if r.cfg.Console != nil {
				r.cfg.Console.Write(b)
			}
			if r.cfg.Tap != nil {
				r.cfg.Tap.Console(b)
			}
			if feeding {
				chk.Write(b)
			}
			rd.free <- b[:cap(b)]
			if feeding && reason == running && chk.Decided() {
				switch {
				case r.track.failing(chk):
					stopFor(stopDecided)
				case drainC == nil && !out.Exited:
					if r.cfg.Drain == 0 {
						stopFor(stopDecided)
					} else {
						drainC = time.After(r.cfg.Drain)
					}
				}
			}
			render(false)
		case st := <-exitedC:
			exitedC = nil
			onExit(st)
		case <-reapedC:
			reapedC, reaped = nil, true
			// The command's end is sent before the reaping is announced:
			// take it now, whichever case select happened to pick first.
			if exitedC != nil {
				select {
				case st := <-exitedC:
					exitedC = nil
					onExit(st)
				default:
				}
			}
			startStop()
		case <-drainC:
			drainC = nil
			stopFor(stopDecided)
		case <-timeoutC:
			timeoutC = nil
			stopFor(stopTimeout)
		case <-ctxDone:
			ctxDone = nil
			stopFor(stopInterrupted)
		case s := <-stopC:
			stopC, stopped, gone = nil, true, s.gone
			out.Killed = s.killed
			out.Leftover = !s.gone
			// Every writer in the group is gone: what is still buffered
			// arrives at once; anything else holding the stream open is
			// outside the group and must not hang us.
			if !eof {
				if err := c.out.SetReadDeadline(time.Now().Add(readCutoff)); err != nil {
					c.out.Close()
				}
				cutoffC = time.After(2 * readCutoff)
			}
		case <-cutoffC:
			// The reader is stuck in a read that no deadline reaches;
			// abandon it (it exits once the file is closed).
			cutoffC = nil
			close(rd.quit)
			c.out.Close()
			eof, chunks = true, nil
		case <-tickC:
			render(true)
		}
	}

	end := verify.End{}
	switch {
	case reason == stopTimeout:
		end.TimedOut = true
		out.TimedOut = true
	case reason == stopDecided:
		out.StoppedEarly = true
	case reason == stopInterrupted:
		out.Interrupted = true
	case out.Exited:
		end.Exited, end.ExitCode, end.Signal = true, out.ExitCode, out.Signal
		end.OKExitCodes = r.cfg.OKExitCodes
	}
	out.Result = chk.Finish(end)
	out.Duration = time.Since(r.start)
	out.Marks, out.MarksDropped = r.track.marks, r.track.dropped
	return out
}

// reader reads a stream into a small set of reused buffers and hands them
// to the event loop, which returns each on free once consumed.
type reader struct {
	chunks chan []byte // closed at end of stream
	free   chan []byte
	quit   chan struct{}
}

func startReader(f *os.File) *reader {
	rd := &reader{
		chunks: make(chan []byte),
		free:   make(chan []byte, chunkCount),
		quit:   make(chan struct{}),
	}
	for range chunkCount {
		rd.free <- make([]byte, chunkSize)
	}
	go func() {
		defer close(rd.chunks)
		for {
			var buf []byte
			select {
			case buf = <-rd.free:
			case <-rd.quit:
				return
			}
			n, err := f.Read(buf)
			if n > 0 {
				select {
				case rd.chunks <- buf[:n]:
				case <-rd.quit:
					return
				}
			}
			// EOF on a pipe, EIO on a pty master whose terminal closed,
			// a deadline: all end the stream.
			if err != nil {
				return
			}
		}
	}()
	return rd
}

// markJSON is one line of the sidecar.
type markJSON struct {
	Marker string `json:"marker"`
	Kind   string `json:"kind"`
	Phase  string `json:"phase"`
	Line   int    `json:"line"`
	AtMS   int64  `json:"at_ms"`
}

// MarksJSONL renders marks as the sidecar: one JSON object per occurrence.
func MarksJSONL(marks []Mark) []byte {
	var b []byte
	for _, m := range marks {
		line, _ := json.Marshal(markJSON{
			Marker: m.Marker,
			Kind:   string(m.Kind),
			Phase:  m.Phase,
			Line:   m.Line,
			AtMS:   m.At.Milliseconds(),
		})
		b = append(b, line...)
		b = append(b, '\n')
	}
	return b
}
