package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/taskproof/taskproof/internal/evidence"
)

const evidenceHelp = `An evidence bundle is one tar file written by prove: the raw logs, marker
trace, reports and resolved configuration under files/, an in-toto
Statement v1 (statement.json) naming each file's sha256 and what was
proven (task, commit, contract and allowlist hashes, a verdict per
Definition-of-Done item), and a DSSE envelope (envelope.json) that signs
the statement with ed25519. Make the key pair with 'taskproof keygen'.`

// readEvidenceBundle reads a bundle; failing to is a usage error (exit 2).
func readEvidenceBundle(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	return data, nil
}

// evidencePubPath is --pub, or the repository's default public key.
func evidencePubPath(pub, root string) string {
	if pub != "" {
		return pub
	}
	return filepath.Join(root, evidence.DefaultPublicKeyFile)
}

// readEvidencePub reads the public key to verify with, explaining how to
// give one when the default is missing.
func readEvidencePub(pub, root string) (ed25519.PublicKey, error) {
	path := evidencePubPath(pub, root)
	key, err := evidence.ReadPublicKeyFile(path)
	if err != nil {
		if pub == "" && errors.Is(err, os.ErrNotExist) {
			return nil, usagef("no public key at %s; pass --pub KEYFILE (the signer's .pub file) or run 'taskproof keygen' to make the repository's pair", path)
		}
		return nil, err
	}
	return key, nil
}

// evidenceProblem is one verification failure in JSON output.
type evidenceProblem struct {
	Reason  string `json:"reason"`
	File    string `json:"file,omitempty"`
	Message string `json:"message"`
}

func evidenceProblemsJSON(ps []*evidence.VerifyError) []evidenceProblem {
	out := make([]evidenceProblem, 0, len(ps))
	for _, p := range ps {
		out = append(out, evidenceProblem{Reason: string(p.Reason), File: p.File, Message: p.Error()})
	}
	return out
}

// evidenceFile is one files/ entry in JSON output.
type evidenceFile struct {
	Name   string `json:"name"` // entry name, files/NAME
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

func evidenceFilesJSON(files []evidence.File) []evidenceFile {
	out := make([]evidenceFile, 0, len(files))
	for _, f := range files {
		out = append(out, evidenceFile{Name: evidence.FilesPrefix + f.Name, Size: len(f.Data), SHA256: strings.TrimPrefix(evidence.BundleDigest(f.Data), "sha256:")})
	}
	return out
}

// ---- evidence verify ----

const evidenceVerifyHelp = `Checks an evidence bundle offline against a public key: the envelope's
ed25519 signature, statement.json equal to the signed statement, every
file's sha256 equal to the signed one with no file added or removed, and
with --commit that the evidence is for that commit (full id or an
abbreviation of at least 7 hex digits).

The key is --pub KEYFILE, default .taskproof/signing.pub under --root.

A failure names its reason: malformed (not a readable bundle),
wrong_key (signed by another key), bad_signature (envelope altered),
statement_changed (statement.json edited after signing), transplanted
(envelope.json taken from another bundle), file_changed, file_added,
file_removed (naming the file), wrong_commit. Text output prints a summary
when valid and one line per problem on stderr otherwise; --format json
prints {"bundle", "valid", "digest", "key_id", "task_id", "commit",
"verdict", "files", "problems"} in both cases.

Exit codes: 0 valid, 1 invalid (including a malformed bundle), 2 usage
error, unreadable bundle or unreadable public key.`

// evidenceVerifyOptions are the inputs of `taskproof evidence verify`.
type evidenceVerifyOptions struct {
	Root   string
	Format string // text or json
	Bundle string
	Pub    string // public key file; "" = ROOT/.taskproof/signing.pub
	Commit string // required commit; "" = any
}

func cmdEvidenceVerify(ctx context.Context, env *cliEnv, args []string) error {
	o := evidenceVerifyOptions{}
	fs := newFlagSet(env, "evidence verify", "evidence verify BUNDLE [--pub KEYFILE] [--commit SHA] [--root DIR] [--format text|json]", evidenceVerifyHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Pub, "pub", "", "public key `KEYFILE` (default .taskproof/signing.pub under --root)")
	fs.StringVar(&o.Commit, "commit", "", "require evidence for commit `SHA`")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one argument, the bundle file; usage: taskproof evidence verify BUNDLE [--pub KEYFILE]")
	}
	o.Bundle = pos[0]
	return runEvidenceVerify(ctx, o, env)
}

