package scope

import (
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

// TestCheckIgnoresOwnTemp: a temporary file of taskproof's own (a writer
// killed mid-write leaves one) is never a touched path, also as the old
// side of a rename; a look-alike of another tool still is.
func TestCheckIgnoresOwnTemp(t *testing.T) {
	a := Compile("tasks/TASK-0001-x.md", []task.PathItem{{Raw: "`src/`", Pattern: "src/", Line: 5}}, nil)
	r := Check(a, []Change{
		{Path: "tasks/.TASK-0001-x.md.tmp-3141592", Status: StatusUntracked},
		{Path: ".taskproof/evidence/.TASK-0001.tar.tmp-42", Status: StatusAdded},
		{Path: "src/a.go", Status: StatusRenamed, OldPath: "src/.a.go.tmp-7"},
		{Path: "tasks/.TASK-0001-x.md.swp", Status: StatusUntracked},
	})
	if len(r.Touched) != 2 {
		t.Errorf("touched %+v; want src/a.go and the .swp file", r.Touched)
	}
	if len(r.Violations) != 1 || r.Violations[0].Path != "tasks/.TASK-0001-x.md.swp" {
		t.Errorf("violations %+v; want only the .swp file", r.Violations)
	}
}
