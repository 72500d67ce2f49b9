package scope

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
)

// Status letters of a touched file, as git prints them, plus Untracked.
const (
	StatusAdded     = "A"
	StatusCopied    = "C"
	StatusDeleted   = "D"
	StatusModified  = "M"
	StatusRenamed   = "R"
	StatusType      = "T" // file type changed (file <-> symlink)
	StatusUnmerged  = "U"
	StatusUnknown   = "X"
	StatusBroken    = "B"
	StatusUntracked = "?" // not known to git and not ignored (git ls-files --others)
)

// Change is one touched file.
type Change struct {
	Path   string `json:"path"`
	Status string `json:"status"`
	// OldPath is the source of a rename or copy.
	OldPath string `json:"old_path,omitempty"`
	// Score is the similarity of a rename or copy (0-100), 0 otherwise.
	Score int `json:"score,omitempty"`
}

// ParseNameStatus parses the output of `git diff --name-status -z -M`:
// NUL-separated fields, a status ("M", "R087", …) followed by one path, or
// two (source, destination) for renames and copies. Empty input is no
// change.
func ParseNameStatus(data []byte) ([]Change, error) {
	fields := bytes.Split(data, []byte{0})
	// Output ends with a NUL, which leaves one empty field.
	if n := len(fields); n > 0 && len(fields[n-1]) == 0 {
		fields = fields[:n-1]
	}
	var out []Change
	for i := 0; i < len(fields); {
		st := string(fields[i])
		if st == "" {
			return nil, fmt.Errorf("name-status field %d: empty status", i+1)
		}
		letter := st[:1]
		var score int
		if len(st) > 1 {
			n, err := strconv.Atoi(st[1:])
			if err != nil || n < 0 || n > 100 {
				return nil, fmt.Errorf("name-status field %d: bad status %q; expected a letter and an optional score 0-100", i+1, st)
			}
			score = n
		}
		paths := 1
		switch letter {
		case StatusRenamed, StatusCopied:
			paths = 2
		case StatusAdded, StatusDeleted, StatusModified, StatusType, StatusUnmerged, StatusUnknown, StatusBroken:
		default:
			return nil, fmt.Errorf("name-status field %d: unknown status %q", i+1, st)
		}
		if score != 0 && paths == 1 && letter != StatusModified && letter != StatusBroken {
			return nil, fmt.Errorf("name-status field %d: status %q takes no score", i+1, st)
		}
		if i+paths >= len(fields) {
			return nil, fmt.Errorf("name-status field %d: status %q without its path", i+1, st)
		}
		c := Change{Status: letter, Score: score}
		if paths == 2 {
			c.OldPath, c.Path = string(fields[i+1]), string(fields[i+2])
		} else {
			c.Path = string(fields[i+1])
		}
		if c.Path == "" || (paths == 2 && c.OldPath == "") {
			return nil, fmt.Errorf("name-status field %d: empty path", i+2)
		}
		out = append(out, c)
		i += 1 + paths
	}
	return out, nil
}

// ParseNULList parses NUL-separated paths (`git ls-files -z`).
func ParseNULList(data []byte) []string {
	var out []string
	for _, f := range bytes.Split(data, []byte{0}) {
		if len(f) > 0 {
			out = append(out, string(f))
		}
	}
	return out
}

// Untracked turns untracked paths into changes with status "?".
func Untracked(paths []string) []Change {
	out := make([]Change, 0, len(paths))
	for _, p := range paths {
		out = append(out, Change{Path: p, Status: StatusUntracked})
	}
	return out
}

// SortChanges orders changes by path, then status, for deterministic output.
func SortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Path != cs[j].Path {
			return cs[i].Path < cs[j].Path
		}
		return cs[i].Status < cs[j].Status
	})
}
