package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/taskproof/taskproof/internal/board"
	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/graph"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/lint"
	"github.com/taskproof/taskproof/internal/live"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
)

// This file is the dashboard's only contact with the rest of taskproof:
// every read of the repository, the evidence, the ledger and the live
// records goes through Source, and the pages see only the values it
// returns. Re-pointing the dashboard at a new repository or evidence API
// means changing this file.

// Source reads one repository for the pages. It holds no state: every
// call reads what is on disk now.
type Source struct {
	Root string
}

// Snapshot is the repository as the pages see it at one moment.
type Snapshot struct {
	Root string
	Name string // the root directory's name, for titles
	Repo *repo.Repo

	Tasks []*Task             // one per document, in id then path order
	ByID  map[task.ID][]*Task // documents by id (more than one: duplicate ids)
	Graph *graph.Graph        // dependency graph of every document
	Board *board.Board        // counters from the headers, with proof states
	Drift *board.Report       // nil when there is no hand-written board
	// Groups are the board's groups: taskproof.toml's, else the
	// hand-written board's sections, else none.
	Groups      []Group
	GroupSource string // where the groups come from, "" when none
	// BoardFindings are drift findings about no single task.
	BoardFindings []board.Finding
	HasKey        bool
	// Warnings are things the pages could not read, shown on the board.
	Warnings []string
}

// Task is one task document with everything said about it.
type Task struct {
	Doc    *task.Document
	Proof  proofstate.Assessment
	Lint   []lint.Diagnostic
	Drift  []board.Finding
	Groups []string
}

// Group is one group of the board.
type Group struct {
	Name    string
	Members []task.ID
	Missing []task.ID // listed ids without a task file
	Done    int
	Total   int
	Percent int
}

// Load reads the repository: configuration, task documents, proof states,
// dependency graph, lint findings and drift of a hand-written board.
func (s Source) Load() (*Snapshot, error) {
	r := repo.Open(s.Root)
	cfg, err := r.Config()
	if err != nil {
		return nil, err
	}
	docs, err := r.Tasks()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(r.Root)
	if err != nil {
		abs = r.Root
	}
	snap := &Snapshot{Root: r.Root, Name: filepath.Base(abs), Repo: r, ByID: map[task.ID][]*Task{}}
	assessor, refused, err := proofstate.RepoAssessor(context.Background(), r)
	if err != nil {
		snap.Warnings = append(snap.Warnings, err.Error())
		assessor = proofstate.NewAssessor(context.Background(), r, nil)
	}
	if refused != "" {
		snap.Warnings = append(snap.Warnings, refused)
	}
	snap.HasKey = assessor.HasKey()
	byDoc := map[*task.Document]*Task{}
	for _, d := range docs {
		t := &Task{Doc: d, Proof: assessor.Assess(d, nil)}
		byDoc[d] = t
		snap.Tasks = append(snap.Tasks, t)
		if d.ID != "" {
			snap.ByID[d.ID] = append(snap.ByID[d.ID], t)
		}
	}
	sort.SliceStable(snap.Tasks, func(i, j int) bool {
		if c := task.Compare(snap.Tasks[i].Doc.ID, snap.Tasks[j].Doc.ID); c != 0 {
			return c < 0
		}
		return snap.Tasks[i].Doc.Path < snap.Tasks[j].Doc.Path
	})
	snap.Graph = graph.Build(docs)

	specs, err := board.GroupsFromConfig(cfg.Groups)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(r.Root, config.FileName), err)
	}
	snap.Board = board.BuildWithProof(docs, specs, func(d *task.Document) board.Proof {
		a := byDoc[d].Proof
		return board.Proof{State: string(a.State), Summary: a.Summary, Claims: a.Claims}
	})
	snap.Drift = s.drift(r, cfg, docs)
	switch {
	case len(specs) > 0:
		snap.GroupSource = config.FileName
		for _, g := range snap.Board.Groups {
			snap.Groups = append(snap.Groups, Group{Name: g.Name, Members: g.Members, Missing: g.Missing, Done: g.Done, Total: g.Total, Percent: g.Percent})
		}
	case snap.Drift != nil && len(snap.Drift.Groups) > 0:
		snap.GroupSource = snap.Drift.Groups[0].File
		for _, g := range snap.Drift.Groups {
			members, missing := splitExisting(g.Members, snap.ByID)
			snap.Groups = append(snap.Groups, Group{Name: g.Name, Members: members, Missing: missing, Done: g.Computed.Done, Total: g.Computed.Total, Percent: g.Computed.Percent()})
		}
	}
	for i := range snap.Groups {
		for _, id := range snap.Groups[i].Members {
			for _, t := range snap.ByID[id] {
				t.Groups = append(t.Groups, snap.Groups[i].Name)
			}
		}
	}
	if snap.Drift != nil {
		for _, f := range snap.Drift.Findings {
			if ts := snap.ByID[f.Task]; f.Task != "" && len(ts) > 0 {
				for _, t := range ts {
					t.Drift = append(t.Drift, f)
				}
				continue
			}
			snap.BoardFindings = append(snap.BoardFindings, f)
		}
	}
	byPath := map[string]*Task{}
	for _, t := range snap.Tasks {
		byPath[t.Doc.Path] = t
	}
	diags, warn := s.lint(r, docs)
	if warn != "" {
		snap.Warnings = append(snap.Warnings, warn)
	}
	for _, d := range diags {
		if t := byPath[d.File]; t != nil {
			t.Lint = append(t.Lint, d)
		}
	}
	return snap, nil
}

