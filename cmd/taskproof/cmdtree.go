package main

import (
	"context"
	"io"
	"strings"
)

// cmdNode is a command as completion and the man page describe it: its
// path, summary, synopsis, help text, flags and subcommands.
type cmdNode struct {
	Path     []string // "contract", "lint"
	Summary  string
	Synopsis string
	Help     string
	Flags    []flagDoc
	Subs     []*cmdNode
}

// Name is the command's path joined by spaces ("contract lint").
func (n *cmdNode) Name() string { return strings.Join(n.Path, " ") }

// commandTree describes every command of the table. A leaf's flags are
// learnt by running it with --help and keeping the flag set it makes, so
// they are the flags it really parses.
func commandTree(ctx context.Context, root *command) []*cmdNode {
	var walk func(c *command, path []string) []*cmdNode
	walk = func(c *command, path []string) []*cmdNode {
		var out []*cmdNode
		for _, s := range c.subs {
			p := append(append([]string{}, path...), s.name)
			n := &cmdNode{Path: p, Summary: s.summary, Synopsis: s.synopsis, Help: s.help}
			if s.run != nil {
				var seen *flagSet
				env := &cliEnv{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
					getenv: func(string) string { return "" }, sawFlags: func(f *flagSet) {
						if seen == nil {
							seen = f
						}
					}}
				_ = s.run(ctx, env, []string{"--help"})
				if seen != nil {
					n.Synopsis, n.Help, n.Flags = seen.synopsis, seen.help, flagDocs(seen.FlagSet)
				}
			}
			n.Subs = walk(s, p)
			out = append(out, n)
		}
		return out
	}
	if root == nil {
		return nil
	}
	return walk(root, nil)
}
