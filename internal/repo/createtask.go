package repo

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/task"
)

var (
	// ErrTaskFileExists: the file a new task would be exists, though no
	// task file has its id (it is outside the [tasks] pattern).
	ErrTaskFileExists = errors.New("task file exists")
	// ErrWrite: a file or directory of the repository could not be
	// written (the environment failed, not the input).
	ErrWrite = errors.New("cannot write the repository")
)

// CreateTask writes the new task NewTask makes (title, date, followUp)
// and returns its path. It never overwrites a file (ErrTaskFileExists).
// A repository without its tasks directory yet (a fresh init) gets one:
// creating the first task is how it starts.
func (r *Repo) CreateTask(title, date string, followUp task.ID) (string, error) {
	cfg, err := r.Config()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(r.Root, cfg.Tasks.Dir)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", inputErr(ErrWrite, "create tasks directory: %v", err)
		}
	}
	path, content, err := r.NewTask(title, date, followUp)
	if err != nil {
		return "", err
	}
	if err := atomicfile.Create(path, content, 0o644); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return "", inputErr(ErrTaskFileExists, "%s already exists; refusing to overwrite it (its id was not among the task files, is it outside [tasks] pattern %q?); rename or remove it", path, cfg.Tasks.Pattern)
		}
		return "", inputErr(ErrWrite, "%v", err)
	}
	return path, nil
}
