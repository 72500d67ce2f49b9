package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/board"
)

// Drift compares r's hand-written board and implementation-order files
// with the task headers. boardFile and orderFile are files given (which
// must exist); "" means STATUS-BOARD.md and IMPLEMENTATION-ORDER.md in
// the tasks directory, skipped when absent. Neither file is an error that
// says what to pass.
func (r *Repo) Drift(boardFile, orderFile string) (*board.Report, error) {
	docs, cfg, err := r.TasksAndConfig()
	if err != nil {
		return nil, err
	}
	tasksDir := filepath.Join(r.Root, filepath.FromSlash(cfg.Tasks.Dir))
	defBoard, defOrder := filepath.Join(tasksDir, "STATUS-BOARD.md"), filepath.Join(tasksDir, "IMPLEMENTATION-ORDER.md")
	boardSrc, err := r.driftSource(boardFile, defBoard, "--board")
	if err != nil {
		return nil, err
	}
	orderSrc, err := r.driftSource(orderFile, defOrder, "--order")
	if err != nil {
		return nil, err
	}
	if boardSrc == nil && orderSrc == nil {
		return nil, fmt.Errorf("nothing to check: neither %s nor %s exists; pass --board FILE or --order FILE", r.Rel(defBoard), r.Rel(defOrder))
	}
	return board.Drift(board.DriftInput{Board: boardSrc, Order: orderSrc, Docs: docs, Classify: board.DriftClassifier(cfg)}), nil
}

// driftSource reads an explicitly given file (which must exist) or the
// default one (skipped when absent).
func (r *Repo) driftSource(given, def, flag string) (*board.Source, error) {
	p := given
	if p == "" {
		p = def
	}
	data, err := os.ReadFile(p)
	switch {
	case err == nil:
		return &board.Source{Path: r.Rel(p), Data: data}, nil
	case given == "" && errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s %s: no such file", flag, given)
	default:
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
}
