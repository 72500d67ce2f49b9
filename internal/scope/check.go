package scope

import (
	"fmt"

	"github.com/taskproof/taskproof/internal/atomicfile"
)

// NoAllowlistReason is the violation reported for a task that lists no
// touched path at all: nothing to check is a finding, never a pass.
const NoAllowlistReason = "task has no touched-path allowlist; add a `## Touched paths (allowlist)` section"

// Violation is a touched path the allowlist does not allow.
type Violation struct {
	Path   string `json:"path"`
	Status string `json:"status"`
	Reason string `json:"reason"`
	// Line is the allowlist line of the deny item that forbids the path,
	// 0 when the path is simply not allowed.
	Line int `json:"line,omitempty"`
}

// AllowlistItem is one entry of the task's allowlist as reported.
type AllowlistItem struct {
	Pattern string `json:"pattern"`
	Deny    bool   `json:"deny"`
	Line    int    `json:"line"`
	Kind    Kind   `json:"kind"`
	Source  Source `json:"source"`
	Match   string `json:"match,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Result is the outcome of checking one change against one allowlist.
type Result struct {
	Task string `json:"task"`
	File string `json:"file"` // the task document
	// Base is the revision the merge base was taken with; MergeBase the
	// commit the work tree was diffed against.
	Base string `json:"base"`
	// BaseFrom says how Base was chosen: given, upstream, main, master,
	// HEAD or empty tree.
	BaseFrom     string          `json:"base_from"`
	MergeBase    string          `json:"merge_base"`
	Touched      []Change        `json:"touched"`
	Violations   []Violation     `json:"violations"`
	Unverifiable []Unverifiable  `json:"unverifiable"`
	Allowlist    []AllowlistItem `json:"allowlist"`
}

// OK reports whether the change is clean: no violation (a task without an
// allowlist always has one).
func (r *Result) OK() bool { return len(r.Violations) == 0 }

// Check decides every touched path. A rename touches both its old and its
// new path, so each must be allowed; a copy touches only the new one.
// taskproof's own temporary files (atomicfile.IsTemp) are never touched
// paths: one left by a writer killed mid-write must not fail every later
// check. Changes are reported sorted by path; lists are never nil.
func Check(a *Allowlist, changes []Change) *Result {
	r := &Result{
		File:         a.TaskPath,
		Touched:      withoutTemp(changes),
		Violations:   []Violation{},
		Unverifiable: a.Unverifiable(),
		Allowlist:    []AllowlistItem{},
	}
	if r.Unverifiable == nil {
		r.Unverifiable = []Unverifiable{}
	}
	SortChanges(r.Touched)
	for _, e := range a.Entries {
		if e.Source != SourceTask {
			continue
		}
		r.Allowlist = append(r.Allowlist, AllowlistItem{Pattern: e.Pattern, Deny: e.Deny, Line: e.Line, Kind: e.Kind, Source: e.Source, Match: e.Match, Note: e.Note})
	}
	for _, e := range a.Entries {
		if e.Source != SourceTask {
			r.Allowlist = append(r.Allowlist, AllowlistItem{Pattern: e.Pattern, Line: e.Line, Kind: e.Kind, Source: e.Source, Match: e.Match})
		}
	}
	if !a.HasTaskItems() {
		r.Violations = append(r.Violations, Violation{Path: a.TaskPath, Status: "", Reason: NoAllowlistReason})
	}
	for _, c := range r.Touched {
		v := a.Check(c.Path)
		if !v.Allowed {
			r.Violations = append(r.Violations, violation(c.Path, c.Status, v, ""))
		}
		if c.Status == StatusRenamed && c.OldPath != "" && !atomicfile.IsTemp(c.OldPath) {
			if v := a.Check(c.OldPath); !v.Allowed {
				r.Violations = append(r.Violations, violation(c.OldPath, c.Status, v, fmt.Sprintf("renamed to %s; the old path is touched too", c.Path)))
			}
		}
	}
	return r
}

// withoutTemp copies changes, leaving out those to our temporary files.
func withoutTemp(changes []Change) []Change {
	out := []Change{}
	for _, c := range changes {
		if !atomicfile.IsTemp(c.Path) {
			out = append(out, c)
		}
	}
	return out
}

func violation(path, status string, v Verdict, extra string) Violation {
	out := Violation{Path: path, Status: status, Reason: v.Reason}
	if v.By != nil && v.By.Deny {
		out.Line = v.By.Line
	}
	if extra != "" {
		out.Reason += " (" + extra + ")"
	}
	return out
}
