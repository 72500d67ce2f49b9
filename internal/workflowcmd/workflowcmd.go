// Package workflowcmd writes GitHub Actions workflow commands
// (`::error file=…,line=…,title=…::message`), which the runner turns into
// annotations on the pull request diff.
package workflowcmd

import (
	"fmt"
	"io"
	"strings"
)

// Annotation is one finding or failure.
type Annotation struct {
	Level   string // "error", "warning" or "notice"
	File    string // repository-relative, slash-separated; "" for none
	Line    int    // 0 for none
	Col     int    // 0 for none
	Title   string
	Message string
}

// Write writes one workflow command per annotation.
func Write(w io.Writer, as []Annotation) error {
	var b strings.Builder
	for _, a := range as {
		level := a.Level
		switch level {
		case "error", "warning", "notice":
		default:
			level = "notice"
		}
		var props []string
		if a.File != "" {
			props = append(props, "file="+escapeProperty(a.File))
		}
		if a.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", a.Line))
		}
		if a.Col > 0 {
			props = append(props, fmt.Sprintf("col=%d", a.Col))
		}
		if a.Title != "" {
			props = append(props, "title="+escapeProperty(a.Title))
		}
		b.WriteString("::" + level)
		if len(props) > 0 {
			b.WriteString(" " + strings.Join(props, ","))
		}
		b.WriteString("::" + escapeData(a.Message) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeData escapes a command's message as the runner unescapes it.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value; ':' and ',' separate
// properties, so they are escaped too.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
