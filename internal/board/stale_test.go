package board

import (
	"strings"
	"testing"
)

func TestStaleDiff(t *testing.T) {
	gen := []byte("# Board\n\n| a | b |\n")
	if d := StaleDiff("B.md", []byte("# Board\r\n\r\n| a | b |\r\n"), gen); d != "" {
		t.Errorf("CRLF checkout of the same board is stale:\n%s", d)
	}
	d := StaleDiff("B.md", []byte("# Board\n\n| a | c |\n"), gen)
	if !strings.Contains(d, "B.md (committed)") || !strings.Contains(d, "| a | b |") {
		t.Errorf("changed board: diff %q names neither the file nor the line", d)
	}
}
