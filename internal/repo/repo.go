// Package repo opens a repository once and serves what commands need from
// it, each part loaded on first use and then kept: the configuration
// (taskproof.toml or the conventional layout), the marker contract, the
// parsed task documents and lookups by id or path, the content of files
// under the root, and git (HEAD, the state of the work tree, the change
// against a base). It is the one place that reads a repository's inputs,
// so each is read once per command.
//
// A Repo is one command's view: what it read stays as read (open a new
// Repo to see later changes), and it is not safe for concurrent use.
package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/gitdiff"
	"github.com/taskproof/taskproof/internal/task"
)

// StateDir is taskproof's own state directory under the root (keys, run
// history, evidence): never part of a task's change or content.
const StateDir = ".taskproof"

// Errors of a repository's inputs. Every error this package returns for
// these conditions wraps one of them, with a message naming the fix.
var (
	// ErrNoTasksDir: the configured tasks directory does not exist.
	ErrNoTasksDir = errors.New("no tasks directory")
	// ErrNotTaskID: an argument is neither a task id nor a task file.
	ErrNotTaskID = errors.New("not a task id")
	// ErrNoTask: no task file has the id, or the named file does not exist.
	ErrNoTask = errors.New("no such task")
	// ErrAmbiguousTask: several task files have the id.
	ErrAmbiguousTask = errors.New("ambiguous task id")
	// ErrNoContract: the contract file does not exist.
	ErrNoContract = errors.New("no marker contract")
	// ErrNoFreeID: a new task cannot get an id (every follow-up letter
	// of its number is taken).
	ErrNoFreeID = errors.New("no free task id")
)

// Options tune how a repository is opened.
type Options struct {
	// OnRead, when set, is called with the path of every file the
	// repository reads from disk, as it reads it (the file cache makes
	// that once per file). Tests use it to count reads.
	OnRead func(path string)
	// OnParse, when set, is called with the absolute path of every task
	// file the repository parses, as it parses it.
	OnParse func(path string)
}

// Repo is one repository, opened once.
type Repo struct {
	// Root is the directory the repository was opened at, as given.
	Root string
	opts Options

	files map[string]cached // by absolute path

	cfg     *config.Config
	cfgOK   bool // cfg or cfgErr is set
	cfgErr  error
	hasConf bool

	tasks    []*task.Document
	tasksOK  bool
	tasksErr error
	parsed   map[string]*task.Document // by absolute path

	contracts map[string]*contractLoad // by directory and name

	git *gitState
}

type cached struct {
	data []byte
	err  error
}

// Open returns the repository at root. Nothing is read until it is asked
// for.
func Open(root string) *Repo {
	return OpenWith(root, Options{})
}

// OpenWith is Open with options.
func OpenWith(root string, o Options) *Repo {
	if root == "" {
		root = "."
	}
	return &Repo{Root: root, opts: o, files: map[string]cached{},
		parsed: map[string]*task.Document{}, contracts: map[string]*contractLoad{}}
}

// abs is path (relative to the working directory, or absolute) made
// absolute and clean, the key of the file cache.
func abs(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return filepath.Clean(path)
}

// ReadFile returns the content of the file at path (relative to the
// working directory, or absolute), reading it from disk the first time.
// A read error is kept too: the file is not tried twice.
func (r *Repo) ReadFile(path string) ([]byte, error) {
	key := abs(path)
	if c, ok := r.files[key]; ok {
		return c.data, c.err
	}
	if r.opts.OnRead != nil {
		r.opts.OnRead(key)
	}
	data, err := os.ReadFile(path)
	if err == nil && data == nil {
		data = []byte{}
	}
	r.files[key] = cached{data, err}
	return data, err
}

// Path is a root-relative, slash-separated name made a path to open.
func (r *Repo) Path(rel string) string {
	return filepath.Join(r.Root, filepath.FromSlash(rel))
}

// Rel returns path relative to the root, slash-separated, or path itself
// when it is outside the root.
func (r *Repo) Rel(path string) string {
	root, err1 := filepath.Abs(r.Root)
	a, err2 := filepath.Abs(path)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(root, a); err == nil && filepath.IsLocal(rel) {
			return filepath.ToSlash(rel)
		}
		if a == root {
			return "."
		}
	}
	return filepath.ToSlash(path)
}

// Config is taskproof.toml at the root, or the defaults when there is
// none, read once.
func (r *Repo) Config() (*config.Config, error) {
	if !r.cfgOK {
		r.cfgOK = true
		path := filepath.Join(r.Root, config.FileName)
		data, err := r.ReadFile(path)
		switch {
		case err == nil:
			r.cfg, r.cfgErr = config.Parse(path, data)
			r.hasConf = r.cfgErr == nil
		case errors.Is(err, fs.ErrNotExist):
			r.cfg = config.Default()
		default:
			r.cfgErr = fmt.Errorf("read %s: %w", path, err)
		}
	}
	return r.cfg, r.cfgErr
}

// HasConfig reports whether the root has a taskproof.toml that parses:
// only then is its configuration a decision of the repository rather than
// a default.
func (r *Repo) HasConfig() bool {
	_, err := r.Config()
	return err == nil && r.hasConf
}

// gitState is the repository's git work tree, opened once.
type gitState struct {
	g      *gitdiff.Repo
	err    error
	prefix string // the root's path inside the work tree, "" or "dir/"
	status *gitdiff.Status
	files  []string
	change map[string]*Change
}
