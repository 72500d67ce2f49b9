package proofrun

// Run is the run the flags of a `taskproof run` describe: its command and
// times, terminal, exit codes and log budget. The caller adds what the
// flags do not settle alone: the markers, the log file, where it runs.
func (f *RunFlags) Run() Run {
	return Run{Argv: f.Argv, Timeout: f.Timeout, Drain: f.Drain, Grace: f.Grace, PTY: f.PTY, OKExit: f.OKExit, LogMax: f.LogMax}
}
