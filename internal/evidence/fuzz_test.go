package evidence

import (
	"errors"
	"testing"
)

// FuzzVerify: arbitrary bytes as a bundle never panic, and whatever
// Verify accepts really matches its signed statement.
func FuzzVerify(f *testing.F) {
	key := testKey("A")
	good := mustBuild(f, sampleFiles(), samplePredicate(), key)
	f.Add(good)
	f.Add(good[:len(good)-700])
	f.Add(otherBundle(f))
	f.Add(rewrite(f, good, replaceEntry(StatementEntry, []byte("{}"))))
	f.Add(rewrite(f, good, replaceEntry(EnvelopeEntry, []byte(`{"payloadType":"x","payload":"e30=","signatures":[{"keyid":"","sig":""}]}`))))
	f.Add([]byte{})
	f.Add(make([]byte, 1024))
	pub := pubOf(key)
	f.Fuzz(func(t *testing.T, bundle []byte) {
		v, err := Verify(bundle, pub, VerifyOptions{Commit: commitA[:8]})
		if err != nil {
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("non-VerifyError for bundle input: %v", err)
			}
			_, _ = Read(bundle)
			return
		}
		if len(v.Files) != len(v.Statement.Subject) {
			t.Fatalf("accepted %d files for %d subjects", len(v.Files), len(v.Statement.Subject))
		}
		for i, f := range v.Files {
			if FilesPrefix+f.Name != v.Statement.Subject[i].Name || sha256Hex(f.Data) != v.Statement.Subject[i].Digest.SHA256 {
				t.Fatalf("accepted file %s that does not match its subject", f.Name)
			}
		}
		if _, err := Read(bundle); err != nil {
			t.Fatalf("Verify accepted what Read rejects: %v", err)
		}
	})
}

// FuzzParseKeys: key parsers never panic on arbitrary input.
func FuzzParseKeys(f *testing.F) {
	privPEM, _ := MarshalPrivateKey(testKey("A"))
	pubPEM, _ := MarshalPublicKey(pubOf(testKey("A")))
	f.Add(privPEM)
	f.Add(pubPEM)
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if k, err := ParsePrivateKey(data); err == nil && len(k) != 64 {
			t.Fatalf("private key of %d bytes", len(k))
		}
		if k, err := ParsePublicKey(data); err == nil && len(k) != 32 {
			t.Fatalf("public key of %d bytes", len(k))
		}
	})
}
