package evidence

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Reason classifies why a bundle failed verification.
type Reason string

// The reasons Verify can give, from the outside in.
const (
	Malformed        Reason = "malformed"         // not a readable bundle: tar, JSON, names, format
	TooLarge         Reason = "too_large"         // the bundle or an entry is above the size limits; not read
	WrongKey         Reason = "wrong_key"         // signed, but by another key than the verifying one
	BadSignature     Reason = "bad_signature"     // claims the verifying key, but the signature does not hold
	StatementChanged Reason = "statement_changed" // statement.json is not the signed payload
	Transplanted     Reason = "transplanted"      // envelope.json was signed for another bundle
	FileChanged      Reason = "file_changed"      // a file's digest is not the signed one
	FileAdded        Reason = "file_added"        // a file the signed statement does not list
	FileRemoved      Reason = "file_removed"      // a file the signed statement lists is missing
	WrongCommit      Reason = "wrong_commit"      // valid evidence, for another commit than asked
)

// VerifyError is a verification failure. Match a reason with
// errors.Is(err, evidence.ErrFileChanged) (and so on), or errors.As to read
// File. Several file problems come back joined (errors.Join), one per file.
type VerifyError struct {
	Reason Reason
	File   string // the evidence file concerned (without "files/"), for file_* reasons
	msg    string
}

func (e *VerifyError) Error() string {
	if e.msg == "" {
		return "evidence: " + string(e.Reason)
	}
	return e.msg
}

// Is matches the sentinel of e's reason (a VerifyError with no message).
func (e *VerifyError) Is(target error) bool {
	t, ok := target.(*VerifyError)
	return ok && t.msg == "" && t.File == "" && t.Reason == e.Reason
}

// Sentinels for errors.Is, one per Reason.
var (
	ErrMalformed        = &VerifyError{Reason: Malformed}
	ErrTooLarge         = &VerifyError{Reason: TooLarge}
	ErrWrongKey         = &VerifyError{Reason: WrongKey}
	ErrBadSignature     = &VerifyError{Reason: BadSignature}
	ErrStatementChanged = &VerifyError{Reason: StatementChanged}
	ErrTransplanted     = &VerifyError{Reason: Transplanted}
	ErrFileChanged      = &VerifyError{Reason: FileChanged}
	ErrFileAdded        = &VerifyError{Reason: FileAdded}
	ErrFileRemoved      = &VerifyError{Reason: FileRemoved}
	ErrWrongCommit      = &VerifyError{Reason: WrongCommit}
)

func malformed(format string, a ...any) *VerifyError {
	return &VerifyError{Reason: Malformed, msg: "malformed bundle: " + fmt.Sprintf(format, a...)}
}

func tooLarge(format string, a ...any) *VerifyError {
	return &VerifyError{Reason: TooLarge, msg: "bundle too large: " + fmt.Sprintf(format, a...)}
}

func verifyErr(r Reason, file, format string, a ...any) *VerifyError {
	return &VerifyError{Reason: r, File: file, msg: fmt.Sprintf(format, a...)}
}

