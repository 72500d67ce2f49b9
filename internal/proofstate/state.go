package proofstate

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/trust"
)

// State is what a task's evidence says about it now.
type State string

// States, from best to worst news.
const (
	// Proven: a bundle that verifies with the repository's public key,
	// for this task, verdict proven, and none of its inputs changed since.
	Proven State = "proven"
	// Stale: a valid, proven bundle whose inputs (allowlisted content,
	// contract, Stop conditions) changed since it was made.
	Stale State = "stale"
	// Failed: a valid bundle whose verdict is not proven.
	Failed State = "failed"
	// Claimed: the header says Done or In Review, and there is no evidence
	// that could back it (no bundle, or no key to verify one): fake green.
	Claimed State = "claimed"
	// Unproven: no usable evidence, and the header does not claim Done.
	Unproven State = "unproven"
	// Invalid: a bundle exists but does not verify (tampered, wrong key,
	// another task's, unreadable).
	Invalid State = "invalid"
)

// States lists every state in display order.
var States = []State{Proven, Stale, Failed, Claimed, Unproven, Invalid}

// NoPublicKeyReason is the reason given for a bundle that cannot be
// verified because the repository has no public key.
const NoPublicKeyReason = "no public key at " + evidence.DefaultPublicKeyFile + "; run taskproof keygen"

// Assessment is the state of one task's evidence and why.
type Assessment struct {
	State State `json:"state"`
	// Reasons explain the state, one line each; empty only for proven.
	Reasons []string `json:"reasons"`
	// Summary is one short line without hashes or key ids, stable while
	// the state's cause stays the same (for the board).
	Summary string `json:"summary"`
	// Claims is true when the header status is Done or In Review: such a
	// task in any state but proven is fake green.
	Claims bool `json:"claims"`
	// Bundle is the bundle's path relative to the root (whether or not
	// it exists); "" for a task without an id.
	Bundle string `json:"bundle"`
	// Commit, Digest, KeyID: of a bundle that verified, else "".
	Commit string `json:"commit,omitempty"`
	Digest string `json:"digest,omitempty"`
	KeyID  string `json:"key_id,omitempty"`
	// Signer says who signed a bundle that verified and what the policy
	// lets them set; nil otherwise.
	Signer *trust.Judgement `json:"signer,omitempty"`
	// Verified is the verified bundle, nil unless it verified.
	Verified *evidence.Verified `json:"-"`
}

// Facts are the observations Decide judges; the CLI-free part of Assess.
type Facts struct {
	TaskID       task.ID
	Status       task.StatusClass   // the header status, normalised
	BundleExists bool               // a bundle file is at BundlePath
	Bundle       string             // its root-relative path, for reasons
	NoKey        bool               // the repository has no public key
	NoKeyWhy     string             // why, when it has one that may not be used (LocalKey)
	ReadErr      error              // the bundle exists but could not be read
	VerifyErr    error              // evidence.Verify failed
	Verified     *evidence.Verified // evidence.Verify succeeded
	InputsErr    error              // the current inputs could not be computed
	Current      evidence.Current   // the current inputs (Commit "" = by content)
	// Untrusted, when set, is why the policy does not let the bundle's
	// signer make the task proven (trust.Policy.Refusal).
	Untrusted string
	// InputChanges are the recorded proof inputs (files/inputs.json) that
	// changed since the proof, one line each.
	InputChanges []string
}

