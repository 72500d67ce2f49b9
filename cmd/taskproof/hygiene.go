package main

import (
	"context"

	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/repo"
)

const hygieneHelp = `Applies the template's diff hygiene rules to the lines the change ADDS: the
work tree (committed, staged, unstaged, and untracked files as all-added)
compared with the merge base of --base and HEAD; the base is chosen as for
'taskproof scope'. Removed lines and deleted or binary files are not checked.

Rules:
  unwrap-in-daemon       new .unwrap() / .expect( in Rust files under [hygiene]
                         daemon_paths (default **/daemons/**, **/services/**;
                         an empty list turns the rule off); comments, strings,
                         tests/ and benches/ directories, *_test.rs, tests.rs
                         and #[cfg(test)] items visible in the diff are exempt
  unsafe-without-safety  new unsafe block/fn/impl/trait in Rust without a
                         "// SAFETY:" comment on the line or within the 3 lines
                         above it (as far as the diff shows them; for unsafe
                         fn/trait/impl a "# Safety" doc section counts too)
  ok-marker-in-stub      a string literal emitting a marker of kind ok or ready
                         inside a stub: a file matching [hygiene] stub_paths
                         (default **/stubs/**) or whose name contains stub or
                         placeholder, or a function so named (read from the
                         code or git's hunk heading); the markers come from the
                         marker contract ([proof] contract); without one the
                         rule is skipped and says so
  secret-in-diff         private key blocks, AWS access key ids, GitHub and
                         Slack tokens, and quoted secret/token/password/api_key
                         assignments of 16+ characters (placeholders such as
                         ${VAR} or <token> excepted); the quoted line is redacted

Each finding has the file, the line number in the new file, the rule, the
added line (capped at 200 bytes) and a message. The rules block says which
rules ran. Paths are relative to --root; when --root is below the top of
the git work tree only files under it are checked, and the root's
.taskproof/ (taskproof's own state) never is.

--format json prints {base, base_from, merge_base, findings [{file, line,
rule, text, message}], rules [{rule, enabled, note}], skipped [...]}.

Exit codes: 0 no finding, 1 findings, 2 usage error, 3 git missing, not a
git repository, or an unknown base revision.`

// hygieneOptions are the inputs of `taskproof hygiene`.
type hygieneOptions struct {
	Root   string
	Format string // text or json
	Base   string // base revision; "" chooses one as scope does
}

func cmdHygiene(ctx context.Context, env *cliEnv, args []string) error {
	o := hygieneOptions{}
	fs := newFlagSet(env, "hygiene", "hygiene [--base REV] [--root DIR] [--format text|json]", hygieneHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Base, "base", "", "base `REV`; the merge base of REV and HEAD is compared with the work tree (default: upstream, else main, else master, else HEAD)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("hygiene takes no arguments (it checks the whole change), got %q", pos)
	}
	return runHygiene(ctx, o, env)
}

// runHygiene checks the added lines and prints the findings; findings
// are an errFindings error.
func runHygiene(ctx context.Context, o hygieneOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	rep, err := prove.CheckHygiene(ctx, repo.Open(o.Root), o.Base)
	if err != nil {
		return err
	}
	if err := writeOutput(env.stdout, o.Format, rep, rep.Text); err != nil {
		return err
	}
	if len(rep.Findings) > 0 {
		return silent(errFindings)
	}
	return nil
}
