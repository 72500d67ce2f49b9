package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/testout"
)

func init() {
	registerEvidence(&command{name: "md", summary: "print a task's evidence as the Markdown section to paste into a PR", run: cmdEvidenceMD})
}

const evidenceMDHelp = `Prints the "Evidence (to paste into PR)" section of a task from its bundle,
.taskproof/evidence/TASK-ID.tar under --root: the verdict and commit, the
bundle's sha256 and signing key id, each proof command with its verdict,
for each marker proof the marker lines it saw and the tail of its console
(--tail lines), for each test command the test summary and the required
tests, the scope and hygiene results, and the table of Definition-of-Done
items.

The bundle is verified first with the repository's public key
(.taskproof/signing.pub) and judged against the repository as it is now.
When it does not verify, is stale (allowlisted paths, contract or Stop
conditions changed since), or says failed, the section starts with a
warning saying so, and the command exits 1: such a section is not proof.

Exit codes: 0 the evidence verifies, is fresh and proven; 1 printed with a
warning (invalid, stale, failed or unverifiable), or no bundle; 2 usage
error or unknown task.`

// evidenceMDOptions are the inputs of `taskproof evidence md`.
type evidenceMDOptions struct {
	Root string
	Task string
	Tail int
}

func cmdEvidenceMD(env *cliEnv, args []string) int {
	o := evidenceMDOptions{}
	fs := newFlagSet(env, "evidence md", "evidence md TASK-ID [--tail 15] [--root DIR]", evidenceMDHelp)
	fs.rootFlag(&o.Root)
	fs.IntVar(&o.Tail, "tail", 15, "show the last `N` lines of each console log")
	pos, code, done := fs.parse(args)
	if done {
		return code
	}
	if len(pos) != 1 {
		return report(env, "evidence md", usagef("want exactly one TASK-ID; usage: taskproof evidence md TASK-ID"))
	}
	o.Task = pos[0]
	return report(env, "evidence md", runEvidenceMD(o, env))
}

func runEvidenceMD(o evidenceMDOptions, env *cliEnv) error {
	if o.Tail < 0 {
		return usagef("--tail must not be negative; got %d", o.Tail)
	}
	r, err := repo.Open(o.Root)
	if err != nil {
		return err
	}
	doc, err := findScopeTask(r, o.Task)
	if err != nil {
		return err
	}
	if doc.ID == "" {
		return usagef("%s has no task id; its evidence is named by the id", doc.Path)
	}
	rel := proofstate.BundleRel(doc.ID)
	data, err := os.ReadFile(proofstate.BundlePath(r.Root, doc.ID))
	if errors.Is(err, fs.ErrNotExist) {
		return &exitError{exitFindings, fmt.Errorf("no evidence for %s at %s; run taskproof prove %s", doc.ID, rel, doc.ID)}
	}
	if err != nil {
		return fmt.Errorf("read bundle: %w", err)
	}
	pub, err := proofstate.LoadPublicKey(r.Root)
	if err != nil {
		return err
	}
	a := proofstate.Assess(r, doc, nil, pub)
	var files []evidence.File
	var pred evidence.Predicate
	if a.Verified != nil {
		files, pred = a.Verified.Files, a.Verified.Predicate
	} else {
		c, err := evidence.Read(data)
		if err != nil {
			return &exitError{exitFindings, fmt.Errorf("%s is not a readable bundle: %w", rel, err)}
		}
		files, pred = c.Files, c.Statement.Predicate
	}
	md := renderEvidenceMD(evidenceMDInput{
		Bundle: rel, Digest: evidence.BundleDigest(data), Assessment: a, Predicate: pred, Files: files, Tail: o.Tail,
	})
	if _, err := env.stdout.Write(md); err != nil {
		return &exitError{exitInfra, fmt.Errorf("write output: %w", err)}
	}
	if a.State != proofstate.Proven {
		return &exitError{code: exitFindings}
	}
	return nil
}

// evidenceMDInput is what the section is made from.
type evidenceMDInput struct {
	Bundle     string // root-relative path
	Digest     string
	Assessment proofstate.Assessment
	Predicate  evidence.Predicate
	Files      []evidence.File
	Tail       int
}

