package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
)

func init() {
	register(&command{name: "status", summary: "set a task's header status (Done only with valid evidence)", run: cmdStatus})
}

const statusHelp = `status set TASK-ID STATUS rewrites the status value in the task's header
(the front-matter "status:" line, or the "- Status:" bullet of a header-less
task) in place and atomically. Nothing else in the file changes: other
lines, the key, quotes, trailing spaces and the line ending (CRLF stays
CRLF) are kept byte for byte.

STATUS is a status of the vocabulary ([status] vocabulary in taskproof.toml;
default Draft, In Progress, In Review, Done, Blocked, Deferred, Superseded),
or one of its aliases, in any case; the canonical spelling is written.

Done and In Review need proof: a bundle at .taskproof/evidence/TASK-ID.tar
that verifies with .taskproof/signing.pub, whose verdict is proven, whose
inputs (allowlisted content, contract, Stop conditions) have not changed
since, and whose commit is HEAD or an ancestor of HEAD. Otherwise nothing is
written and the command names what is missing (run taskproof prove
TASK-ID, the stale inputs, the failed items, why the bundle does not
verify, or the missing public key).

Superseded needs a successor: --by TASK-ID (an existing task), or a
superseded-by dependency the task already records (a "superseded-by:"
header field or a "Superseded by:" link). With --by the status is written
as "Superseded by TASK-ID": the parser reads the ids of a Superseded status
as superseded-by dependencies, so the successor is recorded by that one
line alone.

Every other change is free.

Exit codes: 0 set (or already set); 1 refused (no valid, fresh, proven
evidence, or no successor); 2 usage error, unknown task, status outside the
vocabulary, or a header without a status line; 3 the file could not be
written or git failed.`

// statusOptions are the inputs of `taskproof status set`.
type statusOptions struct {
	Root   string
	Task   string // id as typed, or a path to a task file
	Status string // as typed
	By     string // successor for Superseded, as typed
}

func cmdStatus(env *cliEnv, args []string) int {
	o := statusOptions{}
	fs := newFlagSet(env, "status", "status set TASK-ID STATUS [--by TASK-ID] [--root DIR]", statusHelp)
	fs.rootFlag(&o.Root)
	fs.StringVar(&o.By, "by", "", "successor `TASK-ID` when STATUS is Superseded")
	pos, code, done := fs.parse(args)
	if done {
		return code
	}
	switch {
	case len(pos) == 0:
		return report(env, "status", usagef("missing subcommand; usage: taskproof status set TASK-ID STATUS"))
	case pos[0] != "set":
		return report(env, "status", usagef("unknown subcommand %q; usage: taskproof status set TASK-ID STATUS", pos[0]))
	case len(pos) != 3:
		return report(env, "status", usagef("status set takes TASK-ID and STATUS, got %d arguments; e.g. taskproof status set TASK-0003 Done", len(pos)-1))
	}
	o.Task, o.Status = pos[1], pos[2]
	return report(env, "status", runStatusSet(o, env))
}

// runStatusSet checks the transition and rewrites the status line.
func runStatusSet(o statusOptions, env *cliEnv) error {
	r, err := repo.Open(o.Root)
	if err != nil {
		return err
	}
	want, ok := proofstate.CanonicalStatus(o.Status, r.Config.Status.Vocabulary, r.Config.Status.Aliases)
	if !ok {
		return usagef("unknown status %q; use one of: %s", o.Status, strings.Join(r.Config.Status.Vocabulary, ", "))
	}
	doc, err := findScopeTask(r, o.Task)
	if err != nil {
		return err
	}
	path := filepath.Join(r.Root, filepath.FromSlash(doc.Path))
	if filepath.IsAbs(doc.Path) {
		path = doc.Path
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", doc.Path, err)
	}
	if o.By != "" && want != "Superseded" {
		return usagef("--by names the successor of a Superseded task; it does not apply to %s", want)
	}
	value := want
	var proof *proofstate.Assessment
	switch want {
	case "Done", "In Review":
		a, err := requireEvidence(r, doc, src, want)
		if err != nil {
			return err
		}
		proof = &a
	case "Superseded":
		if value, err = supersededValue(r, doc, want, o.By); err != nil {
			return err
		}
	}
	out, err := proofstate.SetStatus(src, doc, value)
	if err != nil {
		return err
	}
	from := doc.Status.Raw
	if from == "" {
		from = "(empty)"
	}
	if bytes.Equal(out, src) {
		fmt.Fprintf(env.stdout, "%s: status is already %q (%s:%d); nothing written\n", doc.ID, value, doc.Path, doc.Status.Line)
	} else {
		if err := atomicfile.Write(path, out, 0o644); err != nil {
			return &exitError{exitInfra, err}
		}
		fmt.Fprintf(env.stdout, "%s: status %q -> %q (%s:%d)\n", doc.ID, from, value, doc.Path, doc.Status.Line)
	}
	if proof != nil {
		fmt.Fprintf(env.stdout, "proven by %s (commit %s, %s)\n", proof.Bundle, shortHash(proof.Commit), proof.Digest)
	}
	return nil
}

