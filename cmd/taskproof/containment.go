package main

import (
	"github.com/taskproof/taskproof/internal/harness"
)

// containmentHelp is the end of the help of run and prove: how a run's
// processes are held, and which mechanism this system gives.
func containmentHelp() string {
	return helpText("containment") + "\n" + harness.ContainmentHelp()
}

// checkContainment refuses an unknown TASKPROOF_CONTAINMENT before
// anything runs: a usage error, not an INFRA verdict of every run.
func checkContainment(env *cliEnv) error {
	if _, err := harness.ParseContainment(env.getenv(harness.EnvContainment)); err != nil {
		return usagef("%v", err)
	}
	return nil
}
