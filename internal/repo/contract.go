package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/contract"
)

// Contract is a loaded marker contract and where it came from.
type Contract struct {
	*contract.Contract
	// Path names the contract file the way the user reaches it from the
	// working directory: the configured contract joined to the root, or
	// a --contract path as given.
	Path string
	// dir is the directory the contract's file names are relative to.
	dir string
}

// Display turns a file name of the contract (its root file, an include,
// the source of a marker or finding) into the path a user opens.
func (c *Contract) Display(name string) string {
	return filepath.Join(c.dir, filepath.FromSlash(name))
}

// Wrap makes an error of the contract name its file as a user opens it:
// a positioned error (file:line) names its file by the displayed path,
// any other is prefixed with the contract's path.
func (c *Contract) Wrap(err error) error {
	var ce *contract.Error
	if errors.As(err, &ce) {
		return &contract.Error{File: c.Display(ce.File), Line: ce.Line, Msg: ce.Msg, Err: ce.Err}
	}
	return fmt.Errorf("%s: %w", c.Path, err)
}

// MissingContractError is a contract file that does not exist (or cannot
// be looked at); it matches ErrNoContract. Commands say what to do about
// it in their own words.
type MissingContractError struct {
	Path string // as the user names it
	Err  error  // why it cannot be read
}

func (e *MissingContractError) Error() string        { return "no marker contract at " + e.Path }
func (e *MissingContractError) Unwrap() error        { return e.Err }
func (e *MissingContractError) Is(target error) bool { return target == ErrNoContract }

// contractLoad is one load of one contract file, kept.
type contractLoad struct {
	c   *Contract
	err error
}

// Contract returns the repository's marker contract ([proof] contract of
// taskproof.toml, relative to the root), loaded once. A missing file is
// ErrNoContract; an invalid one an error naming file and line.
func (r *Repo) Contract() (*Contract, error) {
	cfg, err := r.Config()
	if err != nil {
		return nil, err
	}
	rel := cfg.Proof.Contract
	if strings.TrimSpace(rel) == "" {
		return nil, &MissingContractError{Path: rel, Err: fmt.Errorf("[proof] contract is empty in %s", config.FileName)}
	}
	return r.load(r.Root, rel, filepath.Join(r.Root, filepath.FromSlash(rel)))
}

// ContractFile returns the contract at path, relative to the working
// directory (a --contract flag), loaded once. When it is the repository's
// own contract, it is the same load.
func (r *Repo) ContractFile(path string) (*Contract, error) {
	return r.load(".", path, path)
}

// ContractFrom returns the contract at path relative to dir (a task's
// proof command names it relative to the root it runs in), loaded once.
func (r *Repo) ContractFrom(dir, path string) (*Contract, error) {
	shown := path
	if !filepath.IsAbs(path) {
		shown = filepath.Join(dir, path)
	}
	return r.load(dir, path, shown)
}

// ContractRel is the contract's path relative to the root, slash-separated,
// when it lies inside the root (as the evidence records it), else its path.
func (r *Repo) ContractRel(c *Contract) string {
	return r.Rel(c.Path)
}

// load is the one way a contract file is found and read. The file is read
// from the directory base when it lies inside it, so that its file names
// (and so its hash, which evidence binds) are relative to base; a file
// outside base is read from its own directory.
func (r *Repo) load(base, path, shown string) (*Contract, error) {
	full := path
	if !filepath.IsAbs(full) {
		full = filepath.Join(base, path)
	}
	c := &Contract{Path: shown}
	name := ""
	if rel, err := filepath.Rel(abs(base), abs(full)); err == nil && filepath.IsLocal(rel) {
		c.dir, name = base, filepath.ToSlash(rel)
	} else {
		c.dir, name = filepath.Dir(full), filepath.Base(full)
	}
	// One load per directory and name: the names are what the hash covers.
	key := abs(c.dir) + "\x00" + name
	if l, ok := r.contracts[key]; ok {
		return l.c, l.err
	}
	l := &contractLoad{}
	r.contracts[key] = l
	if _, err := os.Stat(full); err != nil {
		l.err = &MissingContractError{Path: shown, Err: err}
		return nil, l.err
	}
	loaded, err := contract.Load(cachedFS{FS: os.DirFS(c.dir), dir: c.dir, r: r}, name)
	if err != nil {
		l.err = c.Wrap(err)
		return nil, l.err
	}
	c.Contract = loaded
	l.c = c
	return c, nil
}

// cachedFS reads the contract's files through the repository's file
// cache, so a file that is also allowlisted content is read once.
type cachedFS struct {
	fs.FS
	dir string
	r   *Repo
}

// Stat and ReadDir reach the directory's own (os.DirFS), one system call
// each: without them fs.Stat and fs.Glob, which resolve a contract's
// includes, open every file and directory to ask.
func (f cachedFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(f.FS, name) }

func (f cachedFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(f.FS, name) }

func (f cachedFS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrInvalid}
	}
	data, err := f.r.ReadFile(filepath.Join(f.dir, filepath.FromSlash(name)))
	if err != nil {
		// contract.Load names the file itself; keep the error's kind.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, &fs.PathError{Op: "read", Path: name, Err: pe.Err}
		}
		return nil, err
	}
	return data, nil
}

// GivenContract is the contract a command reads: the file given (a
// --contract flag), or the repository's when given is "". A given file
// that is missing is an error naming it; a missing repository contract
// is nil when optional, else an error that says how to make or name one.
func (r *Repo) GivenContract(given string, optional bool) (*Contract, error) {
	load := r.Contract
	if given != "" {
		load = func() (*Contract, error) { return r.ContractFile(given) }
	}
	c, err := load()
	var missing *MissingContractError
	switch {
	case !errors.As(err, &missing):
		return c, err
	case given != "":
		return nil, fmt.Errorf("cannot read contract %s: %v", missing.Path, missing.Err)
	case optional:
		return nil, nil
	}
	return nil, fmt.Errorf("no marker contract at %s; create it (see docs/contract.md), set [proof] contract in taskproof.toml, or pass --contract FILE", missing.Path)
}
