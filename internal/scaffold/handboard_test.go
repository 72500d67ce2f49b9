package scaffold

import (
	"bytes"
	"strings"
	"testing"
)

func TestConfigFileFromBoard(t *testing.T) {
	file, n := ConfigFileFromBoard([]byte("### Boot\n- Tasks: TASK-0001, TASK-0002\n"), "tasks/STATUS-BOARD.md")
	if n != 1 || !strings.Contains(string(file), "[[groups]]") || !strings.Contains(string(file), "TASK-0002") {
		t.Errorf("a board with one group: %d groups, file:\n%s", n, file)
	}
	file, n = ConfigFileFromBoard([]byte("# Board\n\nno groups here\n"), "tasks/STATUS-BOARD.md")
	if n != 0 || !bytes.Equal(file, ConfigFile()) {
		t.Errorf("a board without groups: %d groups, want the default file", n)
	}
}
