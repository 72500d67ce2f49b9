package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/task"
)

// Tasks returns the task documents of the repository ([tasks] dir and
// pattern, the template left out), sorted by path, each file read and
// parsed once. Paths are relative to the root, slash-separated.
func (r *Repo) Tasks() ([]*task.Document, error) {
	if r.tasksOK {
		return r.tasks, r.tasksErr
	}
	r.tasksOK = true
	r.tasks, r.tasksErr = r.loadTasks()
	return r.tasks, r.tasksErr
}

// TasksAndConfig returns the task documents (Tasks) and the
// configuration they were read with (Config): what most commands start
// from.
func (r *Repo) TasksAndConfig() ([]*task.Document, *config.Config, error) {
	docs, err := r.Tasks()
	if err != nil {
		return nil, nil, err
	}
	cfg, err := r.Config()
	return docs, cfg, err
}

func (r *Repo) loadTasks() ([]*task.Document, error) {
	cfg, err := r.Config()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(r.Root, cfg.Tasks.Dir)
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, inputErr(ErrNoTasksDir, "no tasks directory %s; use --root to point at the repository or set [tasks] dir in %s", dir, config.FileName)
	}
	paths, err := filepath.Glob(filepath.Join(dir, cfg.Tasks.Pattern))
	if err != nil {
		return nil, fmt.Errorf("%s: bad [tasks] pattern %q: %w", config.FileName, cfg.Tasks.Pattern, err)
	}
	sort.Strings(paths)
	var docs []*task.Document
	for _, p := range paths {
		if filepath.Base(p) == filepath.Base(cfg.Tasks.Template) {
			continue
		}
		d, err := r.ParseFile(p)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// ParseFile returns the document of the task file at path (relative to
// the working directory, or absolute; inside the repository or not), its
// status classified with the repository's vocabulary. Each file is parsed
// once: a file already parsed, through Tasks or here, is not read again.
func (r *Repo) ParseFile(path string) (*task.Document, error) {
	key := abs(path)
	if d, ok := r.parsed[key]; ok {
		return d, nil
	}
	cfg, err := r.Config()
	if err != nil {
		return nil, err
	}
	src, err := r.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if r.opts.OnParse != nil {
		r.opts.OnParse(key)
	}
	d, err := task.Parse(r.Rel(path), src)
	if err != nil {
		return nil, err
	}
	d.Status.Class = task.Classify(d.Status.Raw, cfg.Status.Vocabulary, cfg.Status.Aliases)
	r.parsed[key] = d
	return d, nil
}

// File is the path to open for doc's file.
func (r *Repo) File(doc *task.Document) string {
	if filepath.IsAbs(doc.Path) {
		return doc.Path
	}
	return r.Path(doc.Path)
}

// Source returns the bytes doc was parsed from (read once).
func (r *Repo) Source(doc *task.Document) ([]byte, error) {
	data, err := r.ReadFile(r.File(doc))
	if err != nil {
		return nil, fmt.Errorf("read task %s: %w", doc.Path, err)
	}
	return data, nil
}

// Find returns the documents with the given id (more than one when the
// repository has duplicate ids).
func (r *Repo) Find(id task.ID) ([]*task.Document, error) {
	docs, err := r.Tasks()
	if err != nil {
		return nil, err
	}
	var out []*task.Document
	for _, d := range docs {
		if d.ID == id {
			out = append(out, d)
		}
	}
	return out, nil
}

// Lookup resolves a command-line argument to documents: a path to a task
// file (ending in .md, relative to the working directory or to the root),
// or an id, which may name several files. Nothing found is ErrNoTask; an
// argument that is neither is ErrNotTaskID.
func (r *Repo) Lookup(arg string) ([]*task.Document, error) {
	if strings.HasSuffix(strings.ToLower(arg), ".md") {
		p := arg
		if _, err := os.Stat(p); err != nil && !filepath.IsAbs(p) {
			p = filepath.Join(r.Root, p)
		}
		if _, err := os.Stat(p); err != nil {
			return nil, inputErr(ErrNoTask, "no task file %s", arg)
		}
		d, err := r.ParseFile(p)
		if err != nil {
			return nil, err
		}
		return []*task.Document{d}, nil
	}
	id, ok := task.ParseID(arg)
	if !ok {
		return nil, inputErr(ErrNotTaskID, "%q is not a task id; expected TASK-NNNN or TASK-NNNNB (e.g. TASK-0003B)", arg)
	}
	docs, err := r.Find(id)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		cfg, _ := r.Config()
		all, _ := r.Tasks()
		return nil, inputErr(ErrNoTask, "no task %s in %s (%d task files matching %s); check the id or use --root",
			id, filepath.Join(r.Root, cfg.Tasks.Dir), len(all), cfg.Tasks.Pattern)
	}
	return docs, nil
}

// Task resolves a command-line argument to exactly one document (see
// Lookup); an id of several files is ErrAmbiguousTask.
func (r *Repo) Task(arg string) (*task.Document, error) {
	docs, err := r.Lookup(arg)
	if err != nil {
		return nil, err
	}
	if len(docs) > 1 {
		paths := make([]string, len(docs))
		for i, d := range docs {
			paths[i] = d.Path
		}
		return nil, inputErr(ErrAmbiguousTask, "%s is the id of %d files (%s); pass the file path instead", docs[0].ID, len(docs), strings.Join(paths, ", "))
	}
	return docs[0], nil
}

// ResolveFile finds a task file named on the command line: as given
// (relative to the working directory), else relative to the root. A file
// outside the root is made absolute, so that its relative links resolve
// from its own directory. A file found nowhere is ErrNoTask.
func (r *Repo) ResolveFile(f string) (string, error) {
	if _, err := os.Stat(f); err == nil {
		if a := abs(f); r.Rel(a) == filepath.ToSlash(a) {
			return a, nil
		}
		return f, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", f, err)
	}
	if !filepath.IsAbs(f) {
		p := filepath.Join(r.Root, f)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", inputErr(ErrNoTask, "no such task file %s (looked relative to the current directory and to --root %s)", f, r.Root)
}

// inputError is an error about the repository's inputs whose message
// stands alone; it matches its sentinel with errors.Is.
type inputError struct {
	kind error
	msg  string
}

func (e *inputError) Error() string { return e.msg }
func (e *inputError) Unwrap() error { return e.kind }

func inputErr(kind error, format string, a ...any) error {
	return &inputError{kind: kind, msg: fmt.Sprintf(format, a...)}
}
