// Package tasklock keeps one prover per task in a repository: a prove
// holds an exclusive flock on .taskproof/locks/TASK-ID.lock for each task
// it proves, so a second prove of the same task fails at once (or waits)
// instead of racing on the same bundle and ledger rows. The kernel drops
// a flock when its holder dies, whatever ended it (SIGKILL included), so
// a lock is never stale; the lock files themselves stay, empty.
//
// The holder writes its pid, start time and command into the file, which
// is what a refused prove names.
package tasklock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Dir is where the locks live, below a repository's root.
const Dir = ".taskproof/locks"

// ErrHeld is the class of a task whose lock another prover holds.
var ErrHeld = errors.New("task is being proven by another taskproof")

// Holder is the prover holding a lock, as it wrote itself down.
type Holder struct {
	PID     int
	Started time.Time
	Command string
}

// HeldError is a task whose lock another prover holds.
type HeldError struct {
	Task   string
	Path   string // the lock file
	Holder Holder // zero when the holder had not written itself down yet
	// Exited says the holder has ended but a process it started still
	// holds the lock (it inherited the descriptor).
	Exited bool
}

func (e *HeldError) Error() string {
	who := "another taskproof"
	if h := e.Holder; h.PID > 0 {
		who = fmt.Sprintf("another taskproof (pid %d, started %s: %s)", h.PID, h.Started.UTC().Format(time.RFC3339), h.Command)
	}
	if e.Exited {
		return fmt.Sprintf("%s is locked by %s, which has exited, but a process it started still holds lock %s; end that process, or pass --wait", e.Task, who, e.Path)
	}
	return fmt.Sprintf("%s is being proven by %s; lock %s; wait for it to end, or pass --wait", e.Task, who, e.Path)
}

// Is makes a HeldError an ErrHeld.
func (e *HeldError) Is(target error) bool { return target == ErrHeld }

// Lock is the locks of one prove; Release (or the process's end) lets go.
type Lock struct{ files []*os.File }

// pollEvery is how often a waiting prove tries again.
const pollEvery = 100 * time.Millisecond

// A process the holder started keeps the holder's lock from fork until
// its exec closes the descriptor, so for a moment after a killed prover's
// end its lock may still be held. A prove that does not wait gives such a
// lock, whose recorded holder has exited, heirGrace to come free.
const (
	heirGrace = 2 * time.Second
	heirPoll  = 20 * time.Millisecond
)

// Acquire locks every task of tasks under root for the prover argv. With
// wait it waits until ctx ends for locks held by others; without, it fails
// at once with a *HeldError. Either way it holds all or none.
func Acquire(ctx context.Context, root string, tasks []string, argv []string, wait bool) (*Lock, error) {
	ids := append([]string(nil), tasks...)
	sort.Strings(ids) // one order for every prover: no deadlock while waiting
	dir := filepath.Join(root, Dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	me := fmt.Sprintf("pid %d\nstarted %s\ncommand %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339), strings.Join(argv, " "))
	l := &Lock{}
	var grace time.Time // when a lock whose holder has exited is reported held
	for i, id := range ids {
		if i > 0 && id == ids[i-1] {
			continue
		}
		path := filepath.Join(dir, id+".lock")
		// Go opens files close-on-exec: no process of a run inherits
		// the lock, so only this prover's own end releases it.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			l.Release()
			return nil, fmt.Errorf("lock %s: %w", id, err)
		}
		for {
			ok, err := tryLock(f)
			if err != nil {
				f.Close()
				l.Release()
				return nil, fmt.Errorf("lock %s: %w", path, err)
			}
			if ok {
				break
			}
			every := pollEvery
			if !wait {
				h := readHolder(path)
				exited := h.PID > 0 && !processAlive(h.PID)
				if exited && grace.IsZero() {
					grace = time.Now().Add(heirGrace)
				}
				if !exited || time.Now().After(grace) {
					f.Close()
					l.Release()
					return nil, &HeldError{Task: id, Path: path, Holder: h, Exited: exited}
				}
				every = heirPoll
			}
			select {
			case <-ctx.Done():
				f.Close()
				l.Release()
				return nil, ctx.Err()
			case <-time.After(every):
			}
		}
		if err := f.Truncate(0); err == nil {
			_, _ = f.WriteAt([]byte(me), 0)
		}
		l.files = append(l.files, f)
	}
	return l, nil
}

// Release lets go of every lock, leaving the files empty.
func (l *Lock) Release() {
	if l == nil {
		return
	}
	for _, f := range l.files {
		_ = f.Truncate(0)
		f.Close()
	}
	l.files = nil
}

// readHolder reads who holds the lock at path. A holder that has just
// taken the lock may not have written itself down yet: try for a moment.
func readHolder(path string) Holder {
	for range 20 {
		if h, ok := parseHolder(path); ok {
			return h
		}
		time.Sleep(10 * time.Millisecond)
	}
	return Holder{}
}

func parseHolder(path string) (Holder, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Holder{}, false
	}
	var h Holder
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, " ")
		switch k {
		case "pid":
			h.PID, _ = strconv.Atoi(v)
		case "started":
			h.Started, _ = time.Parse(time.RFC3339, v)
		case "command":
			h.Command = v
		}
	}
	return h, h.PID > 0
}
