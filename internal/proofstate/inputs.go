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
//	cur, allowlisted, err := proofstate.Inputs(r, doc, src) // src: the task file's bytes (nil reads it)
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
//	a := proofstate.NewAssessor(r, pub)           // lists the files once for many tasks
//	as := a.Assess(doc, src)                      // as.State, as.Reasons, as.Claims
package proofstate

import (
	"errors"
	"fmt"
	"github.com/taskproof/taskproof/internal/gitdiff"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/contract"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/task"
)

// Dir is taskproof's state directory under the repository root; nothing in
// it is ever part of a task's allowlisted content.
const Dir = ".taskproof"

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
// doc (whose file content is src; nil reads it from r.Root/doc.Path):
//
//   - Commit: HEAD of the git work tree containing r.Root, "" outside git or
//     before the first commit;
//   - ContractHash: contract.Load(os.DirFS(r.Root), [proof] contract).Hash(),
//     "" when that file does not exist;
//   - StopConditionsHash: evidence.HashText of the Stop conditions section
//     (heading line through its last line), HashText("") without one;
//   - AllowlistHash: evidence.HashAllowlistedContent of the returned files.
//
// The files are every file under r.Root (git: tracked plus untracked and
// not ignored; outside git: a walk skipping .git) that the task's allowlist
// allows (scope.Allowlist.Check over the task's own items only: deny items
// subtract, the task file and [scope] always_allow add nothing), with
// root-relative slash-separated names, sorted. Never included: the task
// file itself (status set edits it), the board file (board --write
// rewrites it) and anything under .taskproof/ (the evidence itself).
// A symlink contributes its target text, as git stores it.
func Inputs(r *repo.Repo, doc *task.Document, src []byte) (evidence.Current, []evidence.File, error) {
	s, err := NewSnapshot(r)
	if err != nil {
		return evidence.Current{}, nil, err
	}
	return s.Inputs(doc, src)
}

// Snapshot is one listing of a repository's files, its HEAD and its
// contract hash, shared by the inputs of many tasks (the board).
type Snapshot struct {
	r      *repo.Repo
	git    *gitdiff.Repo // nil outside git
	commit string
	paths  []string // root-relative, slash-separated, sorted
	// contract is computed on first use.
	contractDone bool
	contractHash string
	contractErr  error
	data         map[string][]byte
}

// NewSnapshot lists the files under r.Root and reads HEAD.
func NewSnapshot(r *repo.Repo) (*Snapshot, error) {
	s := &Snapshot{r: r, data: map[string][]byte{}}
	g, err := openGit(r.Root)
	if err != nil {
		return nil, err
	}
	if g != nil {
		s.git = g
		if s.commit, err = g.Head(); err != nil {
			return nil, err
		}
		if s.paths, err = g.Files(r.Root); err != nil {
			return nil, err
		}
	} else if s.paths, err = walkFiles(r.Root); err != nil {
		return nil, err
	}
	kept := s.paths[:0]
	for _, p := range s.paths {
		if p != Dir && !strings.HasPrefix(p, Dir+"/") {
			kept = append(kept, p)
		}
	}
	s.paths = kept
	sort.Strings(s.paths)
	return s, nil
}

// Commit is HEAD, "" outside git or before the first commit.
func (s *Snapshot) Commit() string { return s.commit }

// IsGit reports whether the root is inside a git work tree.
func (s *Snapshot) IsGit() bool { return s.git != nil }

// IsAncestor reports whether commit is HEAD or one of its ancestors
// (git merge-base --is-ancestor). Outside git it is an error.
func (s *Snapshot) IsAncestor(commit string) (bool, error) {
	if s.git == nil {
		return false, fmt.Errorf("%s is not in a git work tree, so evidence cannot be tied to a commit; run git init and commit", s.r.Root)
	}
	if s.commit == "" {
		return false, fmt.Errorf("HEAD has no commit yet; commit, then run taskproof prove")
	}
	return s.git.IsAncestor(commit, s.commit)
}

// Inputs is the package-level Inputs over this snapshot.
func (s *Snapshot) Inputs(doc *task.Document, src []byte) (evidence.Current, []evidence.File, error) {
	cur := evidence.Current{Commit: s.commit}
	var err error
	if cur.ContractHash, err = s.ContractHash(); err != nil {
		return evidence.Current{}, nil, err
	}
	if src == nil {
		p := doc.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(s.r.Root, filepath.FromSlash(p))
		}
		if src, err = os.ReadFile(p); err != nil {
			return evidence.Current{}, nil, fmt.Errorf("read task %s: %w", doc.Path, err)
		}
	}
	cur.StopConditionsHash = evidence.HashText(StopConditionsText(doc, src))
	names := AllowlistedPaths(doc, s.paths, s.excluded(doc))
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

// excluded lists the paths never hashed for doc: its own file and the board.
func (s *Snapshot) excluded(doc *task.Document) []string {
	out := []string{path.Clean(doc.Path)}
	if b := s.r.Config.Tasks.Board; b != "" {
		out = append(out, path.Clean(filepath.ToSlash(b)))
	}
	return out
}

// read returns a file's content (a symlink's target); ok is false when it
// is gone (a deleted tracked file) or not a file (a submodule).
func (s *Snapshot) read(name string) ([]byte, bool, error) {
	if d, ok := s.data[name]; ok {
		return d, d != nil, nil
	}
	full := filepath.Join(s.r.Root, filepath.FromSlash(name))
	st, err := os.Lstat(full)
	var data []byte
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, false, fmt.Errorf("allowlisted file %s: %w", name, err)
	case st.Mode()&fs.ModeSymlink != 0:
		t, err := os.Readlink(full)
		if err != nil {
			return nil, false, fmt.Errorf("allowlisted symlink %s: %w", name, err)
		}
		data = []byte(filepath.ToSlash(t))
	case st.Mode().IsRegular():
		if data, err = os.ReadFile(full); err != nil {
			return nil, false, fmt.Errorf("allowlisted file %s: %w", name, err)
		}
		if data == nil {
			data = []byte{}
		}
	}
	s.data[name] = data
	return data, data != nil, nil
}

// ContractHash is the hash of the repository's contract ([proof] contract
// of taskproof.toml, relative to the root), "" when the file does not
// exist. A contract that exists but does not load is an error: evidence
// cannot be judged against it.
func (s *Snapshot) ContractHash() (string, error) {
	if !s.contractDone {
		s.contractHash, s.contractErr = contractHash(s.r)
		s.contractDone = true
	}
	return s.contractHash, s.contractErr
}

func contractHash(r *repo.Repo) (string, error) {
	name := r.Config.Proof.Contract
	if name == "" {
		return "", nil
	}
	full := filepath.Join(r.Root, filepath.FromSlash(name))
	if _, err := os.Stat(full); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	clean := path.Clean(filepath.ToSlash(name))
	fsys, fname := os.DirFS(r.Root), clean
	if !fs.ValidPath(clean) {
		// A contract outside the root (../shared/contract.toml) is read
		// from its own directory.
		fsys, fname = os.DirFS(filepath.Dir(full)), filepath.Base(full)
	}
	c, err := contract.Load(fsys, fname)
	if err != nil {
		return "", fmt.Errorf("contract %s: %w (run taskproof contract lint)", name, err)
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

// walkFiles lists the files under root outside git, skipping .git and
// .taskproof directories.
func walkFiles(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, rerr := filepath.Rel(root, p)
		if rerr != nil {
			return rerr
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (d.Name() == ".git" || rel == Dir) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0 {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list files under %s: %w", root, err)
	}
	return out, nil
}
