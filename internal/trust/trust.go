// Package trust decides whose evidence counts: the named signers of
// taskproof.toml, each trusted to set some statuses, and everyone else,
// whose evidence is self-signed. It takes key bytes and key ids and
// touches no files.
package trust

import (
	"crypto/ed25519"
	"fmt"
	"slices"
	"strings"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/evidence"
)

// Signer is one trusted signer with its parsed key.
type Signer struct {
	Name    string
	KeyFile string // root-relative, slash-separated
	Key     ed25519.PublicKey
	KeyID   string
	May     []string // statuses its evidence may set
}

// Policy is the set of trusted signers and whether evidence must come
// from one of them.
type Policy struct {
	Signers []Signer
	// Required: only evidence from a signer allowed to set a status
	// counts for it.
	Required bool
}

// New builds the policy of cfg. keys maps each signer's key file (as
// written in the configuration) to its content; required is whether the
// policy is enforced (config.Config.TrustRequired). A key that does not
// parse, or two signers with the same key, are errors naming the file.
func New(cfg *config.Config, keys map[string][]byte, required bool) (*Policy, error) {
	p := &Policy{Required: required}
	byID := map[string]string{}
	for _, s := range cfg.Signers {
		data, ok := keys[s.Key]
		if !ok {
			return nil, fmt.Errorf("%s: signer %q: key file %s was not read", config.FileName, s.Name, s.Key)
		}
		pub, err := evidence.ParsePublicKey(data)
		if err != nil {
			return nil, fmt.Errorf("%s: signer %q: key %s: %w", config.FileName, s.Name, s.Key, err)
		}
		id := evidence.KeyID(pub)
		if other, dup := byID[id]; dup {
			return nil, fmt.Errorf("%s: signers %q and %q have the same key; give each signer its own key pair", config.FileName, other, s.Name)
		}
		byID[id] = s.Name
		p.Signers = append(p.Signers, Signer{Name: s.Name, KeyFile: s.Key, Key: pub, KeyID: id, May: slices.Clone(s.May)})
	}
	return p, nil
}

// Signer returns the trusted signer whose key has id keyID.
func (p *Policy) Signer(keyID string) (Signer, bool) {
	if p != nil {
		for _, s := range p.Signers {
			if s.KeyID == keyID {
				return s, true
			}
		}
	}
	return Signer{}, false
}

// KeyFor returns the trusted key among the ids a bundle's envelope
// claims (unauthenticated hints: the signature check decides), or nil.
func (p *Policy) KeyFor(claimed []string) ed25519.PublicKey {
	for _, id := range claimed {
		if s, ok := p.Signer(id); ok {
			return s.Key
		}
	}
	return nil
}

// Judgement says who signed a piece of evidence and what the policy
// lets that signer set (the type lives in evidence, whose reports show it).
type Judgement = evidence.SignerJudgement

// SelfSigned names evidence whose key is not a trusted signer's.
const SelfSigned = evidence.SelfSigned

// Judge says who the key keyID (that verified a bundle) belongs to.
func (p *Policy) Judge(keyID string) Judgement {
	if s, ok := p.Signer(keyID); ok {
		return Judgement{KeyID: keyID, Signer: s.Name, Trusted: true, May: append([]string{}, s.May...)}
	}
	return Judgement{KeyID: keyID, Signer: SelfSigned, May: []string{}}
}

// Refusal explains why evidence signed as j does not count for status,
// naming the signer and the fix; "" when it does.
func (p *Policy) Refusal(j Judgement, status string) string {
	if j.Allows(status) {
		return ""
	}
	var allowed []string
	for _, s := range p.Signers {
		if slices.Contains(s.May, status) {
			allowed = append(allowed, s.Name)
		}
	}
	fix := "add a [[signers]] entry to " + config.FileName + " whose may lists " + status + ", and have that signer (CI) prove the task"
	if len(allowed) > 0 {
		fix = "have " + strings.Join(allowed, " or ") + " prove the task (e.g. in CI) and use that bundle"
	}
	who := fmt.Sprintf("signer %q", j.Signer)
	if !j.Trusted {
		who = fmt.Sprintf("a self-signed key %s (not a signer in %s)", evidence.ShortKeyID(j.KeyID), config.FileName)
	}
	return fmt.Sprintf("the evidence is signed by %s, which may not set %s; %s", who, status, fix)
}
