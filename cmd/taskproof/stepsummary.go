package main

import (
	"fmt"

	"github.com/taskproof/taskproof/internal/cli"
)

// proveStepSummary appends prove's job summary; failing to is a warning,
// since the evidence is already written.
func proveStepSummary(env *cli.Env, md []byte) {
	if err := cli.AppendStepSummary(env, md); err != nil {
		fmt.Fprintf(env.Stderr, "taskproof prove: warning: %v\n", err)
	}
}
