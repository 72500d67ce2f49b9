package main

import "fmt"

// appendStepSummary appends Markdown to $GITHUB_STEP_SUMMARY when GitHub
// Actions set it (its job summary protocol); elsewhere it does nothing.
func appendStepSummary(env *cliEnv, md []byte) error {
	p := env.getenv("GITHUB_STEP_SUMMARY")
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
func proveStepSummary(env *cliEnv, md []byte) {
	if err := appendStepSummary(env, md); err != nil {
		fmt.Fprintf(env.stderr, "taskproof prove: warning: %v\n", err)
	}
}
