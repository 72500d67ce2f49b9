package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/scaffold"
	"github.com/taskproof/taskproof/internal/task"
)

// NewTask is the file a new task would be and its content, from the
// repository's template (the built-in one when that file does not
// exist): the next free id, or with followUp the next follow-up id of
// that task (ErrNoTask when it has no file, ErrNoFreeID when its letters
// are used up), title and the created date. Nothing is written.
func (r *Repo) NewTask(title, date string, followUp task.ID) (path string, content []byte, err error) {
	cfg, err := r.Config()
	if err != nil {
		return "", nil, err
	}
	all, err := r.Tasks()
	if err != nil {
		return "", nil, err
	}
	var existing []task.ID
	for _, d := range all {
		existing = append(existing, d.ID, d.FileID)
	}
	dir := filepath.Join(r.Root, cfg.Tasks.Dir)
	tmplPath := filepath.Join(r.Root, cfg.Tasks.Template)
	tmpl, err := r.ReadFile(tmplPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		tmpl = scaffold.BuiltinTemplate()
	case err != nil:
		return "", nil, fmt.Errorf("read template %s: %w", tmplPath, err)
	}
	if followUp == "" {
		id := scaffold.NextID(existing)
		return filepath.Join(dir, scaffold.FileName(id, title)), scaffold.Render(tmpl, string(id), title, date), nil
	}
	docs, _ := r.Find(followUp)
	if len(docs) == 0 {
		return "", nil, inputErr(ErrNoTask, "--follow-up %s: no task file in %s has that id; give the id of an existing task", followUp, dir)
	}
	id, err := scaffold.FollowUpID(followUp, existing)
	if err != nil {
		return "", nil, inputErr(ErrNoFreeID, "%v", err)
	}
	parent := scaffold.Parent{ID: followUp, Path: docs[0].Path}
	return filepath.Join(dir, scaffold.FileName(id, title)), scaffold.RenderFollowUp(tmpl, string(id), title, date, parent), nil
}
