package evidence

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"strings"
	"text/tabwriter"
)

// What `evidence verify` and `evidence show` report about a bundle.

// ProblemReport is one verification failure as a report lists it.
type ProblemReport struct {
	Reason  string `json:"reason"`
	File    string `json:"file,omitempty"`
	Message string `json:"message"`
}

func problemReports(err error) []ProblemReport {
	ps := Problems(err)
	out := make([]ProblemReport, 0, len(ps))
	for _, p := range ps {
		out = append(out, ProblemReport{Reason: string(p.Reason), File: p.File, Message: p.Error()})
	}
	return out
}

// FileReport is one files/ entry as a report lists it.
type FileReport struct {
	Name   string `json:"name"` // entry name, files/NAME
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

func fileReports(files []Entry) []FileReport {
	out := make([]FileReport, 0, len(files))
	for _, f := range files {
		out = append(out, FileReport{Name: FilesPrefix + f.Name, Size: f.Size, SHA256: f.SHA256})
	}
	return out
}

// VerifyReport is what `evidence verify` says about a bundle.
type VerifyReport struct {
	Bundle   string          `json:"bundle"`
	Valid    bool            `json:"valid"`
	Digest   string          `json:"digest"` // sha256 of the bundle file; "" when it could not be read
	KeyID    string          `json:"key_id"` // of the verifying key
	TaskID   string          `json:"task_id"`
	Commit   string          `json:"commit"`
	Verdict  string          `json:"verdict"`
	Files    []FileReport    `json:"files"`
	Problems []ProblemReport `json:"problems"`
	// SignedBy is who signed a valid bundle by the trust policy (set by
	// the caller; nil when not judged).
	SignedBy *SignerJudgement `json:"signed_by,omitempty"`
	verified *Verified
}

// NewVerifyReport verifies the bundle b (named name) with pub. openErr is
// the *VerifyError opening it failed with (b is nil then), reported as the
// bundle's problem. An error is a failure that is no verification problem
// (a bad option, a read error).
func NewVerifyReport(name string, b *Bundle, openErr error, pub ed25519.PublicKey, opts VerifyOptions) (*VerifyReport, error) {
	var v *Verified
	err := openErr
	if b != nil {
		v, err = b.Verify(pub, opts)
	}
	if err != nil && Problems(err) == nil {
		return nil, err
	}
	r := &VerifyReport{Bundle: name, Valid: err == nil, KeyID: KeyID(pub),
		Files: []FileReport{}, Problems: problemReports(err), verified: v}
	if b != nil {
		r.Digest = b.Digest
	}
	if v != nil {
		r.TaskID, r.Commit, r.Verdict = v.Predicate.TaskID, v.Predicate.Commit, v.Predicate.Verdict
		r.Files = fileReports(v.Files)
	}
	return r, nil
}

// Text is the summary of a valid bundle ("" for an invalid one: its
// Problems say why).
func (r *VerifyReport) Text() []byte {
	var b bytes.Buffer
	v := r.verified
	if !r.Valid || v == nil {
		return nil
	}
	fmt.Fprintf(&b, "valid: evidence for %s, signed by key %s\n", v.Predicate.TaskID, v.KeyID)
	if r.SignedBy != nil {
		fmt.Fprintf(&b, "signer:  %s\n", r.SignedBy)
	}
	fmt.Fprintf(&b, "commit:  %s\n", v.Predicate.Commit)
	fmt.Fprintf(&b, "verdict: %s (%s)\n", v.Predicate.Verdict, ItemCounts(v.Predicate.Items))
	fmt.Fprintf(&b, "files:   %d, every sha256 matches the signed statement\n", len(v.Files))
	fmt.Fprintf(&b, "bundle:  %s\n", v.Digest)
	return b.Bytes()
}

// SignatureReport is the signature status in a ShowReport.
type SignatureReport struct {
	Status   string          `json:"status"` // valid, invalid or not_checked
	Key      string          `json:"key"`    // public key file used; "" when not checked
	KeyID    string          `json:"key_id"` // of that key
	Problems []ProblemReport `json:"problems"`
}

// ShowReport is what `evidence show` says a bundle claims.
type ShowReport struct {
	Bundle        string          `json:"bundle"`
	Digest        string          `json:"digest"`
	Signature     SignatureReport `json:"signature"`
	ClaimedKeyIDs []string        `json:"claimed_key_ids"` // keyids written in envelope.json (unauthenticated)
	Predicate     Predicate       `json:"predicate"`
	Files         []FileReport    `json:"files"`
	// SignedBy is who signed a valid bundle by the trust policy (set by
	// the caller; nil when not judged).
	SignedBy *SignerJudgement `json:"signed_by,omitempty"`
}

// NewShowReport reads the opened bundle b (named name) and, with a public key
// (keyPath names it; nil pub: none at hand), checks its signature: a valid
// bundle shows the signed statement, any other the stored one. An error is
// a bundle too malformed to show.
func NewShowReport(name string, b *Bundle, pub ed25519.PublicKey, keyPath string) (*ShowReport, error) {
	c, err := b.Contents()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r := &ShowReport{
		Bundle: name, Digest: b.Digest,
		Signature:     SignatureReport{Status: "not_checked", Problems: []ProblemReport{}},
		ClaimedKeyIDs: []string{},
		Predicate:     c.Statement.Predicate,
		Files:         fileReports(c.Files),
	}
	for _, s := range c.Envelope.Signatures {
		r.ClaimedKeyIDs = append(r.ClaimedKeyIDs, s.KeyID)
	}
	if pub != nil {
		r.Signature.Key, r.Signature.KeyID = keyPath, KeyID(pub)
		v, err := b.Verify(pub, VerifyOptions{})
		switch {
		case err == nil:
			r.Signature.Status = "valid"
			r.Predicate, r.Files = v.Predicate, fileReports(v.Files)
		case Problems(err) != nil:
			r.Signature.Status = "invalid"
			r.Signature.Problems = problemReports(err)
		default:
			return nil, err
		}
	}
	if r.Predicate.Items == nil {
		r.Predicate.Items = []Item{}
	}
	if r.Predicate.Run.Tools == nil {
		r.Predicate.Run.Tools = []Tool{}
	}
	return r, nil
}

// Text is the readable form of a ShowReport.
func (r *ShowReport) Text() []byte {
	var b bytes.Buffer
	p := r.Predicate
	tw := tabwriter.NewWriter(&b, 0, 0, 1, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	row("bundle", r.Bundle)
	row("digest", r.Digest)
	row("task", p.TaskID)
	row("commit", p.Commit)
	row("verdict", fmt.Sprintf("%s (%s)", p.Verdict, ItemCounts(p.Items)))
	row("contract", orNone(p.ContractHash))
	row("allowlist", orNone(p.AllowlistHash))
	row("stop conditions", orNone(p.StopConditionsHash))
	row("run", describeRun(p.Run))
	row("claimed key id", orNone(strings.Join(r.ClaimedKeyIDs, ", ")))
	switch r.Signature.Status {
	case "valid":
		row("signature", fmt.Sprintf("valid (key %s, id %s)", r.Signature.Key, r.Signature.KeyID))
		if r.SignedBy != nil {
			row("signer", r.SignedBy.String())
		}
	case "invalid":
		for i, pr := range r.Signature.Problems {
			k := ""
			if i == 0 {
				k = "signature"
			}
			fmt.Fprintf(tw, "%s\tINVALID (%s): %s\n", k+":", pr.Reason, pr.Message)
		}
	default:
		row("signature", "not checked: no public key (use taskproof evidence verify --pub KEYFILE); the claims below are unverified")
	}
	tw.Flush()

	b.WriteString("\nItems:\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  VERDICT\tKIND\tITEM\tREASON")
	for _, it := range p.Items {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", it.Verdict, it.Kind, firstLine(it.Item), firstLine(it.Reason))
	}
	tw.Flush()

	b.WriteString("\nFiles:\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  SIZE\tSHA256\tNAME")
	for _, f := range r.Files {
		fmt.Fprintf(tw, "  %d\t%s\t%s\n", f.Size, f.SHA256, f.Name)
	}
	tw.Flush()
	// tabwriter pads the last column when a reason is empty; trim it.
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return []byte(strings.Join(lines, "\n"))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// describeRun is one line for the run-specific fields.
func describeRun(r Run) string {
	var parts []string
	if r.StartedAt != "" {
		parts = append(parts, "started "+r.StartedAt)
	}
	if r.DurationMS > 0 {
		parts = append(parts, fmt.Sprintf("%d ms", r.DurationMS))
	}
	if r.Host != "" {
		parts = append(parts, "host "+r.Host)
	}
	for _, t := range r.Tools {
		parts = append(parts, t.Name+" "+t.Version)
	}
	if len(parts) == 0 {
		return "(not recorded)"
	}
	return strings.Join(parts, ", ")
}
