package prove

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/proofrun"
	"github.com/taskproof/taskproof/internal/proofstate"
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

// planRepo is a git repository with a contract and tasks whose proof is a
// shell script printing markers.
func planRepo(t *testing.T, tasks map[string]string) string {
	t.Helper()
	gittest.Require(t)
	root := t.TempDir()
	files := map[string]string{
		"taskproof.toml":      "[proof]\ncanonical = [\"taskproof run *\", \"./boot.sh*\"]\n",
		"proof/contract.toml": "[contract]\nversion = 1\n\n[[marker]]\ntext = \"boot ok\"\nkind = \"ok\"\n",
		"boot.sh":             "#!/bin/sh\necho boot ok\n",
	}
	for name, cmd := range tasks {
		files["tasks/"+name+".md"] = "# " + name + ": t\n\n- Status: Draft\n\n## Stop conditions (Definition of Done)\n\n" +
			"- **Proof (QEMU)**:\n  - Command(s):\n    - `" + cmd + "`\n  - Required markers:\n    - `boot ok`\n\n## Touched paths (allowlist)\n\n- `boot.sh`\n"
	}
	gittest.WriteFiles(t, root, files)
	if err := os.Chmod(filepath.Join(root, "boot.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.Repo(t, root)
	return root
}

// bootPlan is the bound plan of TASK-0001 of a planRepo whose one proof
// command runs boot.sh under taskproof run.
func bootPlan(t *testing.T) *Plan {
	t.Helper()
	root := planRepo(t, map[string]string{"TASK-0001": "taskproof run --contract proof/contract.toml -- ./boot.sh"})
	p, err := New(repo.Open(root), Options{Timeout: time.Minute, Version: "test"}, "TASK-0001")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Bind(t.Context()); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPlanKeysGroupRuns: steps of different tasks that name the same run
// have the same key; another environment or runner is another run.
func TestPlanKeysGroupRuns(t *testing.T) {
	root := planRepo(t, map[string]string{
		"TASK-0001": "taskproof run --contract proof/contract.toml -- ./boot.sh",
		"TASK-0002": "taskproof run --contract proof/contract.toml -- ./boot.sh",
		"TASK-0003": "MODE=x taskproof run --contract proof/contract.toml -- ./boot.sh",
		"TASK-0004": "./boot.sh",
	})
	p, err := New(repo.Open(root), Options{Timeout: time.Minute}, "TASK-0001", "TASK-0002", "TASK-0003", "TASK-0004")
	if err != nil {
		t.Fatal(err)
	}
	key := func(i int) RunKey { return p.Tasks[i].Steps[0].Key() }
	if key(0) != key(1) {
		t.Error("the same command in two tasks is two runs")
	}
	if key(0) == key(2) || key(0) == key(3) || key(2) == key(3) {
		t.Error("another environment or runner is the same run")
	}
	if p.Tasks[3].Steps[0].Runner != dod.RunnerHarness || p.Tasks[3].Steps[0].Contract != "proof/contract.toml" || p.Tasks[3].Steps[0].Profile != "default" {
		t.Errorf("harness step %+v", p.Tasks[3].Steps[0])
	}
}

// TestExecuteObserved runs a plan and follows it: step start and end, the
// run's events, a judgement that proves the task, and the bundle.
func TestExecuteObserved(t *testing.T) {
	p := bootPlan(t)
	var seen []string
	obs := Observer{
		StepStarted: func(tp *TaskPlan, s *Step) { seen = append(seen, "start "+s.Command) },
		StepDone:    func(tp *TaskPlan, s *Step) { seen = append(seen, "done "+s.Result.Verdict) },
		Event: func(r *SharedRun, e proofrun.Event) {
			if e.Kind == proofrun.MarkerSeen {
				seen = append(seen, "marker "+e.Marker.Marker)
			}
		},
	}
	if err := p.Execute(t.Context(), obs); err != nil {
		t.Fatal(err)
	}
	want := []string{"start taskproof run --contract proof/contract.toml -- ./boot.sh", "marker boot ok", "done PASS"}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("observed %q, want %q", seen, want)
	}
	j := p.Judge(t.Context())[0]
	if j.Verdict != evidence.Proven {
		t.Fatalf("judgement %+v", j.Items)
	}
	_, priv, _ := evidence.GenerateKey()
	s, err := p.Seal(t.Context(), j, priv)
	if err != nil || s.Changed {
		t.Fatalf("seal: %+v %v", s, err)
	}
	v, err := evidence.Verify(s.Bundle, priv.Public().(ed25519.PublicKey), evidence.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := v.ReadFile(evidence.ConfigName)
	if err != nil {
		t.Fatal(err)
	}
	files := []evidence.File{{Name: evidence.ConfigName, Data: data}}
	var cfg evidence.Config
	if ok, err := evidence.Decode(files, evidence.ConfigName, &cfg); !ok || err != nil || cfg.Steps[0].Runner != string(dod.RunnerRun) {
		t.Errorf("config.json: %v %v %+v", ok, err, cfg)
	}
	if ok, err := evidence.Decode(files, evidence.ConfigName, new(int)); !ok || err == nil || !strings.Contains(err.Error(), "files/config.json does not decode") {
		t.Errorf("a file that does not decode: %v", err)
	}
}

// TestMarkdownSurfacesDecodeErrors: a bundle file that does not decode is
// left out of the section and reported, never dropped in silence.
func TestMarkdownSurfacesDecodeErrors(t *testing.T) {
	in := MarkdownInput{
		Bundle: ".taskproof/evidence/TASK-0001.tar",
		Predicate: evidence.Predicate{TaskID: "TASK-0001", Verdict: evidence.Proven,
			Items: []evidence.Item{{Item: "x", Kind: evidence.KindCommand, Verdict: evidence.Proven}}},
		Assessment: proofstate.Assessment{State: proofstate.Proven},
		Open: openFiles(map[string]string{
			evidence.ConfigName:    `{"steps": [{"n": 1, "command": "x", "argv": ["x"]}]}`,
			evidence.ReportName(1): `{"verdict": 7}`,
			evidence.ScopeName:     `not json`,
		}),
	}
	md, errs := Markdown(in)
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "files/reports/1.json does not decode") || !strings.Contains(errs[1].Error(), "files/scope.json does not decode") {
		t.Errorf("errors %v", errs)
	}
	if !strings.Contains(string(md), "1. `x` — proven") || strings.Contains(string(md), "### Scope") {
		t.Errorf("section:\n%s", md)
	}
}

// openFiles is an evidence file opener over files held in memory.
func openFiles(files map[string]string) func(string) (io.ReadCloser, error) {
	return func(name string) (io.ReadCloser, error) {
		data, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("%s: %w", name, evidence.ErrNoFile)
		}
		return io.NopCloser(strings.NewReader(data)), nil
	}
}
