package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/gitdiff"
	"github.com/taskproof/taskproof/internal/proofrun"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/testout"
)

// sentinels are the exit codes of the errors the domain packages export
// (README, "Exit codes"); cli.ExitCode tries a command's own error class
// first, then these in order. Anything else is bad input (exit 2).
var sentinels = []cli.Sentinel{
	{Err: proofrun.ErrTimeout, Code: cli.ExitTimeout},
	{Err: proofrun.ErrInfra, Code: cli.ExitInfra},
	{Err: prove.ErrInfra, Code: cli.ExitInfra},
	{Err: context.Canceled, Code: cli.ExitInfra},
	{Err: context.DeadlineExceeded, Code: cli.ExitInfra},
	{Err: gitdiff.ErrNoCommit, Code: cli.ExitFindings}, // recheck of a commit not fetched
	{Err: gitdiff.ErrNoGit, Code: cli.ExitInfra},
	{Err: gitdiff.ErrNotRepo, Code: cli.ExitInfra},
	{Err: gitdiff.ErrUnknownRev, Code: cli.ExitInfra},
	{Err: gitdiff.ErrGit, Code: cli.ExitInfra},
	{Err: repo.ErrWrite, Code: cli.ExitInfra},
	{Err: proofrun.ErrFailed, Code: cli.ExitFindings},
	{Err: prove.ErrRefused, Code: cli.ExitFindings},
	{Err: prove.ErrNotProven, Code: cli.ExitFindings},
	{Err: proofstate.ErrRefused, Code: cli.ExitFindings},
	{Err: testout.ErrNoOutput, Code: cli.ExitFindings},
}
