package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/contract"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/verify"
)

func init() {
	register(&command{name: "hygiene", summary: "check the lines a change adds against the diff hygiene rules", run: cmdHygiene})
}

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

// hygieneReport is the JSON document of `taskproof hygiene`.
type hygieneReport struct {
	Base      string             `json:"base"`
	BaseFrom  string             `json:"base_from"`
	MergeBase string             `json:"merge_base"`
	Findings  []scope.Finding    `json:"findings"`
	Rules     []scope.RuleStatus `json:"rules"`
	// Skipped names untracked files whose content was not read.
	Skipped []string `json:"skipped"`
}

func cmdHygiene(env *cliEnv, args []string) int {
	o := hygieneOptions{}
	fs := newFlagSet(env, "hygiene", "hygiene [--base REV] [--root DIR] [--format text|json]", hygieneHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Base, "base", "", "base `REV`; the merge base of REV and HEAD is compared with the work tree (default: upstream, else main, else master, else HEAD)")
	pos, code, done := fs.parse(args)
	if done {
		return code
	}
	if len(pos) > 0 {
		return report(env, "hygiene", usagef("hygiene takes no arguments (it checks the whole change), got %q", pos))
	}
	return report(env, "hygiene", runHygiene(o, env))
}

// runHygiene checks the added lines and prints the findings; findings
// return an exitError with exitFindings.
func runHygiene(o hygieneOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	rep, err := hygieneCheck(o)
	if err != nil {
		return err
	}
	if err := writeOutput(env.stdout, o.Format, rep, func() []byte { return renderHygieneText(rep) }); err != nil {
		return err
	}
	if len(rep.Findings) > 0 {
		return &exitError{code: exitFindings}
	}
	return nil
}

// hygieneCheck runs git and the rules. prove can call it as is.
func hygieneCheck(o hygieneOptions) (*hygieneReport, error) {
	cfg, _, err := repo.LoadConfig(o.Root)
	if err != nil {
		return nil, err
	}
	g, base, err := openGitBase(o.Root, o.Base)
	if err != nil {
		return nil, err
	}
	patch, err := g.Patch(base.MergeBase)
	if err != nil {
		return nil, gitInfra(err)
	}
	prefix, err := rootPrefix(g.Top, o.Root)
	if err != nil {
		return nil, &exitError{exitInfra, err}
	}
	opts := scope.HygieneOptions{
		DaemonPaths: cfg.Hygiene.DaemonPaths,
		StubPaths:   cfg.Hygiene.StubPaths,
	}
	var broken error
	opts.Markers, opts.MarkersFrom, opts.MarkersNote, broken = hygieneMarkers(o.Root, cfg)
	if broken != nil {
		// A contract that exists but is broken must not quietly turn a
		// rule off: that would be a green hygiene check that checked less.
		return nil, broken
	}
	findings, rules := scope.Hygiene(rootPatch(prefix, patch.Files), opts)
	skipped := []string{}
	for _, s := range patch.Skipped {
		// "path: why", the path relative to the git top.
		if rel, in := rootRel(prefix, s); in && !strings.HasPrefix(rel, stateDirPrefix) {
			skipped = append(skipped, rel)
		}
	}
	return &hygieneReport{Base: base.Rev, BaseFrom: base.How, MergeBase: base.MergeBase,
		Findings: findings, Rules: rules, Skipped: skipped}, nil
}

// rootPatch restates the diff relative to the root, as scope does
// (rootChanges): files outside the root and the root's .taskproof/ are
// left out, so the configured globs, relative to the root, apply as
// written.
func rootPatch(prefix string, files []scope.FileDiff) []scope.FileDiff {
	out := make([]scope.FileDiff, 0, len(files))
	for _, f := range files {
		p, in := "", false
		if f.Path != "" {
			p, in = rootRel(prefix, f.Path)
		}
		op, oldIn := "", false
		if f.OldPath != "" {
			op, oldIn = rootRel(prefix, f.OldPath)
		}
		keep := (in && !strings.HasPrefix(p, stateDirPrefix)) || (f.Path == "" && oldIn && !strings.HasPrefix(op, stateDirPrefix))
		if !keep {
			continue
		}
		f.Path, f.OldPath = p, op
		out = append(out, f)
	}
	return out
}

// hygieneMarkers reads the ok/ready markers of the marker contract.
// Without a contract the note says why and the ok-marker-in-stub rule is
// skipped; a contract that exists but does not load or resolve is an error
// (exit 2) naming the fix.
func hygieneMarkers(root string, cfg *config.Config) (ms []scope.Marker, from, note string, broken error) {
	rel := cfg.Proof.Contract
	path := filepath.Join(root, filepath.FromSlash(rel))
	if _, err := os.Stat(path); err != nil {
		return nil, "", fmt.Sprintf("no marker contract at %s (set [proof] contract in %s)", rel, config.FileName), nil
	}
	c, err := contract.Load(os.DirFS(filepath.Dir(path)), filepath.Base(path))
	if err != nil {
		return nil, "", "", fmt.Errorf("marker contract %s does not load: %w; run 'taskproof contract lint'", rel, err)
	}
	spec, err := c.Resolution("")
	if err != nil {
		return nil, "", "", fmt.Errorf("marker contract %s does not resolve: %w; run 'taskproof contract lint'", rel, err)
	}
	add := func(list []verify.Marker) {
		for _, m := range list {
			sm := scope.Marker{Text: m.Text, Kind: string(m.Kind)}
			if m.Mode == verify.Regex {
				sm.Pattern = m.Pattern
			}
			ms = append(ms, sm)
		}
	}
	// Every profile's markers: the default profile's, and the others'
	// (unexpected in the default profile, but still emitted by code).
	add(spec.Markers)
	add(spec.Unexpected)
	return ms, rel, "", nil
}

// renderHygieneText is the readable form of a hygiene report.
func renderHygieneText(rep *hygieneReport) []byte {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "base %s (%s), merge base %s\n", rep.Base, baseFromText(rep.BaseFrom), shortHash(rep.MergeBase))
	for _, f := range rep.Findings {
		fmt.Fprintf(&buf, "%s:%d: %s: %s\n    %s\n", f.File, f.Line, f.Rule, f.Message, f.Text)
	}
	fmt.Fprintln(&buf, "\nrules")
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	for _, r := range rep.Rules {
		state := "on"
		if !r.Enabled {
			state = "off"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", r.Rule, state, r.Note)
	}
	tw.Flush()
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(&buf, "\nnot read (%d)\n", len(rep.Skipped))
		for _, s := range rep.Skipped {
			fmt.Fprintf(&buf, "  %s\n", s)
		}
	}
	if len(rep.Findings) == 0 {
		fmt.Fprintln(&buf, "\nok: no hygiene finding on the added lines")
	} else {
		fmt.Fprintf(&buf, "\nFAIL: %d hygiene finding(s)\n", len(rep.Findings))
	}
	return buf.Bytes()
}
