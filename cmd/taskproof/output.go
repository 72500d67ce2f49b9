package main

import (
	"encoding/json"
	"fmt"
	"io"
)

// writeJSON writes v as two-space-indented JSON with a trailing newline,
// the one JSON shape every command prints. Its failures are
// infrastructure errors (exit 3): v is always one of our own types, so
// only the write itself can fail.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return &exitError{exitInfra, fmt.Errorf("encode json: %w", err)}
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return &exitError{exitInfra, fmt.Errorf("write output: %w", err)}
	}
	return nil
}

// writeOutput writes v as JSON when format is "json", else the text that
// text renders.
func writeOutput(w io.Writer, format string, v any, text func() []byte) error {
	if format == "json" {
		return writeJSON(w, v)
	}
	if _, err := w.Write(text()); err != nil {
		return &exitError{exitInfra, fmt.Errorf("write output: %w", err)}
	}
	return nil
}
