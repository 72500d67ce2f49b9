package gitdiff

import (
	"context"
	"strings"
)

// ResolveCommit turns any revision git resolves (HEAD, a branch, a tag,
// a short or full hash, HEAD~2) into the full id of the commit it names.
func (r *Repo) ResolveCommit(ctx context.Context, rev string) (string, error) {
	unknown := envErr(ErrUnknownRev, "'%s' names no commit of %s: pass a commit, branch or tag that git resolves", rev, r.Top)
	if rev == "" || strings.HasPrefix(rev, "-") {
		return "", unknown
	}
	out, err := r.run(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		if exited(err) {
			return "", unknown
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
