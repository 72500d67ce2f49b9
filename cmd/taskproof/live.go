package main

import (
	"fmt"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/live"
)

// startLive starts the live record 'taskproof serve' follows; without one
// the command runs all the same (a warning says why).
func startLive(env *cli.Env, name, root, kind, task string, command []string) *live.Recorder {
	rec, err := live.Start(root, kind, task, command)
	if err != nil {
		fmt.Fprintf(env.Stderr, "taskproof %s: warning: no live record for the dashboard: %v\n", name, err)
		return nil
	}
	return rec
}

// finishLive ends the live record, linked to the ledger runs recorded;
// a failure is a warning.
func finishLive(env *cli.Env, name string, rec *live.Recorder, verdict, reason string, ledgerIDs ...int64) {
	if err := rec.Finish(verdict, reason, ledgerIDs...); err != nil {
		fmt.Fprintf(env.Stderr, "taskproof %s: warning: live record incomplete: %v\n", name, err)
	}
}
