package main

import (
	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
)

// openTasks opens the repository at root with its configuration and its
// task documents: what most commands start from.
func openTasks(root string) (*repo.Repo, *config.Config, []*task.Document, error) {
	r := repo.Open(root)
	docs, err := r.Tasks()
	if err != nil {
		return nil, nil, nil, err
	}
	cfg, err := r.Config()
	return r, cfg, docs, err
}
