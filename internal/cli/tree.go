package cli

import (
	"context"
	"io"
	"strings"
)

// Node is a command as completion and the man page describe it: its
// path, summary, synopsis, help text, flags and subcommands.
type Node struct {
	Path     []string // "contract", "lint"
	Summary  string
	Synopsis string
	Help     string
	Flags    []FlagDoc
	Subs     []*Node
}

// Name is the command's path joined by spaces ("contract lint").
func (n *Node) Name() string { return strings.Join(n.Path, " ") }

// CommandTree describes every command of prog's table. A leaf's flags are
// learnt by running it with --help and keeping the flag set it makes, so
// they are the flags it really parses.
func CommandTree(ctx context.Context, prog *Program) []*Node {
	var walk func(c *Command, path []string) []*Node
	walk = func(c *Command, path []string) []*Node {
		var out []*Node
		for _, s := range c.Subs {
			p := append(append([]string{}, path...), s.Name)
			n := &Node{Path: p, Summary: s.Summary, Synopsis: s.Synopsis, Help: s.Help}
			if s.Run != nil {
				var seen *FlagSet
				env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Program: prog,
					Getenv: func(string) string { return "" }, SawFlags: func(f *FlagSet) {
						if seen == nil {
							seen = f
						}
					}}
				_ = s.Run(ctx, env, []string{"--help"})
				if seen != nil {
					n.Synopsis, n.Help, n.Flags = seen.Synopsis, seen.Help, FlagDocs(seen.FlagSet)
				}
			}
			n.Subs = walk(s, p)
			out = append(out, n)
		}
		return out
	}
	if prog == nil || prog.Root == nil {
		return nil
	}
	return walk(prog.Root, nil)
}
