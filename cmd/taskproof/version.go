package main

import "github.com/taskproof/taskproof/internal/cli"

// version is taskproof's version: the -ldflags value when one was given,
// else what Go recorded in the build (cli.ResolveVersion).
func init() {
	version = cli.BuildVersion(version)
}
