package prove

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// ReadLanes reads every lane result in dirs, checked against pub, and
// returns them by run id with the file each came from. A directory that
// is not one is bad input; an unreadable file wraps ErrInfra; a file that
// is not a valid, signed lane result (or a second result of a run) wraps
// ErrNotProven and names the file. No result at all is no error: Collect
// names every lane that left none.
func ReadLanes(dirs []string, pub ed25519.PublicKey) (map[string]*RunResult, map[string]string, error) {
	results, from := map[string]*RunResult{}, map[string]string{}
	bad := func(format string, a ...any) error { return &kindError{ErrNotProven, fmt.Errorf(format, a...)} }
	for _, dir := range dirs {
		names, err := filepath.Glob(filepath.Join(dir, LaneFile("*")))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %v", dir, err)
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, nil, fmt.Errorf("%s is not a directory of lane results", dir)
		}
		sort.Strings(names)
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				return nil, nil, &kindError{ErrInfra, fmt.Errorf("read lane result: %w", err)}
			}
			res, err := ReadLane(data, pub)
			if err != nil {
				return nil, nil, bad("%s: %v", name, err)
			}
			if want := LaneFile(res.ID); filepath.Base(name) != want {
				return nil, nil, bad("%s: holds the result of run %s (its file is %s)", name, res.ID, want)
			}
			if prev, dup := from[res.ID]; dup {
				return nil, nil, bad("%s and %s both hold a result of run %s; give each lane's directory once", prev, name, res.ID)
			}
			results[res.ID], from[res.ID] = res, name
		}
	}
	return results, from, nil
}

// OnlyLane prepares p to execute the one run lane, in one lane of a CI
// matrix: every other run is another lane's, and lane runs even when an
// earlier run of it passed, since its result travels to collect.
func (p *Plan) OnlyLane(lane *SharedRun) {
	for _, r := range p.Runs() {
		if r != lane {
			r.NotRun = "not run: another lane's"
		}
	}
	lane.Output, lane.Cached = nil, nil
}
