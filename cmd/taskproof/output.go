package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
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
	return write(w, append(withSchemaVersion(b), '\n'))
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

// warn prints each warning as "taskproof NAME: warning: ...".
func warn(env *cliEnv, name string, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintf(env.stderr, "taskproof %s: warning: %s\n", name, w)
	}
}

// firstLine trims s to its first line, for one-line messages.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
