package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/board"
)

// HandBoard is the hand-written board init reads groups from, relative to
// the repository root (the default tasks directory, as there is no
// configuration yet).
const HandBoard = "tasks/STATUS-BOARD.md"

// ConfigFileFor is the configuration init writes for the repository at
// root: the defaults, with the groups of its hand-written board
// (HandBoard), when it has one, pre-filled; groups is how many. Only a
// board that exists but cannot be read is an error.
func ConfigFileFor(root string) (file []byte, groups int, err error) {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(HandBoard)))
	if errors.Is(err, fs.ErrNotExist) {
		return ConfigFile(), 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", HandBoard, err)
	}
	file, groups = ConfigFileFromBoard(src, HandBoard)
	return file, groups, nil
}

// ConfigFileFromBoard is the configuration init writes for a repository
// whose hand-written board from has the content src: the defaults, with
// the board's groups pre-filled when it lists any; groups is how many.
func ConfigFileFromBoard(src []byte, from string) (file []byte, groups int) {
	gs := board.HandGroups(src)
	if len(gs) == 0 {
		return ConfigFile(), 0
	}
	return ConfigFileWithGroups(gs, from), len(gs)
}
