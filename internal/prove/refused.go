package prove

import "fmt"

// Lines are the problems of the refused task, one line each, prefixed by
// the position (FILE or FILE:LINE) they are at.
func (e *RefusedError) Lines() []string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		pos := e.Task.Path
		if p.Line > 0 {
			pos = fmt.Sprintf("%s:%d", e.Task.Path, p.Line)
		}
		lines[i] = pos + ": " + p.Message
	}
	return lines
}
