package repo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/gitdiff"
	"github.com/taskproof/taskproof/internal/gittest"
)

const (
	taskOne = "---\nid: TASK-0001\ntitle: One\nstatus: in progress\n---\n\n## Goal\n\nx\n"
	taskTwo = "# TASK-0002: Two\n\n- Status: Done\n"
	taskDup = "# TASK-0002: Two again\n\n- Status: Draft\n"

	contractOK = "[contract]\nversion = 1\n\n[[marker]]\ntext = \"boot ok\"\nkind = \"ok\"\n"
)

// reads counts the disk reads of a repository by path relative to dir.
func reads(t *testing.T, dir string) (Options, map[string]int) {
	n := map[string]int{}
	base, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return Options{OnRead: func(p string) {
		rel, _ := filepath.Rel(base, p)
		n[filepath.ToSlash(rel)]++
	}}, n
}

func TestConfigAndTasksReadOnce(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{
		"taskproof.toml":             "[status]\naliases = { \"in progress\" = \"In Progress\" }\n",
		"tasks/TASK-0001-one.md":     taskOne,
		"tasks/TASK-0002-two.md":     taskTwo,
		"tasks/TASK-TEMPLATE.md":     "# TASK-XXXX: template\n",
		"tasks/notes.txt":            "not a task\n",
		"proof/contract.toml":        contractOK,
		"elsewhere/TASK-0009-out.md": "# TASK-0009: Outside\n",
	})
	o, n := reads(t, dir)
	parsed := map[string]int{}
	o.OnParse = func(p string) { parsed[filepath.Base(p)]++ }
	r := OpenWith(dir, o)
	docs, err := r.Tasks()
	if err != nil || len(docs) != 2 || docs[0].Path != "tasks/TASK-0001-one.md" || docs[1].Path != "tasks/TASK-0002-two.md" {
		t.Fatalf("Tasks: %v %v", docs, err)
	}
	if !r.HasConfig() || docs[0].Status.Class != "In Progress" {
		t.Errorf("the configuration's aliases classify: %q", docs[0].Status.Class)
	}
	// Every way of asking gives the parse already made.
	for _, arg := range []string{"TASK-0001", "task‑0001", filepath.Join(dir, "tasks/TASK-0001-one.md"), "tasks/TASK-0001-one.md"} {
		d, err := r.Task(arg)
		if err != nil || d != docs[0] {
			t.Errorf("Task(%q) = %v, %v; want the document Tasks parsed", arg, d, err)
		}
	}
	if d, err := r.Task(filepath.Join(dir, "elsewhere/TASK-0009-out.md")); err != nil || d.ID != "TASK-0009" {
		t.Errorf("a file outside the tasks directory: %v %v", d, err)
	}
	if _, err := r.Source(docs[1]); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"taskproof.toml", "tasks/TASK-0001-one.md", "tasks/TASK-0002-two.md"} {
		if n[p] != 1 {
			t.Errorf("%s read %d times, want once", p, n[p])
		}
	}
	for _, f := range []string{"TASK-0001-one.md", "TASK-0002-two.md", "TASK-0009-out.md"} {
		if parsed[f] != 1 {
			t.Errorf("%s parsed %d times, want once", f, parsed[f])
		}
	}
	if n["tasks/TASK-TEMPLATE.md"] != 0 {
		t.Error("the template was read as a task")
	}
}

func TestLookupErrors(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{"tasks/TASK-0002-two.md": taskTwo, "tasks/TASK-0002-dup.md": taskDup})
	r := Open(dir)
	for _, c := range []struct {
		arg  string
		kind error
		msg  string
	}{
		{"kettle", ErrNotTaskID, `"kettle" is not a task id; expected TASK-NNNN`},
		{"TASK-0007", ErrNoTask, "no task TASK-0007 in " + filepath.Join(dir, "tasks") + " (2 task files matching TASK-*.md)"},
		{"tasks/TASK-0007.md", ErrNoTask, "no task file tasks/TASK-0007.md"},
		{"TASK-0002", ErrAmbiguousTask, "TASK-0002 is the id of 2 files (tasks/TASK-0002-dup.md, tasks/TASK-0002-two.md); pass the file path instead"},
	} {
		_, err := r.Task(c.arg)
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Task(%q): %v; want %v with %q", c.arg, err, c.kind, c.msg)
		}
	}
	if docs, err := r.Lookup("TASK-0002"); err != nil || len(docs) != 2 {
		t.Errorf("Lookup of a duplicated id: %d docs, %v", len(docs), err)
	}
	if _, err := Open(t.TempDir()).Tasks(); !errors.Is(err, ErrNoTasksDir) || !strings.Contains(err.Error(), "use --root") {
		t.Errorf("no tasks directory: %v", err)
	}
	bad := t.TempDir()
	gittest.WriteFiles(t, bad, map[string]string{"taskproof.toml": "[tasks]\ndirr = \"x\"\n"})
	if _, err := Open(bad).Tasks(); err == nil || !strings.Contains(err.Error(), "unknown key tasks.dirr") {
		t.Errorf("a bad configuration: %v", err)
	}
}

