package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/taskproof/taskproof/internal/gitdiff"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/task"
)

func init() {
	register(&command{name: "scope", summary: "check the files a change touched against a task's allowlist", run: cmdScope})
}

const scopeHelp = `Lists the files the change touched and checks each against the task's
touched-path allowlist (the "## Touched paths (allowlist)" section).

The change is the work tree (committed, staged, unstaged and untracked files
that are not ignored) compared with the merge base of --base and HEAD, with
git's rename detection: a rename touches both its old and its new path (status
R, old -> new); deletions count. Without --base the base is the upstream of
the current branch if it has one, else the local branch main, else master,
else HEAD (only uncommitted changes count then); in a repository without
commits everything is new.

Allowlist items: a directory ("source/x/", template-style "source/..."), a
glob ("**", "*", "?", "[...]") or braces ("docs/{a,b}.md"), or a plain path
(that file, or everything under it when it is a directory). A pattern that
matches a directory covers the files under it. Items after an
"Out-of-allowlist" line forbid paths even when another item allows them.
The task file itself is always allowed, and so are the paths of [scope]
always_allow in taskproof.toml (default: go.sum, Cargo.lock, tasks/BOARD.md)
unless an out-of-allowlist item forbids them. Paths are relative to --root.
When --root is below the top of the git work tree (one project of a
monorepo), only changes under it count: the rest of the tree belongs to
other projects, and a rename across the root's edge shows its outside path
as ../PATH, a violation. The root's .taskproof/ (keys, run history,
evidence) is taskproof's own state and never part of a change. Code spans in a parenthetical remark of a bullet that
already names a path ("tests/ (incl. the test_reject_* set)") are mentions:
they allow nothing. Bullets without a path are reported as unverifiable.
A task without any allowlist item is a violation, never a pass.

--format json prints {task, file, base, base_from, merge_base, touched
[{path, status, old_path?, score?}], violations [{path, status, reason,
line?}], unverifiable [{line, text, reason}], allowlist [{pattern, deny,
line, kind, source, match?, note?}]}; kind is dir, path, glob, prose or
mention. Status letters are git's (A C D M R T U), and ? for untracked.

Diff hygiene (unwrap in daemons, unsafe without SAFETY, ok markers in stubs,
secrets) is a separate command: taskproof hygiene.

Exit codes: 0 every touched path is allowed, 1 violations or no allowlist,
2 usage error or unknown task, 3 git missing, not a git repository, or an
unknown base revision.`

// scopeOptions are the inputs of `taskproof scope`.
type scopeOptions struct {
	Root   string
	Format string // text or json
	Base   string // base revision; "" chooses one (see scopeHelp)
	Task   string // id as typed, or a path to a task file
}

func cmdScope(env *cliEnv, args []string) int {
	o := scopeOptions{}
	fs := newFlagSet(env, "scope", "scope TASK-ID [--base REV] [--root DIR] [--format text|json]", scopeHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Base, "base", "", "base `REV`; the merge base of REV and HEAD is compared with the work tree (default: upstream, else main, else master, else HEAD)")
	pos, code, done := fs.parse(args)
	if done {
		return code
	}
	switch len(pos) {
	case 0:
		return report(env, "scope", usagef("missing TASK-ID; usage: taskproof scope TASK-ID (e.g. taskproof scope TASK-0003)"))
	case 1:
		o.Task = pos[0]
	default:
		return report(env, "scope", usagef("scope takes one TASK-ID, got %d arguments", len(pos)))
	}
	return report(env, "scope", runScope(o, env))
}

// runScope checks the change against the task's allowlist and prints the
// result. Violations return an exitError with exitFindings.
func runScope(o scopeOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	res, err := scopeCheck(o)
	if err != nil {
		return err
	}
	if err := writeOutput(env.stdout, o.Format, res, func() []byte { return renderScopeText(res) }); err != nil {
		return err
	}
	if !res.OK() {
		return &exitError{code: exitFindings}
	}
	return nil
}

// scopeCheck opens the repository, finds the task, asks git what changed
// and checks it. prove can call it as is.
func scopeCheck(o scopeOptions) (*scope.Result, error) {
	r, err := repo.Open(o.Root)
	if err != nil {
		return nil, err
	}
	d, err := findScopeTask(r, o.Task)
	if err != nil {
		return nil, err
	}
	g, base, err := openGitBase(o.Root, o.Base)
	if err != nil {
		return nil, err
	}
	changes, err := g.Changes(base.MergeBase)
	if err != nil {
		return nil, gitInfra(err)
	}
	prefix, err := rootPrefix(g.Top, o.Root)
	if err != nil {
		return nil, &exitError{exitInfra, err}
	}
	// Everything is compared relative to the root: the task's allowlist
	// items, the task file and always_allow are written that way.
	a := scope.Compile(d.Path, d.Touched, r.Config.Scope.AlwaysAllow)
	res := scope.Check(a, rootChanges(prefix, changes))
	res.Task = string(d.ID)
	res.Base, res.BaseFrom, res.MergeBase = base.Rev, base.How, base.MergeBase
	return res, nil
}

// stateDirPrefix is taskproof's own state directory under the root (keys,
// ledger, evidence): never part of a task's change.
const stateDirPrefix = proofstate.Dir + "/"

