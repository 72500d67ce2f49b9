package scaffold

import (
	"reflect"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/config"
)

// TestConfigFileWithGroups: groups read from a hand-written board are
// written as [[groups]] that load back unchanged, names with quotes and
// backslashes included, and replace the commented example.
func TestConfigFileWithGroups(t *testing.T) {
	groups := []config.Group{
		{Name: `Kernel "core" & Runtime \ SMP`, Tasks: []string{"TASK-0001", "TASK-0010..TASK-0011"}},
		{Name: "Empty", Tasks: []string{}},
	}
	src := ConfigFileWithGroups(groups, "tasks/STATUS-BOARD.md")
	cfg, err := config.Parse("taskproof.toml", src)
	if err != nil {
		t.Fatalf("written file does not load: %v\n%s", err, src)
	}
	if len(cfg.Groups) != 2 || !reflect.DeepEqual(cfg.Groups[0], groups[0]) || cfg.Groups[1].Name != "Empty" || len(cfg.Groups[1].Tasks) != 0 {
		t.Errorf("groups = %#v, want %#v", cfg.Groups, groups)
	}
	if strings.Contains(string(src), "# [[groups]]") || !strings.Contains(string(src), "read from tasks/STATUS-BOARD.md") {
		t.Errorf("example or provenance comment wrong:\n%s", src)
	}
}
