package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/prove"
)

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

func cmdScope(ctx context.Context, env *cliEnv, args []string) error {
	o := scopeOptions{}
	fs := newFlagSet(env, "scope", "scope TASK-ID [--base REV] [--root DIR] [--format text|json]", scopeHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Base, "base", "", "base `REV`; the merge base of REV and HEAD is compared with the work tree (default: upstream, else main, else master, else HEAD)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	switch len(pos) {
	case 0:
		return usagef("missing TASK-ID; usage: taskproof scope TASK-ID (e.g. taskproof scope TASK-0003)")
	case 1:
		o.Task = pos[0]
	default:
		return usagef("scope takes one TASK-ID, got %d arguments", len(pos))
	}
	return runScope(ctx, o, env)
}

// runScope checks the change against the task's allowlist and prints the
// result; violations are an errFindings error.
func runScope(ctx context.Context, o scopeOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	r, _, _, err := openTasks(o.Root)
	if err != nil {
		return err
	}
	d, err := r.Task(o.Task)
	if err != nil {
		return err
	}
	res, err := prove.CheckScope(ctx, r, d, o.Base)
	if err != nil {
		return err
	}
	if err := writeOutput(env.stdout, o.Format, res, res.Text); err != nil {
		return err
	}
	if !res.OK() {
		return silent(errFindings)
	}
	return nil
}
