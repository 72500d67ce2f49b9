// Package proofstate decides what a task's evidence says about it now:
// proven, stale, failed, claimed, unproven or invalid. It computes the
// repository's "current inputs" (commit, contract hash, allowlisted content
// hash, Stop conditions hash) exactly as `taskproof prove` binds them into a
// bundle, so that prove, status set, show and the board agree.
//
// The decision itself (Decide) is pure; Inputs, Snapshot and Assess read
// files and run git.
//
// # API for prove
//
//	cur, allowlisted, err := proofstate.Inputs(ctx, r, doc, src) // src: the task file's bytes (nil reads it)
//	// cur.Commit is HEAD ("" outside git: refuse, evidence needs a commit)
//	pred := evidence.Predicate{TaskID: string(doc.ID), Commit: cur.Commit,
//		ContractHash: cur.ContractHash, AllowlistHash: cur.AllowlistHash,
//		StopConditionsHash: cur.StopConditionsHash, ...}
//	bundle, err := evidence.Build(files, pred, priv)
//	err = atomicfile.Write(proofstate.BundlePath(r.Root, doc.ID), bundle, 0o644) // MkdirAll the dir first
//
// # API for status set, show and the board
//
//	pub, err := proofstate.LoadPublicKey(r.Root) // nil, nil without .taskproof/signing.pub
//	a := proofstate.NewAssessor(ctx, r, pub)      // lists the files once for many tasks
//	as := a.Assess(doc, src)                      // as.State, as.Reasons, as.Claims
package proofstate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/task"
)

// Dir is taskproof's state directory under the repository root; nothing in
// it is ever part of a task's allowlisted content.
const Dir = repo.StateDir

// EvidenceDir holds the bundles, one per task, relative to the root.
const EvidenceDir = Dir + "/evidence"

// BundlePath is where the evidence bundle of task id lives:
// ROOT/.taskproof/evidence/ID.tar.
func BundlePath(root string, id task.ID) string {
	return filepath.Join(root, filepath.FromSlash(EvidenceDir), string(id)+".tar")
}

// BundleRel is BundlePath relative to the root, slash-separated, for messages.
func BundleRel(id task.ID) string {
	return EvidenceDir + "/" + string(id) + ".tar"
}

// Inputs computes what the repository at r.Root looks like now for task
// doc (whose file content is src; nil reads it through r):
//
//   - Commit: HEAD of the git work tree containing r.Root, "" outside git or
//     before the first commit;
//   - ContractHash: the hash of the repository's contract (r.Contract),
//     "" when that file does not exist;
//   - StopConditionsHash: evidence.HashText of the Stop conditions section
//     (heading line through its last line), HashText("") without one;
//   - AllowlistHash: evidence.HashAllowlistedContent of the returned files.
//
// The files are every file under r.Root (r.Files: in git tracked plus
// untracked and not ignored; outside git a walk skipping .git) that the
// task's allowlist allows (scope.Allowlist.Check over the task's own items
// only: deny items subtract, the task file and [scope] always_allow add
// nothing), with root-relative slash-separated names, sorted. Never
// included: the task file itself (status set edits it), the board file
// (board --write rewrites it) and anything under .taskproof/ (the
// evidence itself). A symlink contributes its target text, as git stores
// it.
func Inputs(ctx context.Context, r *repo.Repo, doc *task.Document, src []byte) (evidence.Current, []evidence.File, error) {
	s, err := NewSnapshot(ctx, r)
	if err != nil {
		return evidence.Current{}, nil, err
	}
	return s.Inputs(doc, src)
}

// Snapshot is one listing of a repository's files, its HEAD and its
// contract hash, shared by the inputs of many tasks (the board). File
// contents come from the repository's cache, so a file is read once.
type Snapshot struct {
	ctx    context.Context
	r      *repo.Repo
	inGit  bool
	commit string
	paths  []string // root-relative, slash-separated, sorted
}

