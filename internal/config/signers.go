package config

import (
	"fmt"
	"strings"
)

// validateSigners checks [[signers]] and [trust]: every signer has a
// unique name and a key file, and may only set statuses of the vocabulary.
func (c *Config) validateSigners(name string, canon map[string]bool) error {
	switch c.Trust.Require {
	case RequireCI, RequireAlways, RequireNever:
	default:
		return fmt.Errorf("%s: [trust] require = %q: expected %q, %q or %q", name, c.Trust.Require, RequireCI, RequireAlways, RequireNever)
	}
	seen := map[string]bool{}
	for i, s := range c.Signers {
		switch {
		case strings.TrimSpace(s.Name) == "":
			return fmt.Errorf("%s: [[signers]] entry %d has no name; give it one (e.g. name = \"ci\")", name, i+1)
		case seen[s.Name]:
			return fmt.Errorf("%s: signer %q is defined twice", name, s.Name)
		case strings.TrimSpace(s.Key) == "":
			return fmt.Errorf("%s: signer %q has no key; set key to its public key file (e.g. key = \".taskproof/ci.pub\")", name, s.Name)
		}
		seen[s.Name] = true
		for _, m := range s.May {
			if !canon[m] {
				return fmt.Errorf("%s: signer %q may sign %q, which is not in the [status] vocabulary; use Done or In Review", name, s.Name, m)
			}
		}
	}
	return nil
}

// TrustRequired reports whether evidence must come from a signer allowed
// to sign it: always, never, or (the default) in CI when signers are
// configured. ci is whether the process runs in CI ($CI set).
func (c *Config) TrustRequired(ci bool) bool {
	switch c.Trust.Require {
	case RequireAlways:
		return true
	case RequireNever:
		return false
	}
	return ci && len(c.Signers) > 0
}
