package evidence

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/secure-systems-lab/go-securesystemslib/signerverifier"
)

func TestKeyPEMRoundTrip(t *testing.T) {
	pub, priv, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	privPEM, err := MarshalPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, err := MarshalPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(privPEM, []byte("-----BEGIN PRIVATE KEY-----\n")) || !bytes.HasPrefix(pubPEM, []byte("-----BEGIN PUBLIC KEY-----\n")) {
		t.Fatalf("PEM types:\n%s\n%s", privPEM, pubPEM)
	}
	priv2, err := ParsePrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub2, err := ParsePublicKey(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !priv.Equal(priv2) || !pub.Equal(pub2) {
		t.Fatal("keys changed in a PEM round trip")
	}
	// A signature by the parsed private key verifies with the parsed public key.
	bundle := mustBuild(t, sampleFiles(), samplePredicate(), priv2)
	if _, err := Verify(bundle, pub2, VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	// Surrounding whitespace (a CI secret with a trailing newline) is fine.
	if _, err := ParsePrivateKey(append(append([]byte("\n\n"), privPEM...), "\n\n"...)); err != nil {
		t.Fatalf("whitespace around the key: %v", err)
	}
}

// TestKeyID checks KeyID against securesystemslib's own derivation for
// the RFC 8032 test-1 public key, and against the id computed by hand.
func TestKeyID(t *testing.T) {
	pub, _ := hex.DecodeString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
	pemData, err := MarshalPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	k, err := signerverifier.LoadKey(pemData)
	if err != nil {
		t.Fatal(err)
	}
	if got := KeyID(pub); got != k.KeyID {
		t.Fatalf("KeyID = %s, securesystemslib derives %s", got, k.KeyID)
	}
	sum := sha256.Sum256([]byte(`{"keyid_hash_algorithms":["sha256","sha512"],"keytype":"ed25519","keyval":{"public":"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"},"scheme":"ed25519"}`))
	if got := KeyID(pub); got != hex.EncodeToString(sum[:]) {
		t.Fatalf("KeyID = %s, want %x", got, sum)
	}
	if KeyID(ed25519.PublicKey{1, 2}) != "" {
		t.Error("KeyID of a malformed key is not empty")
	}
}

func TestParseKeyErrors(t *testing.T) {
	priv := testKey("A")
	privPEM, _ := MarshalPrivateKey(priv)
	pubPEM, _ := MarshalPublicKey(pubOf(priv))
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPrivDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPubDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	ecPriv := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecPrivDER})
	ecPub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecPubDER})
	block := func(typ string, body []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: body}) }
	withHeader := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}, Bytes: []byte{1}})

	tests := []struct {
		name   string
		data   []byte
		public bool // parse as a public key
		want   string
	}{
		{"empty", nil, false, "no PEM block found; want a -----BEGIN PRIVATE KEY----- block"},
		{"garbage", []byte("hello"), true, "no PEM block found; want a -----BEGIN PUBLIC KEY----- block"},
		{"escaped newlines", []byte(`-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----`), false, `literal \n`},
		{"public as private", pubPEM, false, "this is a public key; signing needs the private key"},
		{"private as public", privPEM, true, "this is a private key; verification needs the public key"},
		{"openssh", block("OPENSSH PRIVATE KEY", []byte{1}), false, "OpenSSH private keys are not supported"},
		{"encrypted", block("ENCRYPTED PRIVATE KEY", []byte{1}), false, "encrypted private keys are not supported"},
		{"legacy headers", withHeader, false, "has headers"},
		{"certificate", block("CERTIFICATE", []byte{1}), true, `PEM block is "CERTIFICATE", want "PUBLIC KEY"`},
		{"bad DER private", block("PRIVATE KEY", []byte{1, 2, 3}), false, "malformed PKCS #8 private key"},
		{"bad DER public", block("PUBLIC KEY", []byte{1, 2, 3}), true, "malformed PKIX public key"},
		{"ecdsa private", ecPriv, false, "private key is ECDSA; taskproof signs with ed25519"},
		{"ecdsa public", ecPub, true, "public key is ECDSA; taskproof verifies ed25519"},
		{"two keys", append(append([]byte(nil), privPEM...), privPEM...), false, "unexpected data after the PRIVATE KEY PEM block"},
		{"text before", append([]byte("key:\n"), pubPEM...), true, "unexpected data before the PEM block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.public {
				_, err = ParsePublicKey(tt.data)
			} else {
				_, err = ParsePrivateKey(tt.data)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			// Errors never quote key material.
			if strings.Contains(err.Error(), "MC4CAQAw") || strings.Contains(err.Error(), string(privPEM[28:60])) {
				t.Fatalf("error quotes the key: %v", err)
			}
		})
	}
}

func TestMarshalRejectsBadKeys(t *testing.T) {
	if _, err := MarshalPrivateKey(ed25519.PrivateKey{1}); err == nil {
		t.Error("MarshalPrivateKey accepted a 1-byte key")
	}
	if _, err := MarshalPublicKey(ed25519.PublicKey{1}); err == nil {
		t.Error("MarshalPublicKey accepted a 1-byte key")
	}
}