func TestContractOneLoad(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{
		"proof/contract.toml": contractOK,
		"proof/broken.toml":   "[contract]\nversion = 1\n[[marker]]\ntext = 3\n",
	})
	o, n := reads(t, dir)
	r := OpenWith(dir, o)
	c, err := r.Contract()
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != filepath.Join(dir, "proof/contract.toml") || r.ContractRel(c) != "proof/contract.toml" {
		t.Errorf("path %q rel %q", c.Path, r.ContractRel(c))
	}
	// The same file named by a task's command (relative to the root) is
	// the same load; named from elsewhere its file names, and so its hash,
	// are relative to its own directory: another load, but no second read.
	if again, err := r.ContractFrom(dir, "proof/contract.toml"); err != nil || again != c {
		t.Errorf("the contract named relative to the root: %v %v", again, err)
	}
	other, err := r.ContractFile(filepath.Join(dir, "proof", "..", "proof", "contract.toml"))
	if err != nil || other == c || other.Hash() == c.Hash() || other.Display("contract.toml") != filepath.Join(dir, "proof", "contract.toml") {
		t.Errorf("the contract named from elsewhere: %v %v", other, err)
	}
	if n["proof/contract.toml"] != 1 {
		t.Errorf("contract read %d times, want once", n["proof/contract.toml"])
	}
	// Its hash does not depend on where taskproof runs from: the names
	// are relative to the root.
	if h := Open(dir).mustContract(t).Hash(); h != c.Hash() {
		t.Errorf("hash from another Repo %s != %s", h, c.Hash())
	}

	_, err = r.ContractFrom(dir, "proof/broken.toml")
	if err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, "proof/broken.toml")+":") {
		t.Errorf("a broken contract names its file as a user opens it: %v", err)
	}
	if _, err := r.ContractFrom(dir, "proof/nope.toml"); !errors.Is(err, ErrNoContract) {
		t.Errorf("missing: %v", err)
	}
	gittest.WriteFiles(t, dir, map[string]string{"taskproof.toml": "[proof]\ncontract = \"none.toml\"\n"})
	if _, err := Open(dir).Contract(); !errors.Is(err, ErrNoContract) {
		t.Errorf("configured but missing: %v", err)
	}
}

func (r *Repo) mustContract(t *testing.T) *Contract {
	t.Helper()
	c, err := r.Contract()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGitBelowTop(t *testing.T) {
	gittest.Isolate(t)
	top := t.TempDir()
	gittest.WriteFiles(t, top, map[string]string{
		"outside.txt":         "x\n",
		"proj/src/a.c":        "a\n",
		"proj/src/moved.c":    "m\n",
		"proj/tasks/README":   "r\n",
		"proj/.taskproof/k":   "k\n",
		"proj/.gitignore":     "*.o\n",
		"proj/build/ignore.o": "o\n",
	})
	head := gittest.Repo(t, top)
	gittest.WriteFiles(t, top, map[string]string{"proj/src/a.c": "b\n", "outside.txt": "y\n", "proj/new.c": "n\n", "proj/.taskproof/ledger": "l\n"})
	gittest.Git(t, top, "mv", "proj/src/moved.c", "elsewhere.c")

	r := Open(filepath.Join(top, "proj"))
	files, err := r.Files(t.Context())
	if err != nil || strings.Join(files, " ") != ".gitignore new.c src/a.c tasks/README" {
		t.Errorf("Files: %q %v", files, err)
	}
	c, err := r.Change(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Base.How != "main" || c.Base.MergeBase != head {
		t.Errorf("base %+v", c.Base)
	}
	cs, err := c.Files(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ch := range cs {
		got = append(got, ch.Status+" "+ch.Path+" "+ch.OldPath)
	}
	// Sorted as git's paths sort (elsewhere.c before proj/...).
	if want := "R ../elsewhere.c src/moved.c|? new.c |M src/a.c "; strings.Join(got, "|") != want {
		t.Errorf("changes %q, want %q", strings.Join(got, "|"), want)
	}
	patch, _, err := c.Patch(t.Context())
	// The rename's added lines are outside the root: not this project's.
	if err != nil || len(patch) != 2 {
		t.Errorf("patch: %d files %v", len(patch), err)
	}
	if again, _ := r.Change(t.Context(), ""); again != c {
		t.Error("the same base resolved twice")
	}
	if commit, dirty := r.WorkTree(t.Context()); commit != head || !dirty {
		t.Errorf("WorkTree = %s %v", commit, dirty)
	}

	// Only changes outside the root and in its state directory: clean.
	gittest.Git(t, top, "checkout", "-q", "--", ".")
	gittest.Git(t, top, "reset", "-q", "--hard")
	os.Remove(filepath.Join(top, "proj/new.c"))
	gittest.WriteFiles(t, top, map[string]string{"outside.txt": "z\n"})
	if commit, dirty := Open(filepath.Join(top, "proj")).WorkTree(t.Context()); commit != head || dirty {
		t.Errorf("clean under the root: %s %v", commit, dirty)
	}
	if _, err := Open(t.TempDir()).Change(t.Context(), ""); !errors.Is(err, gitdiff.ErrNotRepo) {
		t.Errorf("outside git: %v", err)
	}
}

func TestFilesOutsideGit(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{"a": "a", ".git/config": "x", ".taskproof/k": "k", "d/b": "b"})
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
	files, err := Open(dir).Files(t.Context())
	if err != nil || strings.Join(files, " ") != "a d/b" {
		t.Errorf("Files: %q %v", files, err)
	}
}
