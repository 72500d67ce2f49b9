package proofstate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/repo"
)

// FindBundle is the bundle an evidence command reads: arg itself when it
// is a file other than a task document (.md), else the bundle prove
// writes for the task of r that arg names (an id or a task file),
// .taskproof/evidence/ID.tar.
func FindBundle(r *repo.Repo, arg string) (string, error) {
	if st, err := os.Stat(arg); err == nil && !st.IsDir() && !strings.HasSuffix(arg, ".md") {
		return arg, nil
	}
	d, err := r.Task(arg)
	if err != nil {
		if strings.ContainsAny(arg, `/\`) || strings.HasSuffix(arg, ".tar") {
			return arg, nil // a bundle path: opening it says what is wrong
		}
		return "", fmt.Errorf("%s is neither a bundle file nor a task of %s: %v", arg, cmp.Or(r.Root, "."), firstLine(err.Error()))
	}
	p := BundlePath(r.Root, d.ID)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%s has no evidence yet (%s does not exist); run 'taskproof prove %s'", d.ID, p, d.ID)
	}
	return p, nil
}

var hexRev = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-fA-F]{4,64}$`) })

// RequiredCommit resolves the commit a bundle must be evidence for
// (--commit): any revision git resolves in r (HEAD, a branch, a tag,
// HEAD~2) becomes the full commit id. A hash or its abbreviation is
// taken as given (the verifier matches it), so verifying by hash needs
// no git.
func RequiredCommit(ctx context.Context, r *repo.Repo, rev string) (string, error) {
	if rev == "" || hexRev().MatchString(rev) {
		return rev, nil
	}
	g, err := r.Git(ctx)
	if err != nil {
		return "", fmt.Errorf("--commit %s is not a commit hash, and resolving a revision needs git: %v", rev, firstLine(err.Error()))
	}
	c, err := g.ResolveCommit(ctx, rev)
	if err != nil {
		return "", fmt.Errorf("--commit %s: %v", rev, err)
	}
	return c, nil
}

// VerifyBundle verifies the bundle at path, offline, with the key
// VerifyKey picks (pubFile: the key file given, "" for the default), and
// says how r's trust policy judges the signer of a valid one; ci is
// whether the process runs in CI (see LoadPolicy).
func VerifyBundle(ctx context.Context, r *repo.Repo, ci bool, path, pubFile string, opts evidence.VerifyOptions) (*evidence.VerifyReport, error) {
	bundle, bad, err := OpenBundle(r, path)
	if err != nil {
		return nil, err
	}
	pol, err := LoadPolicy(ctx, r, ci, false)
	if err != nil {
		return nil, err
	}
	pub, err := VerifyKey(bundle, pol, pubFile, r.Root)
	if err != nil {
		return nil, err
	}
	res, err := evidence.NewVerifyReport(path, bundle, bad, pub, opts)
	if err != nil {
		return nil, err
	}
	if res.Valid {
		j := pol.Judge(res.KeyID)
		res.SignedBy = &j
	}
	return res, nil
}

// ShowBundle reads the bundle at path for showing, checking its signature
// when a key is at hand: the trusted signer's its envelope names, the key
// file given (pubFile), or the repository's own key when it exists.
// Without one the report says the signature was not checked. ci is as
// for VerifyBundle.
func ShowBundle(ctx context.Context, r *repo.Repo, ci bool, path, pubFile string) (*evidence.ShowReport, error) {
	bundle, bad, err := OpenBundle(r, path)
	if err != nil {
		return nil, err
	}
	if bad != nil {
		return nil, fmt.Errorf("%s: %w", path, bad)
	}
	pol, err := LoadPolicy(ctx, r, ci, false)
	if err != nil {
		return nil, err
	}
	keyPath := PubPath(pubFile, r.Root)
	pub := TrustedKey(bundle, pol, pubFile)
	if s, ok := pol.Signer(evidence.KeyID(pub)); ok && pub != nil {
		keyPath = filepath.Join(r.Root, filepath.FromSlash(s.KeyFile))
	} else if _, statErr := os.Stat(keyPath); pubFile != "" || statErr == nil {
		if pub, err = ReadPub(pubFile, r.Root); err != nil {
			return nil, err
		}
	}
	res, err := evidence.NewShowReport(path, bundle, pub, keyPath)
	if err != nil {
		return nil, err
	}
	if res.Signature.Status == "valid" {
		j := pol.Judge(res.Signature.KeyID)
		res.SignedBy = &j
	}
	return res, nil
}

// firstLine trims s to its first line, for one-line messages.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