// requireEvidence returns the task's evidence when it allows the status
// want, or an exitFindings error naming exactly what is missing.
func requireEvidence(r *repo.Repo, doc *task.Document, src []byte, want string) (proofstate.Assessment, error) {
	refuse := func(why string, reasons []string) error {
		var b strings.Builder
		fmt.Fprintf(&b, "%s cannot be set to %s: %s", doc.ID, want, why)
		for _, s := range reasons {
			b.WriteString("\n  - " + s)
		}
		return &exitError{exitFindings, fmt.Errorf("%s", b.String())}
	}
	if doc.ID == "" {
		return proofstate.Assessment{}, refuse("the task has no id, so it can have no evidence", nil)
	}
	pub, err := proofstate.LoadPublicKey(r.Root)
	if err != nil {
		return proofstate.Assessment{}, err
	}
	if pub == nil {
		return proofstate.Assessment{}, refuse("its evidence cannot be verified", []string{proofstate.NoPublicKeyReason})
	}
	as := proofstate.NewAssessor(r, pub)
	// Judge the evidence alone: the header's current claim is what is
	// being decided.
	unclaimed := *doc
	unclaimed.Status.Class = ""
	a := as.Assess(&unclaimed, src)
	switch a.State {
	case proofstate.Proven:
	case proofstate.Unproven, proofstate.Claimed:
		return a, refuse("no evidence", a.Reasons)
	case proofstate.Stale:
		return a, refuse("the evidence is stale", a.Reasons)
	case proofstate.Failed:
		return a, refuse("the proof failed", a.Reasons)
	default:
		return a, refuse("the evidence is invalid", append(a.Reasons, "run taskproof prove "+string(doc.ID)+" to replace it"))
	}
	snap, err := as.Snapshot()
	if err != nil {
		return a, &exitError{exitInfra, err}
	}
	ok, err := snap.IsAncestor(a.Commit)
	if err != nil {
		return a, refuse("the evidence cannot be tied to this repository's history", []string{err.Error()})
	}
	if !ok {
		return a, refuse("the evidence is for another history", []string{fmt.Sprintf(
			"%s was made on commit %s, which is neither HEAD (%s) nor one of its ancestors; run taskproof prove %s",
			a.Bundle, shortHash(a.Commit), shortHash(snap.Commit()), doc.ID)})
	}
	return a, nil
}

// supersededValue returns the status value for a Superseded task, or an
// error when it has no successor.
func supersededValue(r *repo.Repo, doc *task.Document, canonical, by string) (string, error) {
	if by != "" {
		id, ok := task.ParseID(by)
		if !ok {
			return "", usagef("--by %q is not a task id; expected TASK-NNNN or TASK-NNNNB", by)
		}
		if id == doc.ID {
			return "", usagef("--by %s: a task cannot supersede itself", id)
		}
		if len(r.Find(id)) == 0 {
			return "", usagef("--by %s: no such task in %s; create the successor first (taskproof new)", id, filepath.Join(r.Root, r.Config.Tasks.Dir))
		}
		return proofstate.SupersededValue(canonical, []task.ID{id}), nil
	}
	ids, fromStatus := proofstate.Successors(doc)
	switch {
	case len(ids) == 0:
		return "", &exitError{exitFindings, fmt.Errorf("%s cannot be set to %s without a successor: pass --by TASK-ID, or record it in the header (superseded-by: TASK-ID)", doc.ID, canonical)}
	case fromStatus:
		// The ids live in the status value being replaced: keep them.
		return proofstate.SupersededValue(canonical, ids), nil
	}
	return canonical, nil
}
