package trust

import (
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/evidence"
)

func pemKey(t *testing.T) ([]byte, string) {
	t.Helper()
	pub, _, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	p, err := evidence.MarshalPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return p, evidence.KeyID(pub)
}

func TestJudgeAndRefusal(t *testing.T) {
	ciPEM, ciID := pemKey(t)
	relPEM, relID := pemKey(t)
	_, otherID := pemKey(t)
	cfg, err := config.Parse("taskproof.toml", []byte(`
[[signers]]
name = "ci"
key = "keys/ci.pub"
may = ["Done", "In Review"]

[[signers]]
name = "review-bot"
key = "keys/bot.pub"
may = ["In Review"]
`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(cfg, map[string][]byte{"keys/ci.pub": ciPEM, "keys/bot.pub": relPEM}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, key, status string
		allowed           bool
		refusal           []string
	}{
		{"ci Done", ciID, "Done", true, nil},
		{"ci In Review", ciID, "In Review", true, nil},
		{"bot In Review", relID, "In Review", true, nil},
		{"bot Done", relID, "Done", false, []string{`signer "review-bot"`, "may not set Done", "have ci prove the task"}},
		{"unknown Done", otherID, "Done", false, []string{"self-signed key " + otherID[:12], "have ci prove the task"}},
		{"unknown In Review", otherID, "In Review", false, []string{"have ci or review-bot prove"}},
	} {
		j := p.Judge(c.key)
		if j.Allows(c.status) != c.allowed {
			t.Errorf("%s: Allows = %v, want %v (%+v)", c.name, !c.allowed, c.allowed, j)
		}
		got := p.Refusal(j, c.status)
		if (got == "") != c.allowed {
			t.Errorf("%s: Refusal = %q", c.name, got)
		}
		for _, w := range c.refusal {
			if !strings.Contains(got, w) {
				t.Errorf("%s: Refusal %q lacks %q", c.name, got, w)
			}
		}
	}
	if j := p.Judge(otherID); j.Trusted || j.Signer != SelfSigned || !strings.HasPrefix(j.String(), "self-signed (key ") {
		t.Errorf("unknown key judged %+v %q", j, j)
	}
	if k := p.KeyFor([]string{otherID, relID}); evidence.KeyID(k) != relID {
		t.Errorf("KeyFor picked %s, want the bot's key", evidence.KeyID(k))
	}
	var nilPolicy *Policy
	if j := nilPolicy.Judge(ciID); j.Trusted || nilPolicy.KeyFor([]string{ciID}) != nil {
		t.Errorf("a nil policy trusts %+v", j)
	}
}

func TestNewErrors(t *testing.T) {
	k, _ := pemKey(t)
	two := "[[signers]]\nname = \"a\"\nkey = \"a.pub\"\n[[signers]]\nname = \"b\"\nkey = \"b.pub\"\n"
	for _, c := range []struct {
		name, toml string
		keys       map[string][]byte
		want       string
	}{
		{"same key twice", two, map[string][]byte{"a.pub": k, "b.pub": k}, `signers "a" and "b" have the same key`},
		{"not a key", two, map[string][]byte{"a.pub": []byte("hello"), "b.pub": k}, `signer "a": key a.pub: no PEM block`},
		{"key not read", two, map[string][]byte{"a.pub": k}, `signer "b": key file b.pub was not read`},
	} {
		cfg, err := config.Parse("taskproof.toml", []byte(c.toml))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(cfg, c.keys, false); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
}
