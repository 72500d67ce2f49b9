// Package live is the file protocol through which a running `run` or
// `prove` tells other processes (the dashboard) what it sees while it runs.
// The producer appends; readers poll. Nothing here decides anything about a
// proof: a failure to write a live record never changes a verdict, and the
// evidence and the ledger stay the record of truth.
//
// # Layout
//
// Every run gets a directory under ROOT/.taskproof/live/ named by its id,
// "20260817T120301-123456-4567" (UTC start time to the microsecond, then
// the producer's pid), so names sort by start time:
//
//	run.json            the run's state (Record); replaced atomically
//	                    (temp file + rename) at the start, when a step
//	                    starts or ends, and at the end
//	N.console           the raw console bytes of step N (1-based), appended
//	                    as they arrive, at most MaxConsole bytes (then one
//	                    truncation line, then nothing)
//	N.markers.jsonl     the marker occurrences of step N, one JSON object
//	                    a line ({"marker","kind","phase","line","at_ms"},
//	                    the shape of the harness's .markers.jsonl sidecar),
//	                    appended the moment the verifier sees them
//
// A reader treats run.json as the index: a step's files exist only once
// the step is listed. Appended files may end in a partial line; readers
// use only complete lines. State "running" with a producer pid that is
// gone means the producer died (Abandoned).
//
// # Retention
//
// Start keeps the newest Keep finished or abandoned runs and removes
// older ones; a running run is never removed.
package live

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Version is the layout version written into run.json.
const Version = 1

// Dir is the live directory relative to the repository root.
const Dir = ".taskproof/live"

// MaxConsole bounds each step's console file; the harness log keeps the
// tail of longer consoles.
const MaxConsole = 8 << 20

// Keep is how many finished runs Start leaves in place.
const Keep = 50

// RecordFile is the state document of a run.
const RecordFile = "run.json"

// States of a run and of a step.
const (
	Running   = "running"
	Finished  = "finished"
	Abandoned = "abandoned" // reader-side only: running, but the producer is gone
)

// Kinds of run, as in the ledger.
const (
	KindRun   = "run"
	KindProve = "prove"
)

// Record is run.json.
type Record struct {
	Version   int      `json:"version"`
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Task      string   `json:"task,omitempty"`
	Command   []string `json:"command"`
	PID       int      `json:"pid"`
	StartedAt string   `json:"started_at"` // RFC 3339 with nanoseconds, UTC
	State     string   `json:"state"`
	// Verdict is the run's verdict once finished: a verify verdict (PASS,
	// MISSING, ...) for run, proven or failed for prove.
	Verdict    string `json:"verdict,omitempty"`
	Reason     string `json:"reason,omitempty"`
	DurationMS int64  `json:"duration_ms,omitempty"`
	// LedgerID is the run's id in the ledger once recorded, 0 before.
	LedgerID int64 `json:"ledger_id,omitempty"`
	// LedgerIDs are all the ledger runs a prove of many tasks recorded
	// (LedgerID is the first); empty for one.
	LedgerIDs []int64 `json:"ledger_ids,omitempty"`
	Steps     []Step  `json:"steps"`
}

// Step is one command of the run.
type Step struct {
	N       int      `json:"n"`
	Command string   `json:"command"`
	Argv    []string `json:"argv,omitempty"`
	State   string   `json:"state"`
	Verdict string   `json:"verdict,omitempty"`
	Reason  string   `json:"reason,omitempty"`
	// Phases and Required describe what the verifier checks (marker
	// steps); empty for a test command.
	Phases   []string   `json:"phases,omitempty"`
	Required []Required `json:"required,omitempty"`
	// Markers lists every marker the contract declares for the step, with
	// its kind, so a reader can tell a near miss of any of them.
	Markers []Declared `json:"markers,omitempty"`
	// Failure is why a finished marker step did not pass, nil otherwise.
	Failure *Failure `json:"failure,omitempty"`
}

