package main

import "github.com/taskproof/taskproof/internal/cli"

// changeFlags are the flags of the checks of a change, scope and hygiene.
type changeFlags struct {
	Root string
	cli.FindingOutput
	Base string // base revision; "" chooses one
}

func (o *changeFlags) register(f *cli.FlagSet) {
	f.RootFlag(&o.Root)
	f.FindingFlags(&o.FindingOutput)
	f.StringVar(&o.Base, "base", "", "base `REV`; the merge base of REV and HEAD is compared with the work tree (default: upstream, else main, else master, else HEAD)")
}
