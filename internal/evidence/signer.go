package evidence

import (
	"fmt"
	"slices"
	"strings"
)

// SelfSigned names evidence whose key is not a trusted signer's.
const SelfSigned = "self-signed"

// SignerJudgement says who signed a bundle and what the repository's
// trust policy (package trust, which fills it) lets that signer set.
type SignerJudgement struct {
	KeyID   string   `json:"key_id"`
	Signer  string   `json:"signer"`  // the signer's name; "self-signed" when not a trusted signer
	Trusted bool     `json:"trusted"` // a named signer of taskproof.toml
	May     []string `json:"may"`     // statuses its evidence may set
}

// Allows reports whether the signer may sign evidence that sets status.
func (j SignerJudgement) Allows(status string) bool {
	return j.Trusted && slices.Contains(j.May, status)
}

// String is the one-line account shown by show, verify and the board.
func (j SignerJudgement) String() string {
	if !j.Trusted {
		return fmt.Sprintf("%s (key %s is not a signer in taskproof.toml)", SelfSigned, ShortKeyID(j.KeyID))
	}
	if len(j.May) == 0 {
		return fmt.Sprintf("%s (trusted signer, may set no status)", j.Signer)
	}
	return fmt.Sprintf("%s (trusted signer, may set %s)", j.Signer, strings.Join(j.May, ", "))
}

// ShortKeyID abbreviates a key id for messages.
func ShortKeyID(id string) string { return short(id) }

// Summary is the board's short account of who signed and whether that
// signer is trusted for status.
func (j SignerJudgement) Summary(status string) string {
	switch {
	case !j.Trusted:
		return SelfSigned
	case j.Allows(status):
		return "signed by " + j.Signer + ", trusted for " + status
	}
	return "signed by " + j.Signer + ", not trusted for " + status
}