// Failure is the verifier's first failure in a step.
type Failure struct {
	Kind    string `json:"kind"`
	Marker  string `json:"marker,omitempty"`
	Phase   string `json:"phase,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// Required is a marker a step must see.
type Required struct {
	Marker string `json:"marker"`
	Phase  string `json:"phase,omitempty"`
	Min    int    `json:"min,omitempty"`
}

// Declared is a marker the step's contract knows.
type Declared struct {
	Marker string `json:"marker"`
	Kind   string `json:"kind"`
	Phase  string `json:"phase,omitempty"`
}

// Mark is one line of N.markers.jsonl.
type Mark struct {
	Marker string `json:"marker"`
	Kind   string `json:"kind"`
	Phase  string `json:"phase"`
	Line   int    `json:"line"`
	AtMS   int64  `json:"at_ms"`
}

// ConsoleFile and MarkersFile name step n's files.
func ConsoleFile(n int) string { return strconv.Itoa(n) + ".console" }

// MarkersFile names step n's marker file.
func MarkersFile(n int) string { return strconv.Itoa(n) + ".markers.jsonl" }

var idRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{8}T[0-9]{6}-[0-9]{6}-[0-9]+$`) })

// ValidID reports whether s is a run id as Start makes them, so that a
// reader never joins an arbitrary string onto a path.
func ValidID(s string) bool { return idRE().MatchString(s) }

// NewID is the id of a run started at t by process pid.
func NewID(t time.Time, pid int) string {
	t = t.UTC()
	return fmt.Sprintf("%s-%06d-%d", t.Format("20060102T150405"), t.Nanosecond()/1000, pid)
}

// Path is the live directory of root.
func Path(root string) string { return filepath.Join(root, filepath.FromSlash(Dir)) }

// Alive reports whether process pid exists (signal 0). A reader uses it to
// tell a running producer from a dead one.
func Alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Effective is the state a reader should show: Abandoned for a running
// record whose producer is gone.
func (r *Record) Effective() string {
	if r.State == Running && !Alive(r.PID) {
		return Abandoned
	}
	return r.State
}

// Read reads the run.json of run id under root.
func Read(root, id string) (*Record, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("live run %q: not a run id", id)
	}
	return readRecord(filepath.Join(Path(root), id, RecordFile))
}

func readRecord(path string) (*Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Version != Version {
		return nil, fmt.Errorf("%s: layout version %d, this taskproof reads %d", path, r.Version, Version)
	}
	return &r, nil
}

// List returns the records of every run under root, newest first. A
// directory whose run.json is missing or unreadable (being created, or
// foreign) is left out. No live directory is no runs.
func List(root string) ([]*Record, error) {
	ents, err := os.ReadDir(Path(root))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", Dir, err)
	}
	var out []*Record
	for _, e := range ents {
		if !e.IsDir() || !ValidID(e.Name()) {
			continue
		}
		r, err := readRecord(filepath.Join(Path(root), e.Name(), RecordFile))
		if err != nil || r.ID != e.Name() {
			continue
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}

// ReadMarks reads the complete lines of step n's marker file, skipping
// the first skip of them. A missing file is no marks.
func ReadMarks(root, id string, n, skip int) ([]Mark, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("live run %q: not a run id", id)
	}
	data, err := os.ReadFile(filepath.Join(Path(root), id, MarkersFile(n)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Mark
	i := 0
	for len(data) > 0 {
		nl := indexByte(data, '\n')
		if nl < 0 {
			break // a line still being written
		}
		line := data[:nl]
		data = data[nl+1:]
		if i++; i <= skip {
			continue
		}
		var m Mark
		if err := json.Unmarshal(line, &m); err != nil {
			return out, fmt.Errorf("%s line %d: %w", MarkersFile(n), i, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// ConsolePath is the file of step n's console.
func ConsolePath(root, id string, n int) (string, error) {
	if !ValidID(id) {
		return "", fmt.Errorf("live run %q: not a run id", id)
	}
	return filepath.Join(Path(root), id, ConsoleFile(n)), nil
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}
