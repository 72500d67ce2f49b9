// Package repo opens a repository of task documents: it reads taskproof.toml
// (or uses the conventional layout), finds the task files and parses them.
// It is the one place that touches the file system for task documents.
package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/task"
)

// Repo is a repository's configuration and parsed task documents.
type Repo struct {
	Root   string
	Config *config.Config
	// HasConfig is true when taskproof.toml exists.
	HasConfig bool
	// Docs are sorted by path. Paths are relative to Root, slash-separated.
	Docs []*task.Document
}

// Open loads the repository at root. A missing taskproof.toml means the
// defaults; a missing tasks directory is an error naming the fix.
func Open(root string) (*Repo, error) {
	r := &Repo{Root: root, Config: config.Default()}
	cfgPath := filepath.Join(root, config.FileName)
	data, err := os.ReadFile(cfgPath)
	switch {
	case err == nil:
		c, err := config.Parse(cfgPath, data)
		if err != nil {
			return nil, err
		}
		r.Config, r.HasConfig = c, true
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, fmt.Errorf("read %s: %w", cfgPath, err)
	}
	dir := filepath.Join(root, r.Config.Tasks.Dir)
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("no tasks directory %s; use --root to point at the repository or set [tasks] dir in %s", dir, config.FileName)
	}
	paths, err := filepath.Glob(filepath.Join(dir, r.Config.Tasks.Pattern))
	if err != nil {
		return nil, fmt.Errorf("%s: bad [tasks] pattern %q: %w", config.FileName, r.Config.Tasks.Pattern, err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if filepath.Base(p) == filepath.Base(r.Config.Tasks.Template) {
			continue
		}
		d, err := r.ParseFile(p)
		if err != nil {
			return nil, err
		}
		r.Docs = append(r.Docs, d)
	}
	return r, nil
}

// ParseFile reads and parses one task file (inside the repository or not),
// classifying its status with the repository's vocabulary.
func (r *Repo) ParseFile(path string) (*task.Document, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	d, err := task.Parse(r.Rel(path), src)
	if err != nil {
		return nil, err
	}
	d.Status.Class = task.Classify(d.Status.Raw, r.Config.Status.Vocabulary, r.Config.Status.Aliases)
	return d, nil
}

// Rel returns path relative to the root, slash-separated, or path itself
// when it is outside the root.
func (r *Repo) Rel(path string) string {
	abs, err1 := filepath.Abs(path)
	root, err2 := filepath.Abs(r.Root)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(root, abs); err == nil && !filepath.IsAbs(rel) && rel != ".." && !startsWithDotDot(rel) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(path)
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator)
}

// Find returns the documents with the given id (more than one when the
// repository has duplicate ids).
func (r *Repo) Find(id task.ID) []*task.Document {
	var out []*task.Document
	for _, d := range r.Docs {
		if d.ID == id {
			out = append(out, d)
		}
	}
	return out
}

// LoadConfig reads root's taskproof.toml, or returns the defaults when the
// file does not exist (found is then false). Unlike Open it needs no tasks
// directory, for commands that only need the configuration.
func LoadConfig(root string) (cfg *config.Config, found bool, err error) {
	path := filepath.Join(root, config.FileName)
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		c, err := config.Parse(path, data)
		if err != nil {
			return nil, false, err
		}
		return c, true, nil
	case errors.Is(err, fs.ErrNotExist):
		return config.Default(), false, nil
	}
	return nil, false, fmt.Errorf("read %s: %w", path, err)
}
