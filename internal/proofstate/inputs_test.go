package proofstate

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/task"
)

func TestBundlePath(t *testing.T) {
	got := BundlePath("/r", "TASK-0003B")
	if want := filepath.FromSlash("/r/.taskproof/evidence/TASK-0003B.tar"); got != want {
		t.Fatalf("BundlePath = %q, want %q", got, want)
	}
	if got := BundleRel("TASK-0003B"); got != ".taskproof/evidence/TASK-0003B.tar" {
		t.Fatalf("BundleRel = %q", got)
	}
}

func TestAllowlistedPaths(t *testing.T) {
	doc, err := task.Parse("tasks/TASK-0001-boot.md", []byte(fixtureTask))
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"notes.md", "other.md", "src/boot.s", "src/vendor/lib.s", "srcx/a", "tasks/BOARD.md", "tasks/TASK-0001-boot.md"}
	got := AllowlistedPaths(doc, paths, []string{"tasks/TASK-0001-boot.md"})
	want := []string{"notes.md", "src/boot.s"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("AllowlistedPaths = %q, want %q", got, want)
	}
	// A task allowlisting its own directory still never hashes its own file.
	doc.Touched = append(doc.Touched, task.PathItem{Raw: "`tasks/`", Pattern: "tasks/", Line: 99})
	got = AllowlistedPaths(doc, paths, []string{"tasks/TASK-0001-boot.md", "tasks/BOARD.md"})
	want = []string{"notes.md", "src/boot.s"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("with tasks/ allowed: %q, want %q", got, want)
	}
	// No allowlist: nothing is allowlisted.
	doc.Touched = nil
	if got := AllowlistedPaths(doc, paths, nil); len(got) != 0 {
		t.Fatalf("no allowlist: %q", got)
	}
}

func TestStopConditionsText(t *testing.T) {
	src := []byte(fixtureTask)
	doc, _ := task.Parse("t.md", src)
	got := StopConditionsText(doc, src)
	if !strings.HasPrefix(got, "## Stop conditions (Definition of Done)\n") || !strings.Contains(got, "`boot: ok`") || strings.Contains(got, "Touched paths") {
		t.Fatalf("StopConditionsText = %q", got)
	}
	crlf := []byte(strings.ReplaceAll(fixtureTask, "\n", "\r\n"))
	docCRLF, _ := task.Parse("t.md", crlf)
	if evidence.HashText(StopConditionsText(docCRLF, crlf)) != evidence.HashText(got) {
		t.Fatal("CRLF changes the Stop conditions hash")
	}
	none, _ := task.Parse("t.md", []byte("# TASK-0001: x\n\n## Goal\n\n- g\n"))
	if got := StopConditionsText(none, []byte("# TASK-0001: x\n\n## Goal\n\n- g\n")); got != "" {
		t.Fatalf("no section: %q", got)
	}
}

func TestInputsSubdirectoryRoot(t *testing.T) {
	top, root := fixtureRepo(t)
	// Untracked, not ignored: counts. Ignored: does not. Evidence: never.
	gittest.WriteFiles(t, root, map[string]string{
		"src/new.s":                         "new\n",
		"src/boot.o":                        "object\n",
		".taskproof/evidence/TASK-0001.tar": "x",
	})
	r, doc := openRepo(t, root)
	cur, files, err := Inputs(t.Context(), r, doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	head := gittest.Git(t, top, "rev-parse", "HEAD")
	if cur.Commit != head {
		t.Errorf("Commit = %q, want HEAD %q", cur.Commit, head)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	if want := []string{"notes.md", "src/boot.s", "src/new.s"}; !reflect.DeepEqual(names, want) {
		t.Errorf("files = %q, want %q", names, want)
	}
	if cur.AllowlistHash != evidence.HashAllowlistedContent(files) {
		t.Error("AllowlistHash is not the hash of the returned files")
	}
	if cur.ContractHash == "" || !strings.HasPrefix(cur.ContractHash, "sha256:") {
		t.Errorf("ContractHash = %q", cur.ContractHash)
	}
	src, _ := os.ReadFile(filepath.Join(root, "tasks/TASK-0001-boot.md"))
	if cur.StopConditionsHash != evidence.HashText(StopConditionsText(doc, src)) {
		t.Error("StopConditionsHash mismatch")
	}

	// Deterministic.
	again, _, err := Inputs(t.Context(), r, doc, nil)
	if err != nil || again != cur {
		t.Fatalf("second Inputs = %+v, %v; want %+v", again, err, cur)
	}

	// What changes which hash.
	changes := []struct {
		name  string
		edit  func()
		field string
	}{
		{"allowlisted file", func() { gittest.WriteFiles(t, root, map[string]string{"src/boot.s": "hlt\n"}) }, "allowlist"},
		{"file outside the allowlist", func() { gittest.WriteFiles(t, root, map[string]string{"other.md": "changed\n"}) }, ""},
		{"denied file", func() { gittest.WriteFiles(t, root, map[string]string{"src/vendor/lib.s": "changed\n"}) }, ""},
		{"file above the root", func() { gittest.WriteFiles(t, top, map[string]string{"outside.txt": "changed\n"}) }, ""},
		{"board", func() { gittest.WriteFiles(t, root, map[string]string{"tasks/BOARD.md": "# new board\n"}) }, ""},
		{"task status", func() {
			gittest.WriteFiles(t, root, map[string]string{"tasks/TASK-0001-boot.md": strings.Replace(fixtureTask, "In Progress", "Done", 1)})
		}, ""},
		{"task stop conditions", func() {
			gittest.WriteFiles(t, root, map[string]string{"tasks/TASK-0001-boot.md": strings.Replace(fixtureTask, "`boot: ok`", "`boot: ready`", 1)})
		}, "stop"},
		{"contract", func() {
			gittest.WriteFiles(t, root, map[string]string{"proof/contract.toml": fixtureContract + "\n# c\n"})
		}, "contract"},
		{"deleted allowlisted file", func() { os.Remove(filepath.Join(root, "notes.md")) }, "allowlist"},
	}
	prev := cur
	for _, c := range changes {
		c.edit()
		r, doc := openRepo(t, root)
		now, _, err := Inputs(t.Context(), r, doc, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		changed := ""
		switch {
		case now.AllowlistHash != prev.AllowlistHash:
			changed = "allowlist"
		case now.StopConditionsHash != prev.StopConditionsHash:
			changed = "stop"
		case now.ContractHash != prev.ContractHash:
			changed = "contract"
		}
		if changed != c.field {
			t.Errorf("%s: changed %q, want %q", c.name, changed, c.field)
		}
		prev = now
	}
}

func TestInputsOutsideGit(t *testing.T) {
	root := t.TempDir()
	gittest.WriteFiles(t, root, map[string]string{
		"tasks/TASK-0001-boot.md": fixtureTask,
		"src/boot.s":              "nop\n",
		".git/config":             "not really git\n",
		"src/.taskproof/x":        "nested state dirs are ordinary files\n",
	})
	// A directory named .git that is not a repository would confuse git;
	// use a plain tree without one for the walk.
	os.RemoveAll(filepath.Join(root, ".git"))
	r, doc := openRepo(t, root)
	cur, files, err := Inputs(t.Context(), r, doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Commit != "" || cur.ContractHash != "" {
		t.Errorf("outside git without contract: %+v", cur)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	if want := []string{"src/.taskproof/x", "src/boot.s"}; !reflect.DeepEqual(names, want) {
		t.Errorf("files = %q, want %q", names, want)
	}
}
