package main

import (
	"bytes"
	"fmt"

	"github.com/taskproof/taskproof/internal/evidence"
)

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

// jobSummary is the job summary of a many-task prove: the totals and
// table, then the items of every task that was not proven.
func (r manyReport) jobSummary() []byte {
	var b bytes.Buffer
	b.Write(r.Markdown())
	for _, res := range r.Results {
		if res.Verdict != evidence.Proven {
			b.WriteString("\n")
			b.Write(res.JobSummary())
		}
	}
	return b.Bytes()
}