// NewSnapshot lists the files under r.Root and reads HEAD.
func NewSnapshot(ctx context.Context, r *repo.Repo) (*Snapshot, error) {
	s := &Snapshot{ctx: ctx, r: r}
	var err error
	if s.inGit, err = r.InGit(ctx); err != nil {
		return nil, err
	}
	if s.inGit {
		if s.commit, err = r.Head(ctx); err != nil {
			return nil, err
		}
	}
	if s.paths, err = r.Files(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Commit is HEAD, "" outside git or before the first commit.
func (s *Snapshot) Commit() string { return s.commit }

// IsGit reports whether the root is inside a git work tree.
func (s *Snapshot) IsGit() bool { return s.inGit }

// IsAncestor reports whether commit is HEAD or one of its ancestors
// (git merge-base --is-ancestor). Outside git it is an error.
func (s *Snapshot) IsAncestor(commit string) (bool, error) {
	if !s.inGit {
		return false, fmt.Errorf("%s is not in a git work tree, so evidence cannot be tied to a commit; run git init and commit", s.r.Root)
	}
	if s.commit == "" {
		return false, fmt.Errorf("HEAD has no commit yet; commit, then run taskproof prove")
	}
	g, err := s.r.Git(s.ctx)
	if err != nil {
		return false, err
	}
	return g.IsAncestor(s.ctx, commit, s.commit)
}

// Inputs is the package-level Inputs over this snapshot.
func (s *Snapshot) Inputs(doc *task.Document, src []byte) (evidence.Current, []evidence.File, error) {
	cur := evidence.Current{Commit: s.commit}
	var err error
	if cur.ContractHash, err = ContractHash(s.r); err != nil {
		return evidence.Current{}, nil, err
	}
	if src == nil {
		if src, err = s.r.Source(doc); err != nil {
			return evidence.Current{}, nil, err
		}
	}
	cur.StopConditionsHash = evidence.HashText(StopConditionsText(doc, src))
	names := s.Allowlisted(doc)
	files := make([]evidence.File, 0, len(names))
	for _, n := range names {
		data, ok, err := s.read(n)
		if err != nil {
			return evidence.Current{}, nil, err
		}
		if ok {
			files = append(files, evidence.File{Name: n, Data: data})
		}
	}
	cur.AllowlistHash = evidence.HashAllowlistedContent(files)
	return cur, files, nil
}

// Allowlisted lists the snapshot's paths whose content doc's evidence
// binds (see Inputs).
func (s *Snapshot) Allowlisted(doc *task.Document) []string {
	return AllowlistedPaths(doc, s.paths, s.excluded(doc))
}

// excluded lists the paths never hashed for doc: its own file and the board.
func (s *Snapshot) excluded(doc *task.Document) []string {
	out := []string{path.Clean(doc.Path)}
	if cfg, err := s.r.Config(); err == nil && cfg.Tasks.Board != "" {
		out = append(out, path.Clean(filepath.ToSlash(cfg.Tasks.Board)))
	}
	return out
}

// read returns a file's content (a symlink's target); ok is false when it
// is gone (a deleted tracked file) or not a file (a submodule).
func (s *Snapshot) read(name string) ([]byte, bool, error) {
	full := s.r.Path(name)
	st, err := os.Lstat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("allowlisted file %s: %w", name, err)
	case st.Mode()&fs.ModeSymlink != 0:
		t, err := os.Readlink(full)
		if err != nil {
			return nil, false, fmt.Errorf("allowlisted symlink %s: %w", name, err)
		}
		return []byte(filepath.ToSlash(t)), true, nil
	case st.Mode().IsRegular():
		data, err := s.r.ReadFile(full)
		if err != nil {
			return nil, false, fmt.Errorf("allowlisted file %s: %w", name, err)
		}
		return data, true, nil
	}
	return nil, false, nil
}

// ContractHash is the hash of the repository's contract ([proof] contract
// of taskproof.toml, relative to the root), "" when the file does not
// exist. A contract that exists but does not load is an error: evidence
// cannot be judged against it.
func ContractHash(r *repo.Repo) (string, error) {
	c, err := r.Contract()
	switch {
	case errors.Is(err, repo.ErrNoContract):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("%w (run taskproof contract lint)", err)
	}
	return c.Hash(), nil
}

// StopConditionsText is the text of doc's Stop conditions section in src,
// from its heading line through its last line (subsections included), ""
// when the document has none.
func StopConditionsText(doc *task.Document, src []byte) string {
	sec, ok := doc.Section(task.IsStopConditionsHeading)
	if !ok {
		return ""
	}
	lines := strings.Split(strings.TrimPrefix(string(src), "\ufeff"), "\n")
	from, to := sec.Line-1, sec.EndLine
	if from < 0 || from >= len(lines) {
		return ""
	}
	if to > len(lines) {
		to = len(lines)
	}
	if to <= from {
		to = from + 1
	}
	return strings.Join(lines[from:to], "\n")
}

// AllowlistedPaths returns the paths (root-relative, slash-separated) that
// doc's allowlist allows, in input order, leaving out the exclude paths.
// Only the task's own items count: allow items add, deny items subtract,
// prose and mentions match nothing. It is the scope package's matcher, so
// prove, scope and the evidence agree on what a pattern covers.
func AllowlistedPaths(doc *task.Document, paths, exclude []string) []string {
	a := scope.Compile("", doc.Touched, nil)
	skip := map[string]bool{}
	for _, e := range exclude {
		skip[e] = true
	}
	var out []string
	for _, p := range paths {
		if skip[p] {
			continue
		}
		if v := a.Check(p); v.Allowed && v.By != nil && v.By.Source == scope.SourceTask {
			out = append(out, p)
		}
	}
	return out
}
