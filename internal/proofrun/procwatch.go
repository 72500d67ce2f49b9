package proofrun

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// watchInterval is how often a run's process tree is looked at. A program
// that lives shorter than this may be missed: then the evidence does not
// name it, which is never a false statement.
const watchInterval = 20 * time.Millisecond

// procWatch records the executables of a process and its descendants
// while they run, read from /proc (Linux). Elsewhere it sees nothing.
type procWatch struct {
	root int
	quit chan struct{}
	done chan struct{}
	mu   sync.Mutex
	seen map[string]bool
}

func watchProcesses(pid int) *procWatch {
	w := &procWatch{root: pid, quit: make(chan struct{}), done: make(chan struct{}), seen: map[string]bool{}}
	if _, err := os.Stat("/proc/self/exe"); err != nil {
		close(w.done)
		return w
	}
	w.look()
	go func() {
		defer close(w.done)
		t := time.NewTicker(watchInterval)
		defer t.Stop()
		for {
			select {
			case <-w.quit:
				return
			case <-t.C:
				w.look()
			}
		}
	}()
	return w
}

// stop ends the watch and returns the executables seen, sorted.
func (w *procWatch) stop() []string {
	select {
	case <-w.done:
	default:
		close(w.quit)
		<-w.done
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.seen))
	for p := range w.seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// look records the executable of every process of the tree now.
func (w *procWatch) look() {
	pids := descendants(w.root)
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range pids {
		exe, err := os.Readlink("/proc/" + strconv.Itoa(p) + "/exe")
		if err != nil || exe == "" {
			continue
		}
		w.seen[strings.TrimSuffix(exe, " (deleted)")] = true
	}
}

// descendants lists root and every process below it, from the children
// lists of /proc/PID/task/TID/children, or, where the kernel has none, from
// the parent of every process.
func descendants(root int) []int {
	if _, err := os.Stat("/proc/" + strconv.Itoa(root) + "/task"); err != nil {
		return nil
	}
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(root) + "/task/*/children")
	if len(tasks) == 0 {
		return scanDescendants(root)
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		files, _ := filepath.Glob("/proc/" + strconv.Itoa(out[i]) + "/task/*/children")
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			for _, s := range strings.Fields(string(data)) {
				if n, err := strconv.Atoi(s); err == nil {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// scanDescendants reads the parent of every process in /proc.
func scanDescendants(root int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		i := strings.LastIndexByte(string(data), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(data[i+1:]))
		if len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(f[1]); err == nil {
			children[ppid] = append(children[ppid], pid)
		}
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}
