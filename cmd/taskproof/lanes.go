package main

import (
	"github.com/taskproof/taskproof/internal/prove"

	"github.com/taskproof/taskproof/internal/cli"
)

// laneObserver reports the runs of a many-task prove: plain lines (one
// when a run starts, one when it ends) when stderr is not a terminal or
// CI is set, else one live line per lane above the finished runs' lines.
func laneObserver(env *cli.Env, jobs int) prove.Observer {
	if cli.ProgressWanted(env) {
		return prove.LaneView(env.Stderr, jobs)
	}
	return prove.RunLines(env.Stderr)
}
