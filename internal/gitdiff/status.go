package gitdiff

import (
	"context"
	"fmt"
	"strings"
)

// Status is the state of the work tree as one `git status` sees it.
type Status struct {
	// Head is the full id of HEAD, "" before the first commit.
	Head string
	// Branch is the current branch, "" when HEAD is detached.
	Branch string
	// Changed lists the paths whose index or work-tree content differs
	// from HEAD, sorted as git prints them.
	Changed []string
	// Untracked lists the files git does not track and does not ignore.
	Untracked []string
}

// Status runs `git status` once: HEAD, branch, the paths that differ from
// HEAD and the untracked files (every one, not their directories). Paths
// are relative to Top.
func (r *Repo) Status(ctx context.Context) (*Status, error) {
	out, err := r.run(ctx, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all", "--no-renames", "--ignore-submodules=none")
	if err != nil {
		return nil, err
	}
	st, err := ParseStatus(out)
	if err != nil {
		return nil, fmt.Errorf("%w: parse git status: %v", ErrGit, err)
	}
	return st, nil
}

// ParseStatus reads the output of `git status --porcelain=v2 --branch -z
// --no-renames`.
func ParseStatus(out []byte) (*Status, error) {
	st := &Status{}
	for _, rec := range strings.Split(string(out), "\x00") {
		if rec == "" {
			continue
		}
		kind, rest, _ := strings.Cut(rec, " ")
		switch kind {
		case "#":
			key, val, _ := strings.Cut(rest, " ")
			switch key {
			case "branch.oid":
				if val != "(initial)" {
					st.Head = val
				}
			case "branch.head":
				if val != "(detached)" {
					st.Branch = val
				}
			}
		case "1", "u":
			// 1 XY sub mH mI mW hH hI path; u XY sub m1 m2 m3 mW h1 h2 h3 path
			n := map[string]int{"1": 7, "u": 9}[kind]
			f := strings.SplitN(rest, " ", n+1)
			if len(f) != n+1 || f[n] == "" {
				return nil, fmt.Errorf("status record %q: want %d fields before the path", rec, n)
			}
			st.Changed = append(st.Changed, f[n])
		case "?":
			st.Untracked = append(st.Untracked, rest)
		case "!":
		default:
			return nil, fmt.Errorf("status record %q: unknown kind %q", rec, kind)
		}
	}
	return st, nil
}
