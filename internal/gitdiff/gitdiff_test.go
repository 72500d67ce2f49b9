package gitdiff

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/scope"
)

// repo is a real git repository in a temp dir.
type repo struct {
	t   *testing.T
	dir string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	gittest.Isolate(t)
	r := &repo{t: t, dir: t.TempDir()}
	gittest.Init(t, r.dir)
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	return gittest.Git(r.t, r.dir, args...)
}

func (r *repo) write(name, content string) {
	r.t.Helper()
	gittest.WriteFiles(r.t, r.dir, map[string]string{name: content})
}

func (r *repo) commit(msg string) {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
}

// resolve resolves rev against HEAD as it is now.
func resolve(t *testing.T, g *Repo, rev string) (Base, error) {
	t.Helper()
	now, err := Open(t.Context(), g.Top)
	if err != nil {
		t.Fatal(err)
	}
	g.Head = now.Head
	return g.ResolveBase(t.Context(), rev)
}

// untracked is the work tree's untracked files as Status lists them.
func untracked(t *testing.T, g *Repo) []string {
	t.Helper()
	st, err := g.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return st.Untracked
}

func TestOpenErrors(t *testing.T) {
	gittest.Isolate(t)
	_, err := Open(t.Context(), t.TempDir())
	if !errors.Is(err, ErrNotRepo) || !strings.Contains(err.Error(), "git init") {
		t.Errorf("plain dir: %v", err)
	}
	_, err = Open(t.Context(), filepath.Join(t.TempDir(), "missing"))
	if !errors.Is(err, ErrNotRepo) {
		t.Errorf("missing dir: %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	_, err = Open(t.Context(), ".")
	if !errors.Is(err, ErrNoGit) || !strings.Contains(err.Error(), "install git") {
		t.Errorf("no git: %v", err)
	}
}

func TestResolveBase(t *testing.T) {
	r := newRepo(t)
	// No commit yet: the empty tree.
	g, err := Open(t.Context(), r.dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := resolve(t, g, "")
	if err != nil || b.How != "empty tree" || b.MergeBase == "" {
		t.Fatalf("unborn: %+v %v", b, err)
	}
	if _, err := resolve(t, g, "main"); !errors.Is(err, ErrUnknownRev) || !strings.Contains(err.Error(), "HEAD has no commit") {
		t.Errorf("unborn with --base: %v", err)
	}

	r.write("a.txt", "a\n")
	r.commit("one")
	first := r.git("rev-parse", "HEAD")
	r.git("checkout", "-q", "-b", "feature")
	r.write("a.txt", "a\nb\n")
	r.commit("two")
	r.git("checkout", "-q", "main")
	r.write("m.txt", "m\n")
	r.commit("main moves on")
	r.git("checkout", "-q", "feature")

	b, err = resolve(t, g, "")
	if err != nil || b.Rev != "main" || b.How != "main" || b.MergeBase != first {
		t.Errorf("default on feature: %+v %v (want merge base %s)", b, err, first)
	}
	b, err = resolve(t, g, "HEAD~1")
	if err != nil || b.MergeBase != first || b.How != "given" {
		t.Errorf("HEAD~1: %+v %v", b, err)
	}
	for _, bad := range []string{"nope", "-x", "main..feature"} {
		_, err = resolve(t, g, bad)
		if !errors.Is(err, ErrUnknownRev) || !strings.Contains(err.Error(), "unknown base revision '"+bad+"': fetch it or pass --base with an existing commit") {
			t.Errorf("ResolveBase(%q): %v", bad, err)
		}
	}
	// An orphan branch shares no history with main.
	r.git("checkout", "-q", "--orphan", "lonely")
	r.write("o.txt", "o\n")
	r.commit("orphan")
	if _, err := resolve(t, g, "main"); !errors.Is(err, ErrUnknownRev) || !strings.Contains(err.Error(), "no common ancestor") {
		t.Errorf("orphan: %v", err)
	}

	// Upstream wins over main: a clone whose branch tracks origin/feature.
	clone := &repo{t: t, dir: t.TempDir()}
	clone.git("clone", "-q", "-b", "feature", r.dir, ".")
	cg, err := Open(t.Context(), clone.dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err = resolve(t, cg, "")
	if err != nil || b.Rev != "origin/feature" || b.How != "upstream" {
		t.Errorf("clone: %+v %v", b, err)
	}
	// An upstream whose ref is gone is no base (the clone has no main).
	clone.git("update-ref", "-d", "refs/remotes/origin/feature")
	b, err = resolve(t, cg, "")
	if err != nil || b.How != "HEAD" {
		t.Errorf("gone upstream: %+v %v", b, err)
	}

	// Neither upstream nor main/master: HEAD.
	solo := newRepo(t)
	solo.git("checkout", "-q", "-b", "trunk")
	solo.write("x", "x\n")
	solo.commit("x")
	sg, _ := Open(t.Context(), solo.dir)
	b, err = resolve(t, sg, "")
	if err != nil || b.Rev != "HEAD" || b.MergeBase != solo.git("rev-parse", "HEAD") {
		t.Errorf("solo: %+v %v", b, err)
	}
}

// changeRepo builds a feature branch that modifies, renames, deletes,
// adds (committed, staged and untracked) files, including names with
// spaces, and an ignored file.
func changeRepo(t *testing.T) (*repo, *Repo, Base) {
	r := newRepo(t)
	r.write(".gitignore", "*.log\n")
	r.write("src/keep.rs", "fn keep() {}\n")
	r.write("src/mod.rs", "fn a() {\n    let x = 1;\n    let y = 2;\n    let z = 3;\n}\n")
	r.write("docs/old name.md", strings.Repeat("a stable line of documentation\n", 20))
	r.write("gone.txt", "bye\n")
	r.commit("base")
	r.git("checkout", "-q", "-b", "feature")
	r.git("mv", "docs/old name.md", "docs/new name.md")
	r.write("docs/new name.md", strings.Repeat("a stable line of documentation\n", 20)+"one more\n")
	r.commit("rename")
	r.write("src/mod.rs", "fn a() {\n    let x = 1;\n    let y = 2;\n    let z = 3;\n    let w = v.unwrap();\n}\n")
	r.git("rm", "-q", "gone.txt")
	r.write("staged.rs", "fn s() {}\n")
	r.git("add", "staged.rs")
	r.write("new dir/with space.rs", "fn n() {\n    unsafe { x() }\n}\n")
	r.write("debug.log", "ignored\n")
	r.write("blob.bin", "\x00\x01\x02")
	g, err := Open(t.Context(), filepath.Join(r.dir, "src")) // from a subdirectory
	if err != nil {
		t.Fatal(err)
	}
	b, err := resolve(t, g, "")
	if err != nil {
		t.Fatal(err)
	}
	return r, g, b
}

func TestChanges(t *testing.T) {
	_, g, b := changeRepo(t)
	cs, err := g.Changes(t.Context(), b.MergeBase, untracked(t, g))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		s := c.Status + " " + c.Path
		if c.OldPath != "" {
			s += " <- " + c.OldPath
		}
		got = append(got, s)
	}
	want := []string{
		"? blob.bin",
		"R docs/new name.md <- docs/old name.md",
		"D gone.txt",
		"? new dir/with space.rs",
		"M src/mod.rs",
		"A staged.rs",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n got %q\nwant %q", got, want)
	}
}

func TestPatch(t *testing.T) {
	r, g, b := changeRepo(t)
	p, err := g.Patch(t.Context(), b.MergeBase, untracked(t, g))
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]scope.FileDiff{}
	for _, f := range p.Files {
		byPath[f.Name()] = f
	}
	added := func(path string) []string {
		var out []string
		for _, h := range byPath[path].Hunks {
			for _, l := range h.Lines {
				if l.Kind == scope.Added {
					out = append(out, strings.TrimSpace(l.Text)+"@"+strconv.Itoa(l.NewLine))
				}
			}
		}
		return out
	}
	if got := added("src/mod.rs"); !reflect.DeepEqual(got, []string{"let w = v.unwrap();@5"}) {
		t.Errorf("mod.rs added %q", got)
	}
	if h := byPath["src/mod.rs"].Hunks; len(h) != 1 || !strings.Contains(h[0].Section, "fn a()") {
		t.Errorf("mod.rs hunk section (rust funcname): %+v", h)
	}
	if got := added("new dir/with space.rs"); !reflect.DeepEqual(got, []string{"fn n() {@1", "unsafe { x() }@2", "}@3"}) {
		t.Errorf("untracked added %q", got)
	}
	if f := byPath["docs/new name.md"]; f.OldPath != "docs/old name.md" || !reflect.DeepEqual(added("docs/new name.md"), []string{"one more@21"}) {
		t.Errorf("rename: %+v %q", f, added("docs/new name.md"))
	}
	if f, ok := byPath["gone.txt"]; !ok || f.Path != "" || len(added("gone.txt")) != 0 {
		t.Errorf("deleted: %+v", f)
	}
	if f := byPath["blob.bin"]; !f.Binary {
		t.Errorf("binary untracked: %+v", f)
	}
	if _, ok := byPath["debug.log"]; ok {
		t.Error("ignored file in the patch")
	}
	// The hygiene rules see the added lines of both diff and untracked files.
	fs, _ := scope.Hygiene(p.Files, scope.HygieneOptions{DaemonPaths: []string{"src/**"}})
	var rules []string
	for _, f := range fs {
		rules = append(rules, f.File+":"+strconv.Itoa(f.Line)+" "+string(f.Rule))
	}
	want := []string{"new dir/with space.rs:2 unsafe-without-safety", "src/mod.rs:5 unwrap-in-daemon"}
	if !reflect.DeepEqual(rules, want) {
		t.Errorf("hygiene %q; want %q", rules, want)
	}
	// A read-only check leaves the index alone.
	if st := r.git("status", "--porcelain"); !strings.Contains(st, "A  staged.rs") {
		t.Errorf("status after check: %q", st)
	}
}

func TestPatchLargeUntrackedSkipped(t *testing.T) {
	r := newRepo(t)
	r.write("a", "a\n")
	r.commit("a")
	r.write("big.txt", strings.Repeat("x", MaxUntrackedBytes+1))
	g, _ := Open(t.Context(), r.dir)
	b, err := resolve(t, g, "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := g.Patch(t.Context(), b.MergeBase, untracked(t, g))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Skipped) != 1 || !strings.HasPrefix(p.Skipped[0], "big.txt: ") {
		t.Errorf("skipped %q", p.Skipped)
	}
}

func TestUnbornRepository(t *testing.T) {
	r := newRepo(t)
	r.write("staged.rs", "fn s() {}\n")
	r.git("add", "staged.rs")
	r.write("loose.rs", "fn l() { unsafe { x() } }\n")
	g, err := Open(t.Context(), r.dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := resolve(t, g, "")
	if err != nil || b.How != "empty tree" {
		t.Fatalf("base %+v %v", b, err)
	}
	cs, err := g.Changes(t.Context(), b.MergeBase, untracked(t, g))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0] != (scope.Change{Path: "loose.rs", Status: "?"}) || cs[1] != (scope.Change{Path: "staged.rs", Status: "A"}) {
		t.Errorf("changes %+v", cs)
	}
	p, err := g.Patch(t.Context(), b.MergeBase, untracked(t, g))
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := scope.Hygiene(p.Files, scope.HygieneOptions{})
	if len(fs) != 1 || fs[0].File != "loose.rs" || fs[0].Rule != scope.RuleUnsafeWithoutSafety {
		t.Errorf("hygiene %+v", fs)
	}
}

func TestOpenReadsHead(t *testing.T) {
	r := newRepo(t)
	g, err := Open(t.Context(), r.dir)
	if err != nil || g.Head != "" {
		t.Fatalf("unborn: %+v %v", g, err)
	}
	r.write("a", "a\n")
	r.commit("a")
	g, err = Open(t.Context(), filepath.Join(r.dir, "."))
	if err != nil || g.Head != r.git("rev-parse", "HEAD") {
		t.Fatalf("committed: %+v %v", g, err)
	}
	if _, err := Open(t.Context(), filepath.Join(r.dir, ".git")); !errors.Is(err, ErrNotRepo) || !strings.Contains(err.Error(), "no work tree") {
		t.Errorf("inside .git: %v", err)
	}
	if v, err := g.Version(t.Context()); err != nil || !strings.HasPrefix(v, "git version ") {
		t.Errorf("Version: %q %v", v, err)
	}
}

func TestStatusRealRepository(t *testing.T) {
	_, g, _ := changeRepo(t)
	st, err := g.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.Branch != "feature" || st.Head == "" {
		t.Errorf("branch %q head %q", st.Branch, st.Head)
	}
	if want := []string{"blob.bin", "new dir/with space.rs"}; !reflect.DeepEqual(st.Untracked, want) {
		t.Errorf("untracked %q, want %q", st.Untracked, want)
	}
	if want := []string{"gone.txt", "src/mod.rs", "staged.rs"}; !reflect.DeepEqual(st.Changed, want) {
		t.Errorf("changed %q, want %q", st.Changed, want)
	}
}

func TestContextEndsGit(t *testing.T) {
	r := newRepo(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Open(ctx, r.dir); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
