package ledger

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
)

// OpenIfExists opens the ledger of root for reading. When there is none
// it returns a nil ledger and the sentence that says so; it never creates
// the file.
func OpenIfExists(root string) (*Ledger, string, error) {
	path := DefaultPath(root)
	l, err := OpenExisting(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Sprintf("no runs recorded yet (%s does not exist)", path), nil
	}
	return l, "", err
}

// HistoryReport is what `taskproof history` reports: the runs of one
// task (or of all, TaskID ""), newest first.
type HistoryReport struct {
	TaskID    string `json:"task_id"` // "" for every task
	Truncated bool   `json:"truncated"`
	Runs      []Run  `json:"runs"`
}

// Text is the table of runs; all adds the task column.
func (doc HistoryReport) Text(all bool) []byte {
	var b bytes.Buffer
	what := doc.TaskID
	if all {
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
	if all {
		head += "TASK\t"
	}
	fmt.Fprintln(tw, head+"COMMIT\tPROFILE\tVERDICT\tDURATION\tMARKERS\tTESTS\tDOD\tEVIDENCE")
	for _, r := range doc.Runs {
		row := strconv.FormatInt(r.ID, 10) + "\t" + r.StartedAt.UTC().Format(time.RFC3339) + "\t" + string(r.Kind) + "\t"
		if all {
			row += dash(r.TaskID) + "\t"
		}
		seen, passed, proven := 0, 0, 0
		for _, m := range r.Markers {
			if m.Seen {
				seen++
			}
		}
		for _, t := range r.Tests {
			if t.Outcome == Passed {
				passed++
			}
		}
		for _, it := range r.Items {
			if it.Verdict == "proven" {
				proven++
			}
		}
		row += strings.Join([]string{
			shortCommit(r.Commit, r.Dirty), dash(r.Profile), r.Verdict,
			(time.Duration(r.DurationMS) * time.Millisecond).String(),
			ratio(seen, len(r.Markers)), ratio(passed, len(r.Tests)), ratio(proven, len(r.Items)),
			dash(r.EvidencePath),
		}, "\t")
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
	return b.Bytes()
}

// shortCommit is the short form of a commit id: 7 hex digits, with
// "-dirty" when the work tree had changes, "-" when unknown.
func shortCommit(c string, dirty bool) string {
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

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ratio is "n/total", "-" when there is nothing to count.
func ratio(n, total int) string {
	if total == 0 {
		return "-"
	}
	return strconv.Itoa(n) + "/" + strconv.Itoa(total)
}

// shellArgv joins argv for display, single-quoting arguments the shell
// would split or expand.
func shellArgv(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// FlakyReport is what `taskproof flaky` reports.
type FlakyReport struct {
	MinRuns int         `json:"min_runs"`
	Items   []FlakyItem `json:"items"`
}

// Text is the table of flaky markers and tests, most unstable first.
func (doc FlakyReport) Text() []byte {
	var b bytes.Buffer
	if len(doc.Items) == 0 {
		fmt.Fprintf(&b, "no flaky markers or tests: each had one outcome in all runs of the same task, command, commit and profile (groups of at least %d runs; runs without a commit or on a dirty tree are not compared)\n", doc.MinRuns)
		return b.Bytes()
	}
	what := fmt.Sprintf("%d flaky markers and tests", len(doc.Items))
	if len(doc.Items) == 1 {
		what = "1 flaky marker or test"
	}
	fmt.Fprintf(&b, "%s: outcome varied across runs of the same task, command, commit and profile (groups of at least %d runs)\n", what, doc.MinRuns)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RATE\tKIND\tNAME\tOUTCOMES\tRUNS\tCOMMIT\tPROFILE\tTASK\tCOMMAND")
	for _, it := range doc.Items {
		name := it.Name
		if it.Suite != "" {
			name += " (" + it.Suite + ")"
		}
		var counts []string
		for _, c := range it.Outcomes {
			counts = append(counts, c.Outcome+" "+strconv.Itoa(c.Count))
		}
		fmt.Fprintln(tw, strings.Join([]string{
			strconv.FormatFloat(it.Rate, 'f', 2, 64), it.Kind, name, strings.Join(counts, ", "),
			strconv.Itoa(it.Runs), shortCommit(it.Commit, false), dash(it.Profile),
			dash(it.TaskID), shellArgv(it.Command),
		}, "\t"))
	}
	tw.Flush()
	return b.Bytes()
}

// HistoryReport reads the newest limit runs (0: all) of taskID ("" for
// every task) into a report; Truncated says there are more.
func (l *Ledger) HistoryReport(ctx context.Context, taskID string, limit int) (HistoryReport, error) {
	doc := HistoryReport{TaskID: taskID, Runs: []Run{}}
	n := 0 // all
	if limit > 0 {
		n = limit + 1 // one more than shown says whether there are more
	}
	runs, err := l.History(ctx, taskID, n)
	if err != nil {
		return doc, err
	}
	if limit > 0 && len(runs) > limit {
		runs, doc.Truncated = runs[:limit], true
	}
	doc.Runs = runs
	return doc, nil
}