// evidenceVerifyResult is `evidence verify --format json`.
type evidenceVerifyResult struct {
	Bundle   string            `json:"bundle"`
	Valid    bool              `json:"valid"`
	Digest   string            `json:"digest"` // sha256 of the bundle file
	KeyID    string            `json:"key_id"` // of the verifying key
	TaskID   string            `json:"task_id"`
	Commit   string            `json:"commit"`
	Verdict  string            `json:"verdict"`
	Files    []evidenceFile    `json:"files"`
	Problems []evidenceProblem `json:"problems"`
}

// runEvidenceVerify verifies o.Bundle and reports the outcome.
func runEvidenceVerify(ctx context.Context, o evidenceVerifyOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	data, err := readEvidenceBundle(o.Bundle)
	if err != nil {
		return err
	}
	pub, err := readEvidencePub(o.Pub, o.Root)
	if err != nil {
		return err
	}
	v, err := evidence.Verify(data, pub, evidence.VerifyOptions{Commit: o.Commit})
	problems := evidence.Problems(err)
	if err != nil && problems == nil {
		return usagef("%v", err)
	}
	res := evidenceVerifyResult{
		Bundle: o.Bundle, Valid: err == nil, Digest: evidence.BundleDigest(data), KeyID: evidence.KeyID(pub),
		Files: []evidenceFile{}, Problems: evidenceProblemsJSON(problems),
	}
	if v != nil {
		res.TaskID, res.Commit, res.Verdict = v.Predicate.TaskID, v.Predicate.Commit, v.Predicate.Verdict
		res.Files = evidenceFilesJSON(v.Files)
	}
	if o.Format == "json" {
		if err := writeJSON(env.stdout, res); err != nil {
			return err
		}
		if !res.Valid {
			return silent(errFindings)
		}
		return nil
	}
	if !res.Valid {
		for _, p := range problems {
			fmt.Fprintf(env.stderr, "taskproof evidence verify: %s: INVALID (%s): %s\n", o.Bundle, p.Reason, p.Error())
		}
		return silent(errFindings)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "valid: evidence for %s, signed by key %s\n", v.Predicate.TaskID, v.KeyID)
	fmt.Fprintf(&b, "commit:  %s\n", v.Predicate.Commit)
	fmt.Fprintf(&b, "verdict: %s (%s)\n", v.Predicate.Verdict, evidence.ItemCounts(v.Predicate.Items))
	fmt.Fprintf(&b, "files:   %d, every sha256 matches the signed statement\n", len(v.Files))
	fmt.Fprintf(&b, "bundle:  %s\n", v.Digest)
	return write(env.stdout, b.Bytes())
}

// ---- evidence show ----

const evidenceShowHelp = `Prints what a bundle claims: task, commit, overall verdict, the contract,
allowlist and Stop-conditions hashes, the run (start, duration, host,
tools), a table of Definition-of-Done items with kind, verdict and reason,
and the files with size and sha256.

show checks the signature only when a public key is at hand: --pub KEYFILE,
or .taskproof/signing.pub under --root if it exists. Then it prints
"signature: valid" or "signature: INVALID (reason)" and shows the signed
statement when valid. Without a key it prints "signature: not checked"
and shows statement.json as stored: unverified claims, which
'taskproof evidence verify' checks. --format json prints {"bundle",
"digest", "signature": {"status": "valid"|"invalid"|"not_checked", "key",
"key_id", "problems"}, "claimed_key_ids", "predicate", "files"}.

Exit codes: 0 shown (signature valid or not checked), 1 shown but the
signature check failed, 2 usage error, unreadable bundle or public key, or
a bundle too malformed to show.`

// evidenceShowOptions are the inputs of `taskproof evidence show`.
type evidenceShowOptions struct {
	Root   string
	Format string // text or json
	Bundle string
	Pub    string // public key file; "" = ROOT/.taskproof/signing.pub when it exists
}

func cmdEvidenceShow(ctx context.Context, env *cliEnv, args []string) error {
	o := evidenceShowOptions{}
	fs := newFlagSet(env, "evidence show", "evidence show BUNDLE [--pub KEYFILE] [--root DIR] [--format text|json]", evidenceShowHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Pub, "pub", "", "check the signature with public key `KEYFILE` (default .taskproof/signing.pub under --root, if present)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one argument, the bundle file; usage: taskproof evidence show BUNDLE")
	}
	o.Bundle = pos[0]
	return runEvidenceShow(ctx, o, env)
}

