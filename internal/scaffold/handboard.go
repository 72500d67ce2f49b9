package scaffold

import "github.com/taskproof/taskproof/internal/board"

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
