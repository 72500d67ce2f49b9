package config

import (
	"strings"
	"testing"
)

func TestSignersConfig(t *testing.T) {
	for _, c := range []struct{ name, toml, want string }{
		{"no name", "[[signers]]\nkey = \"k.pub\"\n", "[[signers]] entry 1 has no name"},
		{"no key", "[[signers]]\nname = \"ci\"\n", `signer "ci" has no key`},
		{"twice", "[[signers]]\nname = \"ci\"\nkey = \"a\"\n[[signers]]\nname = \"ci\"\nkey = \"b\"\n", `signer "ci" is defined twice`},
		{"bad status", "[[signers]]\nname = \"ci\"\nkey = \"a\"\nmay = [\"Finished\"]\n", `may sign "Finished", which is not in the [status] vocabulary`},
		{"bad require", "[trust]\nrequire = \"sometimes\"\n", `[trust] require = "sometimes": expected "ci", "always" or "never"`},
		{"unknown key", "[[signers]]\nname = \"ci\"\nkey = \"a\"\ncan = [\"Done\"]\n", "unknown key signers.can"},
	} {
		if _, err := Parse("taskproof.toml", []byte(c.toml)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
	cfg, err := Parse("taskproof.toml", []byte("[[signers]]\nname = \"ci\"\nkey = \"keys/ci.pub\"\nmay = [\"Done\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		require string
		ci      bool
		want    bool
	}{{RequireCI, true, true}, {RequireCI, false, false}, {RequireAlways, false, true}, {RequireNever, true, false}} {
		cfg.Trust.Require = c.require
		if got := cfg.TrustRequired(c.ci); got != c.want {
			t.Errorf("require %s, ci %v: %v, want %v", c.require, c.ci, got, c.want)
		}
	}
	if Default().TrustRequired(true) {
		t.Error("without signers, CI alone requires a trusted signer")
	}
}
