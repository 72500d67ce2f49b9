// Package board derives the status board from task headers, renders it as
// Markdown or JSON, and reports where a hand-written board or order file
// drifted from the headers. It is pure: documents and bytes in, values out.
package board

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/task"
)

// Status classes the board lists separately.
const (
	classDone       task.StatusClass = "Done"
	classInProgress task.StatusClass = "In Progress"
	classInReview   task.StatusClass = "In Review"
	classBlocked    task.StatusClass = "Blocked"
	classSuperseded task.StatusClass = "Superseded"
)

// GroupSpec is a named group and its task list, parsed.
type GroupSpec struct {
	Name  string
	Items []Item
}

// GroupsFromConfig parses the [[groups]] of taskproof.toml; errors name the
// group and the entry.
func GroupsFromConfig(groups []config.Group) ([]GroupSpec, error) {
	out := make([]GroupSpec, 0, len(groups))
	for _, g := range groups {
		items, err := ParseItems(g.Tasks)
		if err != nil {
			return nil, fmt.Errorf("group %q: %w", g.Name, err)
		}
		out = append(out, GroupSpec{Name: g.Name, Items: items})
	}
	return out, nil
}

// Row is one task document on the board.
type Row struct {
	ID     task.ID          `json:"id"`
	Title  string           `json:"title"`
	Status string           `json:"status"` // as written in the header
	Class  task.StatusClass `json:"class"`  // normalised, "" when unknown
	Path   string           `json:"path"`   // relative to the repository root
	// Proof is the document's evidence state; nil when the board was
	// built without proof states.
	Proof *Proof `json:"proof,omitempty"`
}

// Proof is a task document's evidence state as the board shows it (from
// internal/proofstate): State is proven, stale, failed, claimed, unproven
// or invalid; Summary is one hash-free line; Claims is true when the header
// says Done or In Review.
type Proof struct {
	State   string `json:"state"`
	Summary string `json:"summary"`
	Claims  bool   `json:"claims"`
}

// Proven is the state of valid, fresh evidence whose verdict is proven.
const Proven = "proven"

// ProofFunc returns the evidence state of one document.
type ProofFunc func(*task.Document) Proof

// Group is a group with its counters computed from the headers.
type Group struct {
	Name    string    `json:"name"`
	Done    int       `json:"done"`
	Total   int       `json:"total"`
	Percent int       `json:"percent"`
	Members []task.ID `json:"members"`
	// Missing are ids the group lists that have no task file; they are not
	// counted.
	Missing []task.ID `json:"missing"`
	// Proven counts the members whose every file has proven evidence;
	// nil when the board was built without proof states.
	Proven *int `json:"proven,omitempty"`
}

// Board is the generated status board.
type Board struct {
	Groups []Group `json:"groups"`
	// All counts every task id in the repository.
	All        Group `json:"all"`
	InProgress []Row `json:"in_progress"`
	InReview   []Row `json:"in_review"`
	Blocked    []Row `json:"blocked"`
	Done       []Row `json:"done"`
	// Ungrouped are the tasks in no group; empty when no groups are set.
	Ungrouped []Row `json:"ungrouped"`
	// Unrecognised are tasks whose status is outside the vocabulary.
	Unrecognised []Row `json:"unrecognised"`
	// Claimed are the tasks whose header says Done or In Review without
	// proven evidence (fake green); nil when built without proof states.
	Claimed []Row `json:"claimed,omitempty"`
}

// taskIndex groups documents by id. A repository may hold two files with
// the same id (lint reports it); an id counts as Done only when every file
// with that id is Done, so a duplicate never inflates progress.
type taskIndex struct {
	ids  []task.ID // distinct, in id order
	docs map[task.ID][]*task.Document
}

func indexDocs(docs []*task.Document) taskIndex {
	ix := taskIndex{docs: map[task.ID][]*task.Document{}}
	for _, d := range docs {
		if d == nil || d.ID == "" {
			continue
		}
		if _, ok := ix.docs[d.ID]; !ok {
			ix.ids = append(ix.ids, d.ID)
		}
		ix.docs[d.ID] = append(ix.docs[d.ID], d)
	}
	sortIDs(ix.ids)
	return ix
}

