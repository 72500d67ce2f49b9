package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

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

// CreateTask writes the new task NewTask makes and returns its path:
// title as typed (its spaces collapsed), date YYYY-MM-DD, followUp the id
// of the task it follows ("" for a fresh number). It never overwrites a
// file (ErrTaskFileExists). A repository without its tasks directory yet
// (a fresh init) gets one: creating the first task is how it starts.
func (r *Repo) CreateTask(title, date, followUp string) (string, error) {
	title = strings.Join(strings.Fields(title), " ")
	if title == "" {
		return "", errors.New("the title is empty; give the task a short title")
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return "", fmt.Errorf("--date %q is not a date; use YYYY-MM-DD", date)
	}
	var base task.ID
	if followUp != "" {
		id, ok := task.ParseID(followUp)
		if !ok {
			return "", fmt.Errorf("--follow-up %q is not a task id; use TASK-NNNN or TASK-NNNNB", followUp)
		}
		base = id
	}
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
	path, content, err := r.NewTask(title, date, base)
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
