package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// WriteJSON writes v as two-space-indented JSON with a trailing newline,
// the one JSON shape every command prints. Its failures are
// infrastructure errors (exit 3): v is always one of our own types, so
// only the write itself can fail.
func WriteJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return Infra(fmt.Errorf("encode json: %w", err))
	}
	return Write(w, append(WithSchemaVersion(b), '\n'))
}

// WriteOutput writes v as JSON when format is "json", else the text that
// text renders.
func WriteOutput(w io.Writer, format string, v any, text func() []byte) error {
	if format == "json" {
		return WriteJSON(w, v)
	}
	return Write(w, text())
}

// Write writes data; failing to is an infrastructure error.
func Write(w io.Writer, data []byte) error {
	if _, err := w.Write(data); err != nil {
		return Infra(fmt.Errorf("write output: %w", err))
	}
	return nil
}

// ProgressWanted reports whether stderr is a terminal and CI is unset:
// only then is a live progress line shown.
func ProgressWanted(env *Env) bool {
	if env.Getenv("CI") != "" {
		return false
	}
	f, ok := env.Stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Warn prints each warning as "taskproof NAME: warning: ...".
func Warn(env *Env, name string, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintf(env.Stderr, "taskproof %s: warning: %s\n", name, w)
	}
}

// FirstLine trims s to its first line, for one-line messages.
func FirstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