// Decide turns facts into a state and its reasons. It is pure.
func Decide(f Facts) (State, []string) {
	notProven := func(reasons ...string) (State, []string) {
		if ClaimsDone(f.Status) {
			return Claimed, append([]string{fmt.Sprintf("the header says %s, but there is no valid evidence", f.Status)}, reasons...)
		}
		return Unproven, reasons
	}
	prove := "run taskproof prove " + string(f.TaskID)
	switch {
	case f.TaskID == "":
		return notProven("the task has no id, so it can have no evidence bundle")
	case !f.BundleExists:
		return notProven(fmt.Sprintf("no evidence bundle at %s; %s", f.Bundle, prove))
	case f.ReadErr != nil:
		return Invalid, []string{fmt.Sprintf("%s cannot be read: %v", f.Bundle, f.ReadErr)}
	case f.NoKey:
		why := NoPublicKeyReason
		if f.NoKeyWhy != "" {
			why = f.NoKeyWhy
		}
		return notProven(fmt.Sprintf("%s cannot be verified: %s", f.Bundle, why))
	case f.VerifyErr != nil:
		return Invalid, verifyReasons(f.Bundle, f.VerifyErr)
	case f.Verified == nil:
		return Invalid, []string{f.Bundle + " was not verified"}
	}
	p := f.Verified.Predicate
	if p.TaskID != string(f.TaskID) {
		return Invalid, []string{fmt.Sprintf("%s is evidence for %s, not %s; %s", f.Bundle, p.TaskID, f.TaskID, prove)}
	}
	if p.Verdict != evidence.Proven {
		var rs []string
		for _, it := range p.Items {
			if it.Verdict == evidence.Proven {
				continue
			}
			r := fmt.Sprintf("%s %s: %s", it.Kind, it.Item, strings.ReplaceAll(it.Verdict, "_", " "))
			if it.Reason != "" {
				r += " (" + it.Reason + ")"
			}
			rs = append(rs, r)
		}
		if len(rs) == 0 {
			rs = []string{fmt.Sprintf("the evidence's verdict is %s", p.Verdict)}
		}
		return Failed, rs
	}
	if f.Untrusted != "" {
		return notProven(f.Untrusted)
	}
	if f.InputsErr != nil {
		return Stale, []string{fmt.Sprintf("cannot compute the current inputs to compare with the evidence: %v", f.InputsErr)}
	}
	rs := append(evidence.Staleness(p, f.Current), f.InputChanges...)
	if len(rs) > 0 {
		return Stale, rs
	}
	return Proven, []string{}
}

// Summarize is a one-line, hash-free account of state (as Decide gave it
// for f): what the board prints, so that the committed board changes only
// when a task's state or its cause changes, not with every edit.
func Summarize(f Facts, state State) string {
	switch state {
	case Proven:
		return "verified, inputs unchanged"
	case Claimed, Unproven:
		switch {
		case f.TaskID == "":
			return "no id, so no evidence"
		case !f.BundleExists:
			return "no evidence bundle"
		case f.NoKey && f.NoKeyWhy != "":
			return "bundle present, but the public key is not the committed one"
		case f.NoKey:
			return "bundle present, but no public key to verify it"
		case f.Untrusted != "":
			return "proven, but not by a trusted signer"
		}
		return "no valid evidence"
	case Invalid:
		switch {
		case f.ReadErr != nil:
			return "bundle unreadable"
		case f.VerifyErr != nil:
			var codes []string
			seen := map[string]bool{}
			for _, p := range evidence.Problems(f.VerifyErr) {
				c := string(p.Reason)
				if p.File != "" {
					c += " " + p.File
				}
				if !seen[c] {
					seen[c] = true
					codes = append(codes, c)
				}
			}
			if len(codes) == 0 {
				return "bundle does not verify"
			}
			return "bundle does not verify: " + strings.Join(codes, ", ")
		case f.Verified != nil:
			return "bundle is evidence for " + f.Verified.Predicate.TaskID
		}
		return "bundle does not verify"
	case Failed:
		n, all := 0, 0
		if f.Verified != nil {
			for _, it := range f.Verified.Predicate.Items {
				all++
				if it.Verdict != evidence.Proven {
					n++
				}
			}
		}
		return fmt.Sprintf("proof failed: %d of %d items not proven", n, all)
	case Stale:
		if f.InputsErr != nil || f.Verified == nil {
			return "current inputs unknown"
		}
		p, c := f.Verified.Predicate, f.Current
		var what []string
		if c.Commit != "" && c.Commit != p.Commit {
			what = append(what, "commit")
		}
		if p.AllowlistHash != c.AllowlistHash {
			what = append(what, "allowlisted paths")
		}
		if p.ContractHash != c.ContractHash {
			what = append(what, "contract")
		}
		if p.StopConditionsHash != c.StopConditionsHash {
			what = append(what, "Stop conditions")
		}
		if len(f.InputChanges) > 0 {
			what = append(what, "proof inputs")
		}
		return "changed since the proof: " + strings.Join(what, ", ")
	}
	return string(state)
}

