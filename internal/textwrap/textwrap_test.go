package textwrap

import (
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	for _, c := range []struct {
		text  string
		width int
		want  string // lines joined by |
	}{
		{"", 10, ""},
		{"   ", 10, ""},
		{"one", 10, "one"},
		{"one two three", 7, "one two|three"},
		{"one two three", 3, "one|two|three"},
		{"a verylongword b", 5, "a|verylongword|b"},
		{"tabs\tand\nnewlines  count as spaces", 15, "tabs and|newlines count|as spaces"},
	} {
		if got := strings.Join(Words(c.text, c.width), "|"); got != c.want {
			t.Errorf("Words(%q, %d) = %q, want %q", c.text, c.width, got, c.want)
		}
	}
}
