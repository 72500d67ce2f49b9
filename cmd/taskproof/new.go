package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scaffold"
	"github.com/taskproof/taskproof/internal/task"
)

const newHelp = `Creates a task document with the next free id (highest number + 1) from the
repository's template ([tasks] template in taskproof.toml, by default
tasks/TASK-TEMPLATE.md; the built-in template when that file does not
exist): title "<id> TITLE", status Draft, created DATE (default: today),
every TASK-XXXX replaced by the id. The file is tasks/<id>-<slug>.md and
its path is printed.

--follow-up TASK-0003 gives the new task the id TASK-0003B (then C, D, ...:
the letter after the highest one the number has; a follow-up of TASK-0003B
takes the next letter too) and a "Parent task:" link to TASK-0003's file.
The link does not block: add depends-on when the follow-up must wait.

An existing file is never overwritten.

Exit codes: 0 created, 1 the file exists or the --follow-up task does not,
2 usage error or unreadable repository, 3 the file could not be written.`

// newOptions are the inputs of `taskproof new`.
type newOptions struct {
	Root     string
	Title    string
	FollowUp string // id of the task the new one follows, "" for a fresh number
	Date     string // YYYY-MM-DD for created:
}

func cmdNew(ctx context.Context, env *cliEnv, args []string) error {
	o := newOptions{}
	fs := newFlagSet(env, "new", `new "TITLE" [--follow-up TASK-ID] [--date YYYY-MM-DD] [--root DIR]`, newHelp)
	fs.rootFlag(&o.Root)
	fs.StringVar(&o.FollowUp, "follow-up", "", "make a follow-up of `TASK-ID` (TASK-0003 -> TASK-0003B)")
	fs.StringVar(&o.Date, "date", "", "created date `YYYY-MM-DD` (default today)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef(`want exactly one argument, the title (quote it: taskproof new "Boot the guest"), got %d`, len(pos))
	}
	o.Title = pos[0]
	if o.Date == "" {
		o.Date = time.Now().Format(time.DateOnly)
	}
	return runNew(ctx, o, env)
}

// runNew writes the new task document and prints its path.
func runNew(ctx context.Context, o newOptions, env *cliEnv) error {
	title := strings.Join(strings.Fields(o.Title), " ")
	if title == "" {
		return usagef("the title is empty; give the task a short title")
	}
	if _, err := time.Parse(time.DateOnly, o.Date); err != nil {
		return usagef("--date %q is not a date; use YYYY-MM-DD", o.Date)
	}
	var base task.ID
	if o.FollowUp != "" {
		id, ok := task.ParseID(o.FollowUp)
		if !ok {
			return usagef("--follow-up %q is not a task id; use TASK-NNNN or TASK-NNNNB", o.FollowUp)
		}
		base = id
	}
	// A repository without its tasks directory yet (a fresh `init`) gets
	// one: creating the first task is how it starts.
	r := repo.Open(o.Root)
	cfg, err := r.Config()
	if err != nil {
		return err
	}
	dir := filepath.Join(o.Root, cfg.Tasks.Dir)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return infra(fmt.Errorf("create tasks directory: %w", err))
		}
	}
	all, err := r.Tasks()
	if err != nil {
		return err
	}
	var existing []task.ID
	for _, d := range all {
		existing = append(existing, d.ID, d.FileID)
	}

	var id task.ID
	var parent *scaffold.Parent
	if base != "" {
		docs, _ := r.Find(base)
		if len(docs) == 0 {
			return findings(fmt.Errorf("--follow-up %s: no task file in %s has that id; give the id of an existing task", base, dir))
		}
		if id, err = scaffold.FollowUpID(base, existing); err != nil {
			return findings(err)
		}
		parent = &scaffold.Parent{ID: base, Path: docs[0].Path}
	} else {
		id = scaffold.NextID(existing)
	}

	tmplPath := filepath.Join(o.Root, cfg.Tasks.Template)
	tmpl, err := os.ReadFile(tmplPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		tmpl = scaffold.BuiltinTemplate()
	case err != nil:
		return fmt.Errorf("read template %s: %w", tmplPath, err)
	}
	var content []byte
	if parent != nil {
		content = scaffold.RenderFollowUp(tmpl, string(id), title, o.Date, *parent)
	} else {
		content = scaffold.Render(tmpl, string(id), title, o.Date)
	}

	target := filepath.Join(dir, scaffold.FileName(id, title))
	if err := atomicfile.Create(target, content, 0o644); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return findings(fmt.Errorf("%s already exists; refusing to overwrite it (its id was not among the task files, is it outside [tasks] pattern %q?); rename or remove it", target, cfg.Tasks.Pattern))
		}
		return infra(err)
	}
	fmt.Fprintln(env.stdout, target)
	return nil
}