// splitExisting separates the ids that have a task file from those that
// do not.
func splitExisting(ids []task.ID, byID map[task.ID][]*Task) (have, missing []task.ID) {
	for _, id := range ids {
		if len(byID[id]) > 0 {
			have = append(have, id)
		} else {
			missing = append(missing, id)
		}
	}
	return have, missing
}

// drift compares the hand-written board and order files in the tasks
// directory (when present) with the headers.
func (s Source) drift(r *repo.Repo, cfg *config.Config, docs []*task.Document) *board.Report {
	dir := filepath.Join(r.Root, filepath.FromSlash(cfg.Tasks.Dir))
	read := func(name string) *board.Source {
		p := filepath.Join(dir, name)
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		return &board.Source{Path: r.Rel(p), Data: data}
	}
	in := board.DriftInput{Board: read("STATUS-BOARD.md"), Order: read("IMPLEMENTATION-ORDER.md"), Docs: docs,
		Classify: func(raw string) task.StatusClass {
			return task.Classify(raw, cfg.Status.Vocabulary, cfg.Status.Aliases)
		}}
	if in.Board == nil && in.Order == nil {
		return nil
	}
	return board.Drift(in)
}

// lint runs the template's rules over every task, the way `taskproof lint`
// does; warn explains a rule that could not run.
func (s Source) lint(r *repo.Repo, docs []*task.Document) (diags []lint.Diagnostic, warn string) {
	env, skipped, err := r.LintEnv()
	if err != nil {
		return nil, fmt.Sprintf("lint not run: %v", err)
	}
	if skipped != nil {
		warn = fmt.Sprintf("undeclared-marker not checked: %v", skipped)
	}
	return lint.Check(docs, env), warn
}

// Source reads a task file for the source view.
func (snap *Snapshot) Source(d *task.Document) []byte {
	b, _ := os.ReadFile(filepath.Join(snap.Root, filepath.FromSlash(d.Path)))
	return b
}

// Bundle is an evidence bundle's files and predicate as the pages show
// them; Verified is false when the signature could not be checked (no key)
// or failed (the assessment says why).
type Bundle struct {
	Path      string
	Digest    string
	Predicate evidence.Predicate
	Files     map[string][]byte
	Verified  bool
	decoded   *bundleFiles
}

