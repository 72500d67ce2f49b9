package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/task"
)

const historySynopsis = "history TASK-ID | --all [--root DIR] [--limit N] [--format text|json]"

const historyHelp = `Lists the runs recorded in the run ledger (.taskproof/ledger.db, an
embedded SQLite database that prove and run write to) for TASK-ID, newest
first: run id, start time (RFC 3339, UTC), kind (prove or run), commit (short;
"-dirty" when the work tree had changes), contract profile, verdict,
duration, required markers seen, tests passed, Definition-of-Done items
proven, and the evidence bundle.

--all lists every run instead: every task's, and the plain runs of
'taskproof run' that belong to no task (task "-").

TASK-ID is matched case-insensitively and may use a Unicode hyphen.
--limit N shows the newest N runs (0 for all). --format json prints
{"task_id", "truncated", "runs"} with every run's markers, tests and items.

The command only reads: without a ledger it says so and creates nothing.

Exit codes: 0 listed (also when nothing is recorded), 2 usage error or an
unreadable ledger.`

// historyOptions are the inputs of `taskproof history`.
type historyOptions struct {
	Root   string
	Format string // text or json
	Task   string // canonical id; "" with All
	All    bool
	Limit  int
}

func cmdHistory(ctx context.Context, env *cliEnv, args []string) error {
	o := historyOptions{}
	fs := newFlagSet(env, "history", historySynopsis, historyHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.BoolVar(&o.All, "all", false, "list every run: all tasks and plain runs")
	fs.IntVar(&o.Limit, "limit", 20, "show the newest `N` runs; 0 for all")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	switch {
	case o.All && len(pos) > 0:
		return usagef("give either TASK-ID or --all, not both")
	case o.All:
	case len(pos) == 0:
		return usagef("missing TASK-ID; usage: taskproof %s", historySynopsis)
	case len(pos) > 1:
		return usagef("history takes one TASK-ID, got %d arguments", len(pos))
	default:
		id, ok := task.ParseID(pos[0])
		if !ok {
			return usagef("%q is not a task id; expected TASK-NNNN (e.g. TASK-0003 or TASK-0003B)", pos[0])
		}
		o.Task = string(id)
	}
	return runHistory(ctx, o, env)
}

// historyJSON is the --format json document.
type historyJSON struct {
	TaskID    string       `json:"task_id"` // "" with --all
	Truncated bool         `json:"truncated"`
	Runs      []ledger.Run `json:"runs"`
}

func runHistory(ctx context.Context, o historyOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	if o.Limit < 0 {
		return usagef("--limit must be 0 (all) or more; got %d", o.Limit)
	}
	doc := historyJSON{TaskID: o.Task, Runs: []ledger.Run{}}
	l, missing, err := ledgerOpenExisting(o.Root)
	if err != nil {
		return err
	}
	if l != nil {
		defer l.Close()
		limit := 0 // all
		if o.Limit > 0 {
			limit = o.Limit + 1 // one more than shown says whether there are more
		}
		runs, err := l.History(context.Background(), o.Task, limit)
		if err != nil {
			return err
		}
		if o.Limit > 0 && len(runs) > o.Limit {
			runs, doc.Truncated = runs[:o.Limit], true
		}
		doc.Runs = runs
	}
	if o.Format == "json" {
		return writeJSON(env.stdout, doc)
	}
	switch {
	case l == nil:
		fmt.Fprintln(env.stdout, missing)
		return nil
	case len(doc.Runs) == 0 && o.All:
		fmt.Fprintln(env.stdout, "no runs recorded yet")
		return nil
	case len(doc.Runs) == 0:
		fmt.Fprintf(env.stdout, "no runs recorded for %s\n", o.Task)
		return nil
	}
	_, err = env.stdout.Write(renderHistoryText(o, doc))
	return err
}

// renderHistoryText is the table of --format text.
func renderHistoryText(o historyOptions, doc historyJSON) []byte {
	var b bytes.Buffer
	what := o.Task
	if o.All {
		what = "all tasks and runs"
	}
	runs := fmt.Sprintf("%d runs", len(doc.Runs))
	if len(doc.Runs) == 1 {
		runs = "1 run"
	}
	if doc.Truncated {
		runs = fmt.Sprintf("newest %d runs (--limit 0 shows all)", len(doc.Runs))
	}
	fmt.Fprintf(&b, "%s: %s, newest first\n", what, runs)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	head := "ID\tSTARTED\tKIND\t"
	if o.All {
		head += "TASK\t"
	}
	fmt.Fprintln(tw, head+"COMMIT\tPROFILE\tVERDICT\tDURATION\tMARKERS\tTESTS\tDOD\tEVIDENCE")
	for _, r := range doc.Runs {
		row := strconv.FormatInt(r.ID, 10) + "\t" + r.StartedAt.UTC().Format(time.RFC3339) + "\t" + string(r.Kind) + "\t"
		if o.All {
			row += ledgerDash(r.TaskID) + "\t"
		}
		seen, passed, proven := 0, 0, 0
		for _, m := range r.Markers {
			if m.Seen {
				seen++
			}
		}
		for _, t := range r.Tests {
			if t.Outcome == ledger.Passed {
				passed++
			}
		}
		for _, it := range r.Items {
			if it.Verdict == "proven" {
				proven++
			}
		}
		row += strings.Join([]string{
			ledgerCommit(r.Commit, r.Dirty), ledgerDash(r.Profile), r.Verdict,
			(time.Duration(r.DurationMS) * time.Millisecond).String(),
			ledgerRatio(seen, len(r.Markers)), ledgerRatio(passed, len(r.Tests)), ledgerRatio(proven, len(r.Items)),
			ledgerDash(r.EvidencePath),
		}, "\t")
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
	return b.Bytes()
}

// ledgerOpenExisting opens the ledger of root for reading. When there is
// none it returns a nil ledger and the sentence that says so; it never
// creates the file.
func ledgerOpenExisting(root string) (*ledger.Ledger, string, error) {
	path := ledger.DefaultPath(root)
	l, err := ledger.OpenExisting(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Sprintf("no runs recorded yet (%s does not exist)", path), nil
	}
	return l, "", err
}

// ledgerCommit is the short form of a commit id: 7 hex digits, with
// "-dirty" when the work tree had changes, "-" when unknown.
func ledgerCommit(c string, dirty bool) string {
	if len(c) > 7 {
		c = c[:7]
	}
	if c == "" {
		c = "-"
	}
	if dirty {
		c += "-dirty"
	}
	return c
}

func ledgerDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ledgerRatio is "n/total", "-" when there is nothing to count.
func ledgerRatio(n, total int) string {
	if total == 0 {
		return "-"
	}
	return strconv.Itoa(n) + "/" + strconv.Itoa(total)
}

// ledgerArgv joins argv for display, single-quoting arguments the shell
// would split or expand.
func ledgerArgv(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