// verifyReasons lists a verification failure, one line per problem.
func verifyReasons(bundle string, err error) []string {
	ps := evidence.Problems(err)
	if len(ps) == 0 {
		return []string{fmt.Sprintf("%s does not verify: %v", bundle, err)}
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = fmt.Sprintf("%s does not verify: %v", bundle, p)
	}
	return out
}

// ClaimsDone reports whether a status claims the work is finished: Done or
// In Review (after normalisation with the repository's vocabulary).
func ClaimsDone(c task.StatusClass) bool {
	return c == "Done" || c == "In Review"
}

// LoadPublicKey reads ROOT/.taskproof/signing.pub; (nil, nil) when the file
// does not exist. A file that exists but is not an ed25519 public key is an
// error naming the fix.
func LoadPublicKey(root string) (ed25519.PublicKey, error) {
	p := filepath.Join(root, filepath.FromSlash(evidence.DefaultPublicKeyFile))
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	pub, err := evidence.ReadPublicKeyFile(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (replace it with the output of taskproof keygen, or remove it)", evidence.DefaultPublicKeyFile, err)
	}
	return pub, nil
}

// LocalKey is LoadPublicKey pinned to the commit: where HEAD has
// .taskproof/signing.pub, a work-tree key that differs from it (swapped,
// or remade with keygen) is not used. Then pub is nil and refused says
// why (see RepoAssessor): evidence that only such a key verifies
// must not show as proven.
func LocalKey(ctx context.Context, root string) (pub ed25519.PublicKey, refused string, err error) {
	pub, err = LoadPublicKey(root)
	if err != nil || pub == nil {
		return pub, "", err
	}
	if why := localKeySwapped(ctx, root); why != "" {
		return nil, why, nil
	}
	return pub, "", nil
}

// Assessor assesses many tasks of one repository, listing its files once.
type Assessor struct {
	ctx  context.Context
	r    *repo.Repo
	pub  ed25519.PublicKey
	pol  *trust.Policy
	want string // the status the policy is asked about
	// keyWhy is why the repository's own key is not used (RepoAssessor).
	keyWhy string
	snap   *Snapshot
	err    error
	done   bool
}

// NewAssessor prepares assessments of r's tasks with the verifying key pub
// (nil: the repository has none).
func NewAssessor(ctx context.Context, r *repo.Repo, pub ed25519.PublicKey) *Assessor {
	return &Assessor{ctx: ctx, r: r, pub: pub, want: "Done"}
}

// WithPolicy makes the assessor verify with the trusted signers' keys as
// well, name the signer of each bundle, and, when the policy is required,
// count as proven only evidence from a signer allowed to set want (""
// means Done, what the board's "proven" stands for).
func (a *Assessor) WithPolicy(p *trust.Policy, want string) *Assessor {
	a.pol = p
	if want != "" {
		a.want = want
	}
	return a
}

// RepoAssessor is NewAssessor with the repository's own public key as
// LocalKey pins it: refused says why a work-tree key is not used (a bundle
// only it would verify says so too), "" when it is or there is none.
func RepoAssessor(ctx context.Context, r *repo.Repo) (a *Assessor, refused string, err error) {
	pub, refused, err := LocalKey(ctx, r.Root)
	if err != nil {
		return nil, "", err
	}
	a = NewAssessor(ctx, r, pub)
	a.keyWhy = refused
	return a, refused, nil
}