// Bundle reads task id's evidence bundle; nil when there is none or it is
// unreadable (the assessment says which).
func (snap *Snapshot) Bundle(t *Task) *Bundle {
	if t.Doc.ID == "" {
		return nil
	}
	if v := t.Proof.Verified; v != nil {
		b := &Bundle{Path: t.Proof.Bundle, Digest: bundleDigest(snap.Root, t.Doc.ID), Predicate: v.Predicate, Files: map[string][]byte{}, Verified: true}
		b.read(v.Files, v.ReadFile)
		return b
	}
	data, err := os.ReadFile(proofstate.BundlePath(snap.Root, t.Doc.ID))
	if err != nil {
		return nil
	}
	c, err := evidence.Read(data)
	if err != nil {
		return nil
	}
	b := &Bundle{Path: t.Proof.Bundle, Digest: evidence.BundleDigest(data), Predicate: c.Statement.Predicate, Files: map[string][]byte{}}
	b.read(c.Files, c.ReadFile)
	return b
}

// read takes in the bundle's files and decodes those the pages show; a
// file that cannot be read is a file error too.
func (b *Bundle) read(names []evidence.Entry, readFile func(string) ([]byte, error)) {
	var files []evidence.File
	var unreadable []string
	for _, f := range names {
		data, err := readFile(f.Name)
		if err != nil {
			unreadable = append(unreadable, fmt.Sprintf("%s%s cannot be read: %v", evidence.FilesPrefix, f.Name, err))
			continue
		}
		b.Files[f.Name] = data
		files = append(files, evidence.File{Name: f.Name, Data: data})
	}
	b.decoded = decodeFiles(files)
	b.decoded.errs = append(unreadable, b.decoded.errs...)
}

func bundleDigest(root string, id task.ID) string {
	data, err := os.ReadFile(proofstate.BundlePath(root, id))
	if err != nil {
		return ""
	}
	return evidence.BundleDigest(data)
}

// withLedger opens the ledger read-only for f; no ledger yet is no runs.
func (s Source) withLedger(f func(*ledger.Ledger) error) error {
	l, err := ledger.OpenExisting(ledger.DefaultPath(s.Root))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer l.Close()
	return f(l)
}

// Runs returns the ledger's runs of one task (ledger.AllTasks: every run),
// newest first, at most limit.
func (s Source) Runs(taskID string, limit int) ([]ledger.Run, error) {
	var runs []ledger.Run
	err := s.withLedger(func(l *ledger.Ledger) (err error) {
		runs, err = l.History(context.Background(), taskID, limit)
		return err
	})
	return runs, err
}

// Run returns ledger run id.
func (s Source) Run(id int64) (run ledger.Run, ok bool, err error) {
	err = s.withLedger(func(l *ledger.Ledger) error {
		run, ok, err = l.Get(context.Background(), id)
		return err
	})
	return run, ok, err
}

// ProvedBy lists the tasks whose recorded proves shared run id proved.
func (s Source) ProvedBy(id string) ([]string, error) {
	var tasks []string
	err := s.withLedger(func(l *ledger.Ledger) (err error) {
		tasks, err = l.ProvedBy(context.Background(), id)
		return err
	})
	return tasks, err
}

// Flaky returns the ledger's unstable markers and tests.
func (s Source) Flaky() ([]ledger.FlakyItem, error) {
	var items []ledger.FlakyItem
	err := s.withLedger(func(l *ledger.Ledger) (err error) {
		items, err = l.Flaky(context.Background(), ledger.FlakyOptions{MinRuns: 2})
		return err
	})
	return items, err
}

// LiveRuns lists the live records, newest first.
func (s Source) LiveRuns() ([]*live.Record, error) { return live.List(s.Root) }

// LiveRun reads one live record.
func (s Source) LiveRun(id string) (*live.Record, error) { return live.Read(s.Root, id) }

// LiveMarks reads step n's marker occurrences after the first skip.
func (s Source) LiveMarks(id string, n, skip int) ([]live.Mark, error) {
	return live.ReadMarks(s.Root, id, n, skip)
}

// LiveConsole reads step n's console from byte offset from, up to max
// bytes; it returns only whole lines (through the last '\n') unless final.
func (s Source) LiveConsole(id string, n int, from int64, max int64) ([]byte, error) {
	p, err := live.ConsolePath(s.Root, id, n)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if from >= size {
		return nil, nil
	}
	if size-from > max {
		size = from + max
	}
	buf := make([]byte, size-from)
	k, err := f.ReadAt(buf, from)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return buf[:k], err
}
