package prove

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scope"
)

// TestProveEnvRecord: the task's assignments, then the profile's, secrets
// redacted.
func TestProveEnvRecord(t *testing.T) {
	got := EnvRecord(
		[]dod.EnvVar{{Name: "RUN_TIMEOUT", Value: "90s"}, {Name: "MODE", Value: "task"}, {Name: "GH_TOKEN", Value: "abc"}},
		map[string]string{"MODE": "profile", "db_password": "x", "API_KEY": "k", "Z": "z"})
	want := []evidence.EnvVar{{Name: "RUN_TIMEOUT", Value: "90s"}, {Name: "GH_TOKEN", Value: Redacted}, {Name: "API_KEY", Value: Redacted}, {Name: "MODE", Value: "profile"}, {Name: "Z", Value: "z"}, {Name: "db_password", Value: Redacted}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("proveEnvRecord = %v; want %v", got, want)
	}
	if got := EnvRecord(nil, nil); got == nil || len(got) != 0 {
		t.Errorf("empty record = %#v; want an empty list", got)
	}
}

// TestScopeRootBelowGitTop: with --root a subdirectory of the work tree,
// allowlist items are relative to the root, changes elsewhere in the tree
// are another project's, .taskproof/ is never a change, and a rename out
// of the root is a violation.
func TestScopeRootBelowGitTop(t *testing.T) {
	gittest.Require(t)
	top := t.TempDir()
	gittest.WriteFiles(t, top, map[string]string{
		"other/x.txt":               "x\n",
		"proj/src/a.c":              "int a;\n",
		"proj/src/moved.c":          "int m;\n",
		"proj/README.md":            "readme\n",
		"proj/tasks/TASK-0001-a.md": "# TASK-0001: A\n\n- Status: Draft\n\n## Touched paths (allowlist)\n\n- `src/`\n",
	})
	gittest.Repo(t, top)
	root := filepath.Join(top, "proj")
	gittest.WriteFiles(t, top, map[string]string{
		"other/x.txt":               "changed\n",
		"proj/src/a.c":              "int a = 1;\n",
		"proj/.taskproof/ledger.db": "state\n",
	})
	res, err := scopeOf(t, root)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || len(res.Touched) != 1 || res.Touched[0].Path != "src/a.c" || res.File != "tasks/TASK-0001-a.md" {
		t.Fatalf("scope of a subdirectory root: ok=%v touched=%+v violations=%+v file=%s", res.OK(), res.Touched, res.Violations, res.File)
	}
	gittest.WriteFiles(t, top, map[string]string{"proj/README.md": "changed\n"})
	gittest.Git(t, top, "mv", "proj/src/moved.c", "other/moved.c")
	res, err = scopeOf(t, root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range res.Violations {
		got = append(got, v.Path)
	}
	if want := []string{"../other/moved.c", "README.md"}; !reflect.DeepEqual(got, want) {
		t.Errorf("violations %q; want %q (touched %+v)", got, want, res.Touched)
	}
	rep, err := CheckHygiene(t.Context(), repo.Open(root), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 {
		t.Errorf("hygiene findings: %+v", rep.Findings)
	}
}

// scopeOf checks TASK-0001's scope in a freshly opened repository.
func scopeOf(t *testing.T, root string) (*scope.Result, error) {
	t.Helper()
	r := repo.Open(root)
	d, err := r.Task("TASK-0001")
	if err != nil {
		t.Fatal(err)
	}
	return CheckScope(t.Context(), r, d, "")
}
