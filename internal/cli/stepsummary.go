package cli

import (
	"fmt"
	"os"
)

// AppendStepSummary appends Markdown to $GITHUB_STEP_SUMMARY when GitHub
// Actions set it (its job summary protocol); elsewhere it does nothing.
func AppendStepSummary(env *Env, md []byte) error {
	p := env.Getenv("GITHUB_STEP_SUMMARY")
	if p == "" {
		return nil
	}
	if err := appendFile(p, append(md, '\n')); err != nil {
		return fmt.Errorf("append job summary: %w", err)
	}
	return nil
}

// appendFile appends data to path, creating it.
func appendFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// WarnStepSummary appends md to the job summary as AppendStepSummary
// does; failing to is a warning of command name, for a command whose
// results are already written.
func WarnStepSummary(env *Env, name string, md []byte) {
	if err := AppendStepSummary(env, md); err != nil {
		Warn(env, name, []string{err.Error()})
	}
}