// HasKey reports whether the assessor verifies with the repository's own
// public key.
func (a *Assessor) HasKey() bool { return a.pub != nil }

// Snapshot returns the repository snapshot, made on first use.
func (a *Assessor) Snapshot() (*Snapshot, error) {
	if !a.done {
		a.snap, a.err = NewSnapshot(a.ctx, a.r)
		a.done = true
	}
	return a.snap, a.err
}

// Assess judges doc's evidence (src is its file content; nil reads it).
// Freshness is judged by content (Current.Commit ""): a proof made on an
// older commit stays proven while nothing it covered changed. Status set
// adds its own check that the evidence's commit is HEAD or an ancestor.
func (a *Assessor) Assess(doc *task.Document, src []byte) Assessment {
	f := Facts{TaskID: doc.ID, Status: doc.Status.Class, NoKey: a.pub == nil && (a.pol == nil || len(a.pol.Signers) == 0), NoKeyWhy: a.keyWhy}
	out := Assessment{Claims: ClaimsDone(doc.Status.Class)}
	if doc.ID != "" {
		f.Bundle = BundleRel(doc.ID)
		out.Bundle = f.Bundle
		// Opened within the configured limits and read as a stream: a
		// bundle above them is refused unread (f.VerifyErr, too_large).
		b, err := evidence.OpenFile(BundlePath(a.r.Root, doc.ID), BundleLimits(a.r))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil && evidence.Problems(err) == nil:
			f.BundleExists, f.ReadErr = true, err
		case err != nil:
			f.BundleExists = true
			if a.pub != nil {
				f.VerifyErr = err
			}
		default:
			f.BundleExists = true
			if key := verifyKey(b, a.pol, a.pub); key != nil {
				f.Verified, f.VerifyErr = b.Verify(key, evidence.VerifyOptions{})
			} else if !f.NoKey {
				f.NoKey = true
			}
		}
	}
	var signer *trust.Judgement
	if f.Verified != nil {
		j := a.pol.Judge(f.Verified.KeyID)
		signer = &j
		if a.pol != nil && a.pol.Required {
			f.Untrusted = a.pol.Refusal(j, a.want)
		}
	}
	if f.Verified != nil && f.Verified.Predicate.Verdict == evidence.Proven && f.Verified.Predicate.TaskID == string(doc.ID) {
		s, err := a.Snapshot()
		if err == nil {
			f.Current, _, err = s.Inputs(doc, src)
		}
		f.InputsErr = err
		f.Current.Commit = ""
		if data, err := f.Verified.ReadFile(evidence.InputsName); err == nil {
			f.InputChanges = evidence.InputChanges(data, a.r.Root)
		} else if !errors.Is(err, evidence.ErrNoFile) {
			f.InputChanges = []string{fmt.Sprintf("%s cannot be read: %v", evidence.InputsName, err)}
		}
	}
	out.State, out.Reasons = Decide(f)
	out.Summary = Summarize(f, out.State)
	if f.Verified != nil && f.VerifyErr == nil && out.State != Invalid {
		out.Verified = f.Verified
		out.Commit, out.Digest, out.KeyID = f.Verified.Predicate.Commit, f.Verified.Digest, f.Verified.KeyID
		out.Signer = signer
	}
	if out.Reasons == nil {
		out.Reasons = []string{}
	}
	return out
}

// Assess judges one task's evidence; see Assessor.Assess.
func Assess(ctx context.Context, r *repo.Repo, doc *task.Document, src []byte, pub ed25519.PublicKey) Assessment {
	return NewAssessor(ctx, r, pub).Assess(doc, src)
}

// BundleLimits are the [evidence] limits of r's taskproof.toml; the
// defaults when it cannot be read (the commands that load it report why).
func BundleLimits(r *repo.Repo) evidence.Limits {
	cfg, err := r.Config()
	if err != nil {
		return evidence.DefaultLimits
	}
	return evidence.LimitsOf(cfg.Evidence)
}