// isDone reports whether every document with id is Done after normalisation.
func (ix taskIndex) isDone(id task.ID) bool {
	ds := ix.docs[id]
	for _, d := range ds {
		if d.Status.Class != classDone {
			return false
		}
	}
	return len(ds) > 0
}

// count computes Done/Total over members (which must exist).
func (ix taskIndex) count(members []task.ID) Counter {
	c := Counter{Total: len(members)}
	for _, id := range members {
		if ix.isDone(id) {
			c.Done++
		}
	}
	return c
}

// Build computes the board from the documents and groups. Rows are in id
// order, then path order.
func Build(docs []*task.Document, groups []GroupSpec) *Board {
	return BuildWithProof(docs, groups, nil)
}

// BuildWithProof is Build with each document's evidence state from proof:
// every row carries it, each group counts its proven members, and the
// Claimed list collects the fake green. A nil proof is Build.
func BuildWithProof(docs []*task.Document, groups []GroupSpec, proof ProofFunc) *Board {
	ix := indexDocs(docs)
	proofs := map[*task.Document]*Proof{}
	if proof != nil {
		for _, d := range docs {
			if d != nil {
				p := proof(d)
				proofs[d] = &p
			}
		}
	}
	provenCount := func(members []task.ID) *int {
		if proof == nil {
			return nil
		}
		n := 0
		for _, id := range members {
			ok := len(ix.docs[id]) > 0
			for _, d := range ix.docs[id] {
				ok = ok && proofs[d].State == Proven
			}
			if ok {
				n++
			}
		}
		return &n
	}
	b := &Board{
		Groups:       []Group{},
		InProgress:   []Row{},
		InReview:     []Row{},
		Blocked:      []Row{},
		Done:         []Row{},
		Ungrouped:    []Row{},
		Unrecognised: []Row{},
	}
	grouped := map[task.ID]bool{}
	for _, g := range groups {
		members, missing := Expand(g.Items, ix.ids)
		c := ix.count(members)
		if members == nil {
			members = []task.ID{}
		}
		if missing == nil {
			missing = []task.ID{}
		}
		b.Groups = append(b.Groups, Group{Name: g.Name, Done: c.Done, Total: c.Total, Percent: c.Percent(), Members: members, Missing: missing, Proven: provenCount(members)})
		for _, id := range members {
			grouped[id] = true
		}
	}
	all := ix.count(ix.ids)
	b.All = Group{Name: "All tasks", Done: all.Done, Total: all.Total, Percent: all.Percent(), Members: append([]task.ID{}, ix.ids...), Missing: []task.ID{}, Proven: provenCount(ix.ids)}
	if proof != nil {
		b.Claimed = []Row{}
	}
	for _, id := range ix.ids {
		for _, d := range ix.docs[id] {
			r := Row{ID: id, Title: d.Title, Status: d.Status.Raw, Class: d.Status.Class, Path: d.Path, Proof: proofs[d]}
			if r.Proof != nil && r.Proof.Claims && r.Proof.State != Proven {
				b.Claimed = append(b.Claimed, r)
			}
			switch d.Status.Class {
			case classInProgress:
				b.InProgress = append(b.InProgress, r)
			case classInReview:
				b.InReview = append(b.InReview, r)
			case classBlocked:
				b.Blocked = append(b.Blocked, r)
			case classDone:
				b.Done = append(b.Done, r)
			case "":
				b.Unrecognised = append(b.Unrecognised, r)
			}
			if len(groups) > 0 && !grouped[id] {
				b.Ungrouped = append(b.Ungrouped, r)
			}
		}
	}
	return b
}

// relLink returns the slash path of target relative to directory dir
// (both relative to the same root), for Markdown links.
func relLink(dir, target string) string {
	dir = path.Clean(dir)
	target = path.Clean(target)
	if dir == "." {
		return target
	}
	d := strings.Split(dir, "/")
	t := strings.Split(target, "/")
	i := 0
	for i < len(d) && i < len(t)-1 && d[i] == t[i] {
		i++
	}
	parts := slices.Repeat([]string{".."}, len(d)-i)
	parts = append(parts, t[i:]...)
	return strings.Join(parts, "/")
}
