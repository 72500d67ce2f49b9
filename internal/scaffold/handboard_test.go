package scaffold

import (
	"bytes"
	"os"
	"path/filepath"
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

// TestConfigFileFor: no hand-written board gives the defaults, one with
// groups pre-fills them, and one that cannot be read (a directory) is an
// error naming it.
func TestConfigFileFor(t *testing.T) {
	root := t.TempDir()
	file, n, err := ConfigFileFor(root)
	if err != nil || n != 0 || !bytes.Equal(file, ConfigFile()) {
		t.Errorf("no board: %d groups, %v", n, err)
	}
	board := filepath.Join(root, filepath.FromSlash(HandBoard))
	if err := os.MkdirAll(board, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ConfigFileFor(root); err == nil || !strings.Contains(err.Error(), "read "+HandBoard) {
		t.Errorf("unreadable board: %v", err)
	}
	if err := os.Remove(board); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(board, []byte("### Boot\n- Tasks: TASK-0001\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if file, n, err := ConfigFileFor(root); err != nil || n != 1 || !strings.Contains(string(file), "TASK-0001") {
		t.Errorf("a board with a group: %d groups, %v", n, err)
	}
}