// Problems lists the VerifyErrors inside err (one, or several joined), in
// order; nil when err holds none.
func Problems(err error) []*VerifyError {
	var out []*VerifyError
	var walk func(error)
	walk = func(e error) {
		if ve, ok := e.(*VerifyError); ok {
			out = append(out, ve)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		if u := errors.Unwrap(e); u != nil {
			walk(u)
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// VerifyOptions narrow what Verify accepts.
type VerifyOptions struct {
	// Commit, when set, must be the bundle's commit: the full id or an
	// abbreviation of at least 7 hex digits.
	Commit string
	// Limits bound reading the bundle in Verify (zero: DefaultLimits);
	// Bundle.Verify has applied its limits when it was opened.
	Limits Limits
}

// Verified is a bundle that passed Verify: everything in it is covered by
// the signature.
type Verified struct {
	Statement Statement // the signed statement
	Predicate Predicate // Statement.Predicate
	Files     []Entry   // the evidence files, names without "files/", sorted
	KeyID     string    // KeyID of the key that signed
	Digest    string    // BundleDigest of the bundle

	bundle *Bundle
}

// ReadFile returns the data of evidence file name (without "files/"),
// which matches its signed digest (see Bundle.ReadFile).
func (v *Verified) ReadFile(name string) ([]byte, error) { return v.bundle.ReadFile(name) }

// Open streams evidence file name (see Bundle.Open).
func (v *Verified) Open(name string) (io.ReadCloser, error) { return v.bundle.Open(name) }

var abbrevRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-fA-F]{7,64}$`) })

// Verify checks a bundle held in memory offline against the public key
// pub: it opens it within opts.Limits (see OpenBytes) and checks it as
// Bundle.Verify does.
func Verify(bundle []byte, pub ed25519.PublicKey, opts VerifyOptions) (*Verified, error) {
	if err := checkVerifyArgs(pub, opts); err != nil {
		return nil, err
	}
	b, err := OpenBytes(bundle, opts.Limits)
	if err != nil {
		return nil, err
	}
	return b.Verify(pub, opts)
}

func checkVerifyArgs(pub ed25519.PublicKey, opts VerifyOptions) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("verify evidence: public key has %d bytes, want an ed25519 key (%d)", len(pub), ed25519.PublicKeySize)
	}
	if opts.Commit != "" && !abbrevRE().MatchString(opts.Commit) {
		return fmt.Errorf("verify evidence: commit %q is not a hex object id of 7 to 64 digits", opts.Commit)
	}
	return nil
}

// Verify checks the opened bundle offline against the public key pub: the
// envelope's ed25519 signature over its payload, statement.json equal to
// that payload, every file's SHA-256 (taken while the bundle was read)
// equal to its subject and no file more or less, a valid v1 predicate,
// and with opts.Commit the commit. An invalid bundle gives a *VerifyError
// (several joined for several files); any other error is a bad argument
// (a malformed key or commit).
func (b *Bundle) Verify(pub ed25519.PublicKey, opts VerifyOptions) (*Verified, error) {
	if err := checkVerifyArgs(pub, opts); err != nil {
		return nil, err
	}
	var env Envelope
	if err := json.Unmarshal(b.EnvelopeJSON, &env); err != nil {
		return nil, malformed("%s is not valid JSON: %v", EnvelopeEntry, err)
	}
	payload, err := decodeBase64(env.Payload)
	if err != nil {
		return nil, malformed("%s: payload is not base64: %v", EnvelopeEntry, err)
	}
	keyID := KeyID(pub)
	if err := checkSignatures(env, payload, pub, keyID); err != nil {
		return nil, err
	}
	// Signed by pub from here on: the payload is trusted, the rest is not.
	if env.PayloadType != PayloadType {
		return nil, malformed("signed payload type is %q, want %q", env.PayloadType, PayloadType)
	}
	var signed Statement
	if err := json.Unmarshal(payload, &signed); err != nil {
		return nil, malformed("signed payload is not a JSON statement: %v", err)
	}
	if signed.Type != StatementType {
		return nil, malformed("signed statement _type is %q, want %q", signed.Type, StatementType)
	}
	if signed.PredicateType != PredicateType {
		return nil, malformed("signed statement predicateType is %q, want %q", signed.PredicateType, PredicateType)
	}
	fileErrs, err := subjectProblems(signed.Subject, b.Files)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(b.StatementJSON, payload) {
		var local Statement
		if len(fileErrs) > 0 && json.Unmarshal(b.StatementJSON, &local) == nil {
			if localErrs, err := subjectProblems(local.Subject, b.Files); err == nil && len(localErrs) == 0 {
				return nil, verifyErr(Transplanted, "",
					"%s was signed for another bundle (task %s, commit %s): its statement does not cover this bundle's files",
					EnvelopeEntry, signed.Predicate.TaskID, short(signed.Predicate.Commit))
			}
		}
		return nil, verifyErr(StatementChanged, "",
			"%s differs from the statement signed in %s (first difference at line %d); it was edited after signing",
			StatementEntry, EnvelopeEntry, firstDiffLine(b.StatementJSON, payload))
	}
	if len(fileErrs) > 0 {
		return nil, errors.Join(fileErrs...)
	}
	if err := signed.Predicate.Validate(); err != nil {
		return nil, malformed("signed %v", err)
	}
	if opts.Commit != "" && !strings.HasPrefix(signed.Predicate.Commit, strings.ToLower(opts.Commit)) {
		return nil, verifyErr(WrongCommit, "", "evidence is for commit %s, not %s", signed.Predicate.Commit, opts.Commit)
	}
	return &Verified{
		Statement: signed,
		Predicate: signed.Predicate,
		Files:     b.Files,
		KeyID:     keyID,
		Digest:    b.Digest,
		bundle:    b,
	}, nil
}

// checkSignatures accepts the envelope when any signature verifies under
// pub. Key ids are unauthenticated hints, used only to say why not.
func checkSignatures(env Envelope, payload []byte, pub ed25519.PublicKey, keyID string) error {
	if len(env.Signatures) == 0 {
		return verifyErr(BadSignature, "", "%s carries no signature", EnvelopeEntry)
	}
	pae := PAE(env.PayloadType, payload)
	claimed := false
	var others []string
	for _, s := range env.Signatures {
		if s.KeyID == keyID {
			claimed = true
		} else {
			others = append(others, short(s.KeyID))
		}
		sig, err := decodeBase64(s.Sig)
		if err != nil || len(sig) != ed25519.SignatureSize {
			continue
		}
		if ed25519.Verify(pub, pae, sig) {
			return nil
		}
	}
	if !claimed {
		return verifyErr(WrongKey, "", "signed by key %s, not by the verifying key %s; verify with the signer's public key, or the evidence was not made with your key",
			strings.Join(others, ", "), short(keyID))
	}
	return verifyErr(BadSignature, "", "the signature by key %s does not match the signed payload: %s was altered after signing", short(keyID), EnvelopeEntry)
}

// subjectProblems compares the signed subjects with the bundle's files and
// returns one error per file that differs, in name order. A subject list
// that cannot be right (duplicates, names outside files/, no sha256) is
// Malformed.
func subjectProblems(subjects []Subject, files []Entry) ([]error, error) {
	if len(subjects) == 0 {
		return nil, malformed("the statement has no subjects")
	}
	want := make(map[string]string, len(subjects))
	for _, s := range subjects {
		name, ok := strings.CutPrefix(s.Name, FilesPrefix)
		if !ok || CheckName(name) != nil {
			return nil, malformed("subject %q is not a %s entry name", s.Name, FilesPrefix)
		}
		if _, dup := want[name]; dup {
			return nil, malformed("subject %q is listed twice", s.Name)
		}
		if s.Digest.SHA256 == "" {
			return nil, malformed("subject %q has no sha256 digest", s.Name)
		}
		want[name] = s.Digest.SHA256
	}
	var errs []error
	have := make(map[string]bool, len(files))
	for _, f := range files {
		have[f.Name] = true
		d, ok := want[f.Name]
		if !ok {
			errs = append(errs, verifyErr(FileAdded, f.Name, "%s%s is not in the signed statement; it was added after signing", FilesPrefix, f.Name))
			continue
		}
		if f.SHA256 != d {
			errs = append(errs, verifyErr(FileChanged, f.Name, "%s%s was changed after signing: its sha256 is %s, the signed one %s", FilesPrefix, f.Name, short(f.SHA256), short(d)))
		}
	}
	var missing []string
	for name := range want {
		if !have[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	for _, name := range missing {
		errs = append(errs, verifyErr(FileRemoved, name, "%s%s is in the signed statement but missing from the bundle; it was removed after signing", FilesPrefix, name))
	}
	return errs, nil
}

// short abbreviates a hash or id for messages: 12 hex digits, keeping an
// "ALGO:" prefix.
func short(s string) string {
	if s == "" {
		return "(none)"
	}
	algo, hexPart, ok := strings.Cut(s, ":")
	if !ok {
		algo, hexPart = "", s
	} else {
		algo += ":"
	}
	if len(hexPart) > 12 {
		hexPart = hexPart[:12] + "…"
	}
	return algo + hexPart
}

// firstDiffLine is the 1-based line of a and b where they first differ.
func firstDiffLine(a, b []byte) int {
	line := 1
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return line
		}
		if a[i] == '\n' {
			line++
		}
	}
	return line
}
