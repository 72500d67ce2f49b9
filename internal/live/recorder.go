package live

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/verify"
)

// Recorder writes one run's live record. Its methods are safe on a nil
// Recorder (they do nothing), so a producer that could not start one
// carries on without. The first write error stops all further writing and
// is kept for Err: the live view is a convenience, never part of a proof.
type Recorder struct {
	mu    sync.Mutex
	dir   string
	rec   Record
	start time.Time
	err   error
	steps map[int]*StepTap
}

// Start creates the live record of a run under root: its directory and
// run.json in state running. kind is KindRun or KindProve; task is the
// task id of a prove ("" for a plain run); command is the producer's argv.
// It also removes finished runs beyond the newest Keep.
func Start(root, kind, task string, command []string) (*Recorder, error) {
	now := time.Now()
	id := NewID(now, os.Getpid())
	dir := filepath.Join(Path(root), id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("live record: %w", err)
	}
	r := &Recorder{
		dir:   dir,
		start: now,
		steps: map[int]*StepTap{},
		rec: Record{
			Version: Version, ID: id, Kind: kind, Task: task,
			Command: append([]string{}, command...), PID: os.Getpid(),
			StartedAt: now.UTC().Format(time.RFC3339Nano), State: Running, Steps: []Step{},
		},
	}
	r.mu.Lock()
	r.save()
	err := r.err
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	prune(root, id)
	return r, nil
}

// ID is the run's id ("" for a nil Recorder).
func (r *Recorder) ID() string {
	if r == nil {
		return ""
	}
	return r.rec.ID
}

// Err is the first error that stopped the live record, nil when none.
func (r *Recorder) Err() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// save writes run.json; the caller holds mu.
func (r *Recorder) save() {
	if r.err != nil {
		return
	}
	data, err := json.MarshalIndent(r.rec, "", "  ")
	if err == nil {
		err = atomicfile.Write(filepath.Join(r.dir, RecordFile), append(data, '\n'), 0o644)
	}
	if err != nil {
		r.err = fmt.Errorf("live record: %w", err)
	}
}

// Step announces step n (1-based) with its command and, for a marker
// step, the verification spec, and returns the tap the harness feeds. A
// nil spec is a test command.
func (r *Recorder) Step(n int, command string, argv []string, spec *verify.Spec) harness.Tap {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return nil
	}
	st := Step{N: n, Command: command, Argv: append([]string{}, argv...), State: Running}
	if spec != nil {
		st.Phases = append([]string{}, spec.Phases...)
		for _, m := range spec.Markers {
			if m.Required {
				st.Required = append(st.Required, Required{Marker: m.ID, Phase: m.Phase, Min: m.Min})
			}
			st.Markers = append(st.Markers, Declared{Marker: m.ID, Kind: string(m.Kind), Phase: m.Phase})
		}
		for _, m := range spec.Forbidden {
			st.Markers = append(st.Markers, Declared{Marker: m.ID, Kind: string(m.Kind), Phase: m.Phase})
		}
	}
	t := &StepTap{r: r}
	var err error
	if t.console, err = os.OpenFile(filepath.Join(r.dir, ConsoleFile(n)), os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_TRUNC, 0o644); err == nil {
		t.marks, err = os.OpenFile(filepath.Join(r.dir, MarkersFile(n)), os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_TRUNC, 0o644)
	}
	if err != nil {
		t.close()
		r.err = fmt.Errorf("live record: %w", err)
		return nil
	}
	r.steps[n] = t
	r.rec.Steps = append(r.rec.Steps, st)
	r.save()
	return t
}

// EndStep records step n's verdict, its reason in one line and, for a
// marker step that failed, the verifier's failure (nil otherwise).
func (r *Recorder) EndStep(n int, verdict, reason string, failure *Failure) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if t := r.steps[n]; t != nil {
		t.close()
		delete(r.steps, n)
	}
	for i := range r.rec.Steps {
		if r.rec.Steps[i].N == n {
			r.rec.Steps[i].State, r.rec.Steps[i].Verdict, r.rec.Steps[i].Reason = Finished, verdict, reason
			r.rec.Steps[i].Failure = failure
		}
	}
	r.save()
}

// Finish records the run's verdict, the reason in one line, and the ledger
// ids it was recorded under (none, or 0, when it was not: a prove of many
// tasks records one per task), and marks it finished. It returns Err.
func (r *Recorder) Finish(verdict, reason string, ledgerIDs ...int64) error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for n, t := range r.steps {
		t.close()
		delete(r.steps, n)
	}
	for i := range r.rec.Steps {
		if r.rec.Steps[i].State == Running {
			r.rec.Steps[i].State = Finished
		}
	}
	r.rec.State, r.rec.Verdict, r.rec.Reason = Finished, verdict, reason
	for _, id := range ledgerIDs {
		if id > 0 {
			r.rec.LedgerIDs = append(r.rec.LedgerIDs, id)
		}
	}
	if len(r.rec.LedgerIDs) > 0 {
		r.rec.LedgerID = r.rec.LedgerIDs[0]
	}
	if len(r.rec.LedgerIDs) < 2 {
		r.rec.LedgerIDs = nil
	}
	r.rec.DurationMS = time.Since(r.start).Milliseconds()
	r.save()
	return r.err
}

// StepTap is one step's harness.Tap: it appends the console and the
// marker occurrences to the step's files.
type StepTap struct {
	r         *Recorder
	console   *os.File
	marks     *os.File
	written   int64
	truncated bool
}

var _ harness.Tap = (*StepTap)(nil)

// Console appends console bytes, up to MaxConsole.
func (t *StepTap) Console(p []byte) {
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	if t.r.err != nil || t.console == nil || t.truncated {
		return
	}
	if room := MaxConsole - t.written; int64(len(p)) > room {
		p = p[:max(room, 0)]
		t.truncated = true
	}
	n, err := t.console.Write(p)
	t.written += int64(n)
	if err == nil && t.truncated {
		_, err = fmt.Fprintf(t.console, "\n[taskproof live: console cut at %d bytes; the run's --log keeps its tail]\n", MaxConsole)
	}
	if err != nil {
		t.r.err = fmt.Errorf("live record: %w", err)
	}
}

// Mark appends one marker occurrence.
func (t *StepTap) Mark(m harness.Mark) {
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	if t.r.err != nil || t.marks == nil {
		return
	}
	line, _ := json.Marshal(Mark{Marker: m.Marker, Kind: string(m.Kind), Phase: m.Phase, Line: m.Line, AtMS: m.At.Milliseconds()})
	if _, err := t.marks.Write(append(line, '\n')); err != nil {
		t.r.err = fmt.Errorf("live record: %w", err)
	}
}

func (t *StepTap) close() {
	for _, f := range []*os.File{t.console, t.marks} {
		if f != nil {
			f.Close()
		}
	}
	t.console, t.marks = nil, nil
}

// prune removes finished and abandoned runs beyond the newest Keep,
// leaving keep (the run just started) and every running run alone.
func prune(root, keep string) {
	recs, err := List(root)
	if err != nil {
		return
	}
	done := 0
	for _, r := range recs {
		if r.ID == keep || r.Effective() == Running {
			continue
		}
		if done++; done > Keep {
			os.RemoveAll(filepath.Join(Path(root), r.ID))
		}
	}
}