// evidenceSignature is the signature status in `evidence show --format json`.
type evidenceSignature struct {
	Status   string            `json:"status"` // valid, invalid or not_checked
	Key      string            `json:"key"`    // public key file used; "" when not checked
	KeyID    string            `json:"key_id"` // of that key
	Problems []evidenceProblem `json:"problems"`
}

// evidenceShowResult is `evidence show --format json`.
type evidenceShowResult struct {
	Bundle        string             `json:"bundle"`
	Digest        string             `json:"digest"`
	Signature     evidenceSignature  `json:"signature"`
	ClaimedKeyIDs []string           `json:"claimed_key_ids"` // keyids written in envelope.json (unauthenticated)
	Predicate     evidence.Predicate `json:"predicate"`
	Files         []evidenceFile     `json:"files"`
}

// runEvidenceShow prints a bundle, verifying it when a key is available.
func runEvidenceShow(ctx context.Context, o evidenceShowOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	data, err := readEvidenceBundle(o.Bundle)
	if err != nil {
		return err
	}
	c, err := evidence.Read(data)
	if err != nil {
		return fmt.Errorf("%s: %w", o.Bundle, err)
	}
	res := evidenceShowResult{
		Bundle: o.Bundle, Digest: evidence.BundleDigest(data),
		Signature:     evidenceSignature{Status: "not_checked", Problems: []evidenceProblem{}},
		ClaimedKeyIDs: []string{},
		Predicate:     c.Statement.Predicate,
		Files:         evidenceFilesJSON(c.Files),
	}
	for _, s := range c.Envelope.Signatures {
		res.ClaimedKeyIDs = append(res.ClaimedKeyIDs, s.KeyID)
	}
	keyPath := evidencePubPath(o.Pub, o.Root)
	_, statErr := os.Stat(keyPath)
	if o.Pub != "" || statErr == nil {
		pub, err := readEvidencePub(o.Pub, o.Root)
		if err != nil {
			return err
		}
		res.Signature.Key, res.Signature.KeyID = keyPath, evidence.KeyID(pub)
		v, err := evidence.Verify(data, pub, evidence.VerifyOptions{})
		switch {
		case err == nil:
			res.Signature.Status = "valid"
			res.Predicate, res.Files = v.Predicate, evidenceFilesJSON(v.Files)
		case evidence.Problems(err) != nil:
			res.Signature.Status = "invalid"
			res.Signature.Problems = evidenceProblemsJSON(evidence.Problems(err))
		default:
			return usagef("%v", err)
		}
	}
	if res.Predicate.Items == nil {
		res.Predicate.Items = []evidence.Item{}
	}
	if res.Predicate.Run.Tools == nil {
		res.Predicate.Run.Tools = []evidence.Tool{}
	}
	if o.Format == "json" {
		if err := writeJSON(env.stdout, res); err != nil {
			return err
		}
	} else if err := write(env.stdout, renderEvidenceShow(res)); err != nil {
		return err
	}
	if res.Signature.Status == "invalid" {
		return silent(errFindings)
	}
	return nil
}

// renderEvidenceShow is the text form of evidence show.
func renderEvidenceShow(r evidenceShowResult) []byte {
	var b bytes.Buffer
	p := r.Predicate
	tw := tabwriter.NewWriter(&b, 0, 0, 1, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	row("bundle", r.Bundle)
	row("digest", r.Digest)
	row("task", p.TaskID)
	row("commit", p.Commit)
	row("verdict", fmt.Sprintf("%s (%s)", p.Verdict, evidence.ItemCounts(p.Items)))
	row("contract", evidenceOrNone(p.ContractHash))
	row("allowlist", evidenceOrNone(p.AllowlistHash))
	row("stop conditions", evidenceOrNone(p.StopConditionsHash))
	row("run", describeEvidenceRun(p.Run))
	row("claimed key id", evidenceOrNone(strings.Join(r.ClaimedKeyIDs, ", ")))
	switch r.Signature.Status {
	case "valid":
		row("signature", fmt.Sprintf("valid (key %s, id %s)", r.Signature.Key, r.Signature.KeyID))
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

func evidenceOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// describeEvidenceRun is one line for the run-specific fields.
func describeEvidenceRun(r evidence.Run) string {
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