func (in evidenceMDInput) file(name string) ([]byte, bool) {
	for _, f := range in.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

// renderEvidenceMD renders the PR section. Everything it quotes comes from
// the bundle; the header says whether the bundle verified and is fresh.
func renderEvidenceMD(in evidenceMDInput) []byte {
	var b bytes.Buffer
	p := in.Predicate
	a := in.Assessment
	b.WriteString("## Evidence (to paste into PR)\n\n")
	switch a.State {
	case proofstate.Proven:
	case proofstate.Stale:
		fmt.Fprintf(&b, "> **Warning: this evidence is STALE** — %s. Run `taskproof prove %s` again.\n\n", mdInline(strings.Join(a.Reasons, "; ")), p.TaskID)
	case proofstate.Failed:
		fmt.Fprintf(&b, "> **Warning: this evidence says FAILED** — the Definition of Done is not met (see the items below).\n\n")
	default:
		reasons := strings.Join(a.Reasons, "; ")
		if reasons == "" {
			reasons = "it could not be verified"
		}
		fmt.Fprintf(&b, "> **Warning: this evidence does NOT VERIFY** (%s) — %s. Nothing below is authenticated.\n\n", a.State, mdInline(reasons))
	}
	fmt.Fprintf(&b, "- **%s: %s** (%s)\n", p.TaskID, p.Verdict, evidenceItemCounts(p.Items))
	fmt.Fprintf(&b, "- Commit: `%s`\n", p.Commit)
	fmt.Fprintf(&b, "- Bundle: `%s` `%s`\n", in.Bundle, in.Digest)
	if a.KeyID != "" {
		fmt.Fprintf(&b, "- Signed by key `%s`, verified with `%s`\n", a.KeyID, evidence.DefaultPublicKeyFile)
	} else {
		fmt.Fprintf(&b, "- Signature: not verified\n")
	}
	fmt.Fprintf(&b, "- Check it: `taskproof evidence verify %s --commit %s`\n", in.Bundle, shortHash(p.Commit))

	var cfg proveConfig
	if data, ok := in.file("config.json"); ok {
		_ = json.Unmarshal(data, &cfg)
	}
	cmdItems := map[string]evidence.Item{}
	for _, it := range p.Items {
		if it.Kind == evidence.KindCommand {
			if _, dup := cmdItems[it.Item]; !dup {
				cmdItems[it.Item] = it
			}
		}
	}
	if len(cfg.Steps) > 0 {
		b.WriteString("\n### Commands\n\n")
		for _, st := range cfg.Steps {
			it := cmdItems[st.Command]
			fmt.Fprintf(&b, "%d. %s — %s", st.N, mdCode(st.Command), it.Verdict)
			if it.Reason != "" {
				fmt.Fprintf(&b, ": %s", mdInline(it.Reason))
			}
			b.WriteString("\n")
		}
	}
	for _, st := range cfg.Steps {
		n := strconv.Itoa(st.N)
		if rep, ok := in.file("reports/" + n + ".json"); ok {
			var run proveBundledRun
			if json.Unmarshal(rep, &run) == nil {
				mdConsole(&b, st, run, in)
			}
		}
		if tr, ok := in.file("tests/" + n + ".json"); ok {
			var t testout.Report
			if json.Unmarshal(tr, &t) == nil {
				mdTests(&b, st, t)
			}
		}
	}
	if data, ok := in.file("scope.json"); ok {
		var s scope.Result
		if json.Unmarshal(data, &s) == nil {
			b.WriteString("\n### Scope\n\n")
			if s.OK() {
				fmt.Fprintf(&b, "%d touched path(s), all within the allowlist (base `%s`, merge base `%s`).\n", len(s.Touched), s.Base, shortHash(s.MergeBase))
			} else {
				fmt.Fprintf(&b, "%d violation(s) of the allowlist (base `%s`, merge base `%s`):\n\n", len(s.Violations), s.Base, shortHash(s.MergeBase))
				for _, v := range s.Violations {
					fmt.Fprintf(&b, "- %s %s: %s\n", mdCode(v.Path), v.Status, mdInline(v.Reason))
				}
			}
			if len(s.Unverifiable) > 0 {
				fmt.Fprintf(&b, "\nUnverifiable allowlist items (prose): %d.\n", len(s.Unverifiable))
			}
		}
	}
	if data, ok := in.file("hygiene.json"); ok {
		var h hygieneReport
		if json.Unmarshal(data, &h) == nil {
			b.WriteString("\n### Hygiene\n\n")
			if len(h.Findings) == 0 {
				b.WriteString("No finding on the added lines.\n")
			}
			for _, f := range h.Findings {
				fmt.Fprintf(&b, "- `%s:%d` %s: %s\n", f.File, f.Line, f.Rule, mdInline(f.Message))
			}
		}
	}
	b.WriteString("\n### Definition of Done\n\n| Verdict | Kind | Item | Reason |\n|---|---|---|---|\n")
	for _, it := range p.Items {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", it.Verdict, it.Kind, mdCell(it.Item), mdCell(it.Reason))
	}
	return b.Bytes()
}

// mdConsole writes the marker lines and the log tail of one marker proof.
func mdConsole(b *bytes.Buffer, st proveConfigStep, run proveBundledRun, in evidenceMDInput) {
	fmt.Fprintf(b, "\n### Console of proof %d (%s: %s)\n\n", st.N, mdCode(strings.Join(run.Command, " ")), run.Verdict)
	if len(run.Markers) > 0 {
		var lines []string
		for _, m := range run.Markers {
			lines = append(lines, fmt.Sprintf("%5d  %-6s %s", m.Line, m.Kind, m.Marker))
		}
		b.WriteString("Markers seen (log line, kind, marker):\n\n")
		mdFence(b, strings.Join(lines, "\n"))
	}
	if run.Failure != nil {
		fmt.Fprintf(b, "\nFailure: %s\n", mdInline(run.Failure.Message))
	}
	data, ok := in.file(run.Log)
	if !ok || in.Tail == 0 {
		return
	}
	lines := strings.Split(strings.TrimRight(cleanConsole(string(data)), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	if len(lines) > in.Tail {
		lines = lines[len(lines)-in.Tail:]
	}
	fmt.Fprintf(b, "\nLast %d line(s) of `%s`:\n\n", len(lines), run.Log)
	mdFence(b, strings.Join(lines, "\n"))
}

// mdTests writes the summary and the required tests of one test proof.
func mdTests(b *bytes.Buffer, st proveConfigStep, t testout.Report) {
	s := t.Summary
	fmt.Fprintf(b, "\n### Tests of proof %d (%s)\n\n", st.N, mdCode(strings.Join(st.Argv, " ")))
	fmt.Fprintf(b, "%s: %d test(s): %d passed, %d failed, %d errored, %d skipped", t.Format, s.Total, s.Passed, s.Failed, s.Errored, s.Skipped)
	if t.Crashed {
		fmt.Fprintf(b, "; the run crashed: %s", mdInline(t.CrashReason))
	}
	b.WriteString(".\n")
	if len(t.Required) > 0 {
		b.WriteString("\n| Required test | Outcome here | Matched |\n|---|---|---|\n")
		for _, r := range t.Required {
			var names []string
			for _, m := range r.Matches {
				names = append(names, m.Name)
			}
			fmt.Fprintf(b, "| %s | %s | %s |\n", mdCell(r.Name), r.Outcome, mdCell(strings.Join(names, ", ")))
		}
	}
}

var (
	ansiCSI = regexp.MustCompile("\x1b\\[[0-9;?]*[ -/]*[@-~]")
	ansiESC = regexp.MustCompile("\x1b[()#][0-9A-Za-z]|\x1b[=>78cDEHM]")
)

// cleanConsole makes a console log readable in Markdown: ANSI escapes and
// carriage returns removed, other control bytes shown as '?'.
func cleanConsole(s string) string {
	s = ansiCSI.ReplaceAllString(s, "")
	s = ansiESC.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return -1
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f || r == '\uFFFD':
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// mdFence writes text in a fenced block whose fence is longer than any
// backtick run inside it.
func mdFence(b *bytes.Buffer, text string) {
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	fmt.Fprintf(b, "%stext\n%s\n%s\n", fence, text, fence)
}

// mdCode is text as an inline code span that survives backticks inside.
func mdCode(s string) string {
	s = strings.ReplaceAll(firstLine(s), "\r", "")
	n := longestRun(s, '`')
	ticks := strings.Repeat("`", n+1)
	if n > 0 || strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return ticks + " " + s + " " + ticks
	}
	return ticks + s + ticks
}

// mdInline is one line of text that cannot open Markdown structure.
func mdInline(s string) string {
	return strings.NewReplacer("\n", " ", "\r", "", "<", "&lt;", ">", "&gt;").Replace(s)
}

// mdCell is text for a table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(mdInline(s), "|", `\|`)
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}
