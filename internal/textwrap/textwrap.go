// Package textwrap fills text into lines for terminals and reports.
package textwrap

import "strings"

// Words splits text into lines of at most width bytes at spaces (a word
// longer than width stands alone on its line); no words give no lines.
func Words(text string, width int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			out = append(out, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}
