package board

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/taskproof/taskproof/internal/config"
)

// TestHandGroups reads the groups of testdata/drift-board.md in board
// order, with ranges as taskproof.toml writes them.
func TestHandGroups(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "drift-board.md"))
	if err != nil {
		t.Fatal(err)
	}
	got := HandGroups(data)
	want := []config.Group{
		{Name: "Hardware", Tasks: []string{"TASK-0001..TASK-0002", "TASK-0005"}},
		{Name: "Firmware", Tasks: []string{"TASK-0003", "TASK-0004", "TASK-0006..TASK-0007"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("HandGroups = %#v\nwant %#v", got, want)
	}
	specs, err := GroupsFromConfig(got)
	if err != nil {
		t.Fatalf("groups do not load as taskproof.toml groups: %v", err)
	}
	if len(specs) != len(got) {
		t.Errorf("%d specs for %d groups", len(specs), len(got))
	}

	// A backwards range contains nothing and taskproof.toml refuses it.
	g := HandGroups([]byte("### G\n- Tasks: `TASK-0009`..`TASK-0003`, TASK-0001, TASK-0001\n"))
	if len(g) != 1 || !reflect.DeepEqual(g[0].Tasks, []string{"TASK-0001"}) {
		t.Errorf("backwards range and duplicate: %#v", g)
	}
}