// rootRel makes a path relative to the git top relative to the root at
// prefix (see rootPrefix). A path outside the root becomes "../"-relative,
// which no allowlist item matches; inside reports which it was.
func rootRel(prefix, p string) (rel string, inside bool) {
	if strings.HasPrefix(p, prefix) {
		return strings.TrimPrefix(p, prefix), true
	}
	return strings.Repeat("../", strings.Count(prefix, "/")) + p, false
}

// rootChanges restates git's changes relative to the root. Changes outside
// the root belong to other projects of the work tree and are left out, and
// so is the root's .taskproof/; a rename across the root's edge keeps its
// outside side as a ../ path, which is a violation.
func rootChanges(prefix string, changes []scope.Change) []scope.Change {
	out := make([]scope.Change, 0, len(changes))
	for _, c := range changes {
		p, in := rootRel(prefix, c.Path)
		op, oldIn := "", false
		if c.OldPath != "" {
			op, oldIn = rootRel(prefix, c.OldPath)
		}
		state := func(rel string, in bool) bool { return in && strings.HasPrefix(rel, stateDirPrefix) }
		keepNew := in && !state(p, in)
		keepOld := c.OldPath != "" && oldIn && !state(op, oldIn)
		if !keepNew && !keepOld {
			continue
		}
		c.Path, c.OldPath = p, op
		out = append(out, c)
	}
	return out
}

// openGitBase opens the git work tree at root and resolves the base; its
// errors are infrastructure errors (exit 3).
func openGitBase(root, base string) (*gitdiff.Repo, gitdiff.Base, error) {
	g, err := gitdiff.Open(root)
	if err != nil {
		return nil, gitdiff.Base{}, gitInfra(err)
	}
	b, err := g.ResolveBase(base)
	if err != nil {
		return nil, gitdiff.Base{}, gitInfra(err)
	}
	return g, b, nil
}

func gitInfra(err error) error {
	return &exitError{exitInfra, err}
}

// rootPrefix is root's path inside the git work tree ("" at the top,
// "sub/dir/" below it), so that the task file and always-allowed paths,
// which are relative to root, can be compared with git's paths.
func rootPrefix(top, root string) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	if e, err := filepath.EvalSymlinks(abs); err == nil {
		abs = e
	}
	if e, err := filepath.EvalSymlinks(top); err == nil {
		top = e
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("root %s is outside the git work tree %s", root, top)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel) + "/", nil
}

// findScopeTask resolves the argument to exactly one document: a path to
// a task file, or an id. An unknown or ambiguous id is a usage error.
func findScopeTask(r *repo.Repo, arg string) (*task.Document, error) {
	if strings.HasSuffix(strings.ToLower(arg), ".md") {
		p := arg
		if _, err := os.Stat(p); err != nil && !filepath.IsAbs(p) {
			p = filepath.Join(r.Root, p)
		}
		if _, err := os.Stat(p); err == nil {
			return r.ParseFile(p)
		}
		return nil, usagef("no task file %s", arg)
	}
	id, ok := task.ParseID(arg)
	if !ok {
		return nil, usagef("%q is not a task id; expected TASK-NNNN or TASK-NNNNB (e.g. TASK-0003B)", arg)
	}
	docs := r.Find(id)
	switch len(docs) {
	case 0:
		return nil, usagef("no task %s in %s (%d task files matching %s); check the id or use --root",
			id, filepath.Join(r.Root, r.Config.Tasks.Dir), len(r.Docs), r.Config.Tasks.Pattern)
	case 1:
		return docs[0], nil
	}
	paths := make([]string, len(docs))
	for i, d := range docs {
		paths[i] = d.Path
	}
	return nil, usagef("%s is the id of %d files (%s); pass the file path instead", id, len(docs), strings.Join(paths, ", "))
}

// renderScopeText is the readable form of a scope result.
func renderScopeText(res *scope.Result) []byte {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s %s\n", res.Task, res.File)
	fmt.Fprintf(&buf, "base %s (%s), merge base %s\n", res.Base, baseFromText(res.BaseFrom), shortHash(res.MergeBase))
	section(&buf, "touched", len(res.Touched), func(tw *tabwriter.Writer) {
		for _, c := range res.Touched {
			p := c.Path
			if c.OldPath != "" {
				p = c.OldPath + " -> " + c.Path
			}
			fmt.Fprintf(tw, "  %s\t%s\n", c.Status, p)
		}
	})
	section(&buf, "violations", len(res.Violations), func(tw *tabwriter.Writer) {
		for _, v := range res.Violations {
			st, p := v.Status, v.Path
			if st == "" {
				st = "-"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", st, p, v.Reason)
		}
	})
	section(&buf, "unverifiable allowlist items", len(res.Unverifiable), func(tw *tabwriter.Writer) {
		for _, u := range res.Unverifiable {
			fmt.Fprintf(tw, "  %s:%d\t%s\t(%s)\n", res.File, u.Line, u.Text, u.Reason)
		}
	})
	if res.OK() {
		fmt.Fprintf(&buf, "\nok: %d touched path(s) within the allowlist of %s\n", len(res.Touched), res.Task)
	} else {
		fmt.Fprintf(&buf, "\nFAIL: %d violation(s) of the allowlist of %s\n", len(res.Violations), res.Task)
	}
	return buf.Bytes()
}

func baseFromText(how string) string {
	switch how {
	case "given":
		return "--base"
	case "upstream":
		return "upstream of the current branch"
	case "main", "master":
		return "default: local branch " + how
	case "HEAD":
		return "default: HEAD, no upstream, main or master"
	case "empty tree":
		return "no commits yet"
	}
	return how
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
