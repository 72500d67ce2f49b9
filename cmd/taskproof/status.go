package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/task"
)

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

const statusSynopsis = "status set TASK-ID STATUS [--by TASK-ID] [--root DIR]"

func cmdStatusSet(ctx context.Context, env *cliEnv, args []string) error {
	o := statusOptions{}
	fs := newFlagSet(env, "status", statusSynopsis, statusHelp)
	fs.rootFlag(&o.Root)
	fs.StringVar(&o.By, "by", "", "successor `TASK-ID` when STATUS is Superseded")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("status set takes TASK-ID and STATUS, got %d arguments; e.g. taskproof status set TASK-0003 Done", len(pos))
	}
	o.Task, o.Status = pos[0], pos[1]
	return runStatusSet(ctx, o, env)
}

// runStatusSet checks the transition and rewrites the status line.
func runStatusSet(ctx context.Context, o statusOptions, env *cliEnv) error {
	r, cfg, _, err := openTasks(o.Root)
	if err != nil {
		return err
	}
	want, ok := proofstate.CanonicalStatus(o.Status, cfg.Status.Vocabulary, cfg.Status.Aliases)
	if !ok {
		return usagef("unknown status %q; use one of: %s", o.Status, strings.Join(cfg.Status.Vocabulary, ", "))
	}
	doc, err := r.Task(o.Task)
	if err != nil {
		return err
	}
	path := r.File(doc)
	src, err := r.Source(doc)
	if err != nil {
		return err
	}
	if o.By != "" && want != "Superseded" {
		return usagef("--by names the successor of a Superseded task; it does not apply to %s", want)
	}
	value := want
	var proof *proofstate.Assessment
	switch want {
	case "Done", "In Review":
		a, err := requireEvidence(ctx, r, doc, src, want)
		if err != nil {
			return err
		}
		proof = &a
	case "Superseded":
		if value, err = supersededValue(r, cfg, doc, want, o.By); err != nil {
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
			return infra(err)
		}
		fmt.Fprintf(env.stdout, "%s: status %q -> %q (%s:%d)\n", doc.ID, from, value, doc.Path, doc.Status.Line)
	}
	if proof != nil {
		fmt.Fprintf(env.stdout, "proven by %s (commit %s, %s)\n", proof.Bundle, scope.ShortHash(proof.Commit), proof.Digest)
	}
	return nil
}

// requireEvidence returns the task's evidence when it allows the status
// want, or an errFindings error naming exactly what is missing.
func requireEvidence(ctx context.Context, r *repo.Repo, doc *task.Document, src []byte, want string) (proofstate.Assessment, error) {
	refuse := func(why string, reasons []string) error {
		var b strings.Builder
		fmt.Fprintf(&b, "%s cannot be set to %s: %s", doc.ID, want, why)
		for _, s := range reasons {
			b.WriteString("\n  - " + s)
		}
		return findings(fmt.Errorf("%s", b.String()))
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
	as := proofstate.NewAssessor(ctx, r, pub)
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
		return a, infra(err)
	}
	ok, err := snap.IsAncestor(a.Commit)
	if err != nil {
		return a, refuse("the evidence cannot be tied to this repository's history", []string{err.Error()})
	}
	if !ok {
		return a, refuse("the evidence is for another history", []string{fmt.Sprintf(
			"%s was made on commit %s, which is neither HEAD (%s) nor one of its ancestors; run taskproof prove %s",
			a.Bundle, scope.ShortHash(a.Commit), scope.ShortHash(snap.Commit()), doc.ID)})
	}
	return a, nil
}

// supersededValue returns the status value for a Superseded task, or an
// error when it has no successor.
func supersededValue(r *repo.Repo, cfg *config.Config, doc *task.Document, canonical, by string) (string, error) {
	if by != "" {
		id, ok := task.ParseID(by)
		if !ok {
			return "", usagef("--by %q is not a task id; expected TASK-NNNN or TASK-NNNNB", by)
		}
		if id == doc.ID {
			return "", usagef("--by %s: a task cannot supersede itself", id)
		}
		if docs, _ := r.Find(id); len(docs) == 0 {
			return "", usagef("--by %s: no such task in %s; create the successor first (taskproof new)", id, filepath.Join(r.Root, cfg.Tasks.Dir))
		}
		return proofstate.SupersededValue(canonical, []task.ID{id}), nil
	}
	ids, fromStatus := proofstate.Successors(doc)
	switch {
	case len(ids) == 0:
		return "", findings(fmt.Errorf("%s cannot be set to %s without a successor: pass --by TASK-ID, or record it in the header (superseded-by: TASK-ID)", doc.ID, canonical))
	case fromStatus:
		// The ids live in the status value being replaced: keep them.
		return proofstate.SupersededValue(canonical, ids), nil
	}
	return canonical, nil
}
