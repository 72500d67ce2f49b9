package main

import (
	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/harness"
)

// containmentHelp is the end of the help of run and prove: how a run's
// processes are held, and which mechanism this system gives.
func containmentHelp() string {
	return helpText("containment") + "\n" + harness.ContainmentHelp()
}

// checkContainment refuses an unknown TASKPROOF_CONTAINMENT before
// anything runs: a usage error, not an INFRA verdict of every run.
func checkContainment(env *cli.Env) error {
	if _, err := harness.ParseContainment(env.Getenv(harness.EnvContainment)); err != nil {
		return cli.Usagef("%v", err)
	}
	return nil
}
