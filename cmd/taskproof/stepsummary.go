package main

import (
	"fmt"

	"github.com/taskproof/taskproof/internal/cli"
)

// appendStepSummary appends Markdown to $GITHUB_STEP_SUMMARY when GitHub
// Actions set it (its job summary protocol); elsewhere it does nothing.
func appendStepSummary(env *cli.Env, md []byte) error {
	p := env.Getenv("GITHUB_STEP_SUMMARY")
	if p == "" {
		return nil
	}
	if err := appendFile(p, append(md, '\n')); err != nil {
		return fmt.Errorf("append job summary: %w", err)
	}
	return nil
}

// proveStepSummary appends prove's job summary; failing to is a warning,
// since the evidence is already written.
func proveStepSummary(env *cli.Env, md []byte) {
	if err := appendStepSummary(env, md); err != nil {
		fmt.Fprintf(env.Stderr, "taskproof prove: warning: %v\n", err)
	}
}
