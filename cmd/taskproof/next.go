package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/taskproof/taskproof/internal/graph"
)

const nextHelp = `Lists the tasks that can start now, sorted by id: tasks whose status is not
Done, Superseded, Deferred or Blocked, that are on no dependency cycle, and
whose blocking dependencies (depends-on, dependency link labels, prose such
as "gated on", Unblocks: written on the other task) all have a file with
status Done. A dependency with no file, or one that is Superseded, is not
Done. Follow-up, parent and superseded-by references do not block.

--format text (default) prints id, status and title per line (a status
outside the vocabulary in parentheses, shortened); --format json
prints [{"id", "title", "status", "class", "file"}]. Cycles are reported on
stderr as warnings (their tasks are never ready).

Exit codes: 0 the list was printed (it may be empty), 2 usage error or
unreadable repository.`

// nextOptions are the inputs of `taskproof next`.
type nextOptions struct {
	Root   string
	Format string // text or json
}

func cmdNext(ctx context.Context, env *cliEnv, args []string) error {
	o := nextOptions{}
	fs := newFlagSet(env, "next", "next [--root DIR] [--format text|json]", nextHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q; next takes no arguments", pos[0])
	}
	return runNext(ctx, o, env)
}

// readyTask is one line of `next --format json`.
type readyTask struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"` // as written in the header
	Class  string `json:"class"`  // normalised; "" when outside the vocabulary
	File   string `json:"file"`
}

// runNext prints the ready tasks of the repository at o.Root.
func runNext(ctx context.Context, o nextOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	_, _, docs, err := openTasks(o.Root)
	if err != nil {
		return err
	}
	g := graph.Build(docs)
	ready := g.ReadyNodes()
	var b bytes.Buffer
	switch o.Format {
	case "json":
		list := make([]readyTask, 0, len(ready))
		for _, n := range ready {
			list = append(list, readyTask{ID: string(n.ID), Title: n.Title, Status: n.Status, Class: string(n.Class), File: n.File})
		}
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(list); err != nil {
			return infra(fmt.Errorf("encode: %w", err))
		}
	default:
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, n := range ready {
			status := string(n.Class)
			switch {
			case status == "" && n.Status == "":
				status = "(no status)"
			case status == "":
				status = "(" + nextClip(nextCell(n.Status), 24) + ")" // outside the vocabulary
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", n.ID, status, nextCell(n.Title))
		}
		tw.Flush()
	}
	if _, err := env.stdout.Write(b.Bytes()); err != nil {
		return infra(fmt.Errorf("write output: %w", err))
	}
	if len(ready) == 0 && o.Format == "text" {
		fmt.Fprintln(env.stderr, "taskproof next: no task is ready")
	}
	warnGraph(env, "next", g, false)
	return nil
}

// nextClip shortens s to max runes, marking the cut with an ellipsis.
func nextClip(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// nextCell collapses whitespace so that a value cannot break the table.
func nextCell(s string) string {
	return string(bytes.Join(bytes.Fields([]byte(s)), []byte(" ")))
}
