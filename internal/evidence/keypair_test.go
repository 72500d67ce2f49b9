package evidence

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteKeyPair(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "keys", "signing")
	kp, err := WriteKeyPair(prefix)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ReadPublicKeyFile(kp.Pub)
	if err != nil || KeyID(pub) != kp.ID {
		t.Fatalf("public key %s: %v, id %s want %s", kp.Pub, err, KeyID(pub), kp.ID)
	}
	if st, err := os.Stat(kp.Key); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("private key %s: %v %v, want mode 0600", kp.Key, st, err)
	}
	if ig, err := os.ReadFile(kp.Ignore); err != nil || !strings.Contains(string(ig), "signing.key") {
		t.Errorf("%s does not ignore the private key: %q %v", kp.Ignore, ig, err)
	}
	before, _ := os.ReadFile(kp.Key)
	_, err = WriteKeyPair(prefix)
	if !errors.Is(err, ErrKeyExists) || !strings.HasPrefix(err.Error(), kp.Key+" already exists; refusing") {
		t.Errorf("second pair: err = %v, want ErrKeyExists naming %s", err, kp.Key)
	}
	if after, _ := os.ReadFile(kp.Key); string(after) != string(before) {
		t.Error("the existing private key was replaced")
	}
}

func TestSignerSummary(t *testing.T) {
	for _, c := range []struct {
		j    SignerJudgement
		want string
	}{
		{SignerJudgement{Signer: SelfSigned}, "self-signed"},
		{SignerJudgement{Signer: "ci", Trusted: true, May: []string{"Done"}}, "signed by ci, trusted for Done"},
		{SignerJudgement{Signer: "dev", Trusted: true, May: []string{"In Review"}}, "signed by dev, not trusted for Done"},
	} {
		if got := c.j.Summary("Done"); got != c.want {
			t.Errorf("%+v: %q, want %q", c.j, got, c.want)
		}
	}
}

func TestKeyPrefix(t *testing.T) {
	for _, c := range []struct{ out, root, want, err string }{
		{"", "repo", filepath.Join("repo", DefaultKeyPrefix), ""},
		{"", "", DefaultKeyPrefix, ""},
		{"keys/ci", "repo", "keys/ci", ""},
		{"keys/", "repo", "", `--out "keys/" is a directory; give a prefix such as keys/signing`},
		{"keys/ci.key", "repo", "", "--out takes a prefix without .key: --out keys/ci writes keys/ci.key and keys/ci.pub"},
		{"ci.pub", "", "", "--out takes a prefix without .pub"},
	} {
		got, err := KeyPrefix(c.out, c.root)
		if got != c.want || (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("KeyPrefix(%q, %q) = %q, %v; want %q, %q", c.out, c.root, got, err, c.want, c.err)
		}
	}
}
