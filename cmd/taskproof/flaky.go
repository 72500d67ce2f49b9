package main

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/taskproof/taskproof/internal/ledger"
)

const flakySynopsis = "flaky [--root DIR] [--min-runs N] [--format text|json]"

const flakyHelp = `Reports the required markers and the tests whose outcome varied across
the runs recorded in the run ledger (.taskproof/ledger.db) for the same
task, command, commit and contract profile: the same proof of the same
code, which should always end the same way. For each: the rate (the share
of runs in which the marker was seen or the test passed), the count of
every outcome, the number of runs, and the group. The most unstable come
first (an even split before a rare miss), then by name.

Runs without a commit or on a dirty work tree are left out: their code is
not known to be the same. --min-runs N ignores groups with fewer than N
runs of a marker or test (at least 2).

--format json prints {"min_runs", "items"}; each item has kind, name,
suite, task_id, commit, profile, command, runs, outcomes, rate,
instability (1 - the share of the most common outcome) and the first and
last run ids (see 'taskproof history').

The command only reads: without a ledger it says so and creates nothing.

Exit codes: 0 reported (flaky results are a report, not a failure), 2 usage
error or an unreadable ledger.`

// flakyOptions are the inputs of `taskproof flaky`.
type flakyOptions struct {
	Root    string
	Format  string // text or json
	MinRuns int
}

func cmdFlaky(ctx context.Context, env *cliEnv, args []string) error {
	o := flakyOptions{}
	fs := newFlagSet(env, "flaky", flakySynopsis, flakyHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.IntVar(&o.MinRuns, "min-runs", 2, "consider only groups of at least `N` runs")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("flaky takes no arguments, got %q; usage: taskproof %s", pos[0], flakySynopsis)
	}
	return runFlaky(ctx, o, env)
}

// flakyJSON is the --format json document.
type flakyJSON struct {
	MinRuns int                `json:"min_runs"`
	Items   []ledger.FlakyItem `json:"items"`
}

func runFlaky(ctx context.Context, o flakyOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	if o.MinRuns < 2 {
		return usagef("--min-runs must be at least 2 (one run cannot vary); got %d", o.MinRuns)
	}
	doc := flakyJSON{MinRuns: o.MinRuns, Items: []ledger.FlakyItem{}}
	l, missing, err := ledgerOpenExisting(o.Root)
	if err != nil {
		return err
	}
	if l != nil {
		defer l.Close()
		if doc.Items, err = l.Flaky(context.Background(), ledger.FlakyOptions{MinRuns: o.MinRuns}); err != nil {
			return err
		}
	}
	switch {
	case o.Format == "json":
		return writeJSON(env.stdout, doc)
	case l == nil:
		fmt.Fprintln(env.stdout, missing)
		return nil
	}
	_, err = env.stdout.Write(renderFlakyText(doc))
	return err
}

// renderFlakyText is the table of --format text.
func renderFlakyText(doc flakyJSON) []byte {
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
			strconv.Itoa(it.Runs), ledgerCommit(it.Commit, false), ledgerDash(it.Profile),
			ledgerDash(it.TaskID), ledgerArgv(it.Command),
		}, "\t"))
	}
	tw.Flush()
	return b.Bytes()
}
