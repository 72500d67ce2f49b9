package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/taskproof/taskproof/internal/graph"
)

// writeJSON writes v as two-space-indented JSON with a trailing newline,
// the one JSON shape every command prints. Its failures are
// infrastructure errors (exit 3): v is always one of our own types, so
// only the write itself can fail.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return infra(fmt.Errorf("encode json: %w", err))
	}
	return write(w, append(b, '\n'))
}

// writeOutput writes v as JSON when format is "json", else the text that
// text renders.
func writeOutput(w io.Writer, format string, v any, text func() []byte) error {
	if format == "json" {
		return writeJSON(w, v)
	}
	return write(w, text())
}

// write writes data; failing to is an infrastructure error.
func write(w io.Writer, data []byte) error {
	if _, err := w.Write(data); err != nil {
		return infra(fmt.Errorf("write output: %w", err))
	}
	return nil
}

// progressWanted reports whether stderr is a terminal and CI is unset:
// only then is a live progress line shown.
func progressWanted(env *cliEnv) bool {
	if env.getenv("CI") != "" {
		return false
	}
	f, ok := env.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// warnGraph prints one warning line per cycle and, when dangling is set,
// per dangling id, naming the first file and line that refers to it.
func warnGraph(env *cliEnv, name string, g *graph.Graph, dangling bool) {
	for _, c := range g.Cycles {
		ids := make([]string, len(c))
		for i, id := range c {
			ids[i] = string(id)
		}
		fmt.Fprintf(env.stderr, "taskproof %s: warning: dependency cycle among %s; none of them can become ready until one of their blocking references is removed\n", name, strings.Join(ids, ", "))
	}
	if !dangling {
		return
	}
	for _, id := range g.Dangling {
		where := ""
		if ref, ok := g.FirstReference(id); ok {
			where = fmt.Sprintf(" (first at %s:%d)", ref.File, ref.Line)
		}
		fmt.Fprintf(env.stderr, "taskproof %s: warning: %s is referenced but no task file has that id%s\n", name, id, where)
	}
}

// firstLine trims s to its first line, for one-line messages.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
