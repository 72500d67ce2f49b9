package evidence

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
)

// PEM block types of taskproof key files.
const (
	privateKeyPEMType = "PRIVATE KEY" // PKCS #8
	publicKeyPEMType  = "PUBLIC KEY"  // PKIX SubjectPublicKeyInfo
)

// GenerateKey makes a new ed25519 key pair from the system's secure random
// source.
func GenerateKey() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, nil, fmt.Errorf("generate ed25519 key: %w", err)
	}
	return pub, priv, nil
}

// MarshalPrivateKey encodes priv as a PKCS #8 "PRIVATE KEY" PEM block, the
// form openssl and most tools read.
func MarshalPrivateKey(priv ed25519.PrivateKey) ([]byte, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("marshal private key: ed25519 private key has %d bytes, want %d", len(priv), ed25519.PrivateKeySize)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("marshal private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: privateKeyPEMType, Bytes: der}), nil
}

// MarshalPublicKey encodes pub as a PKIX "PUBLIC KEY" PEM block.
func MarshalPublicKey(pub ed25519.PublicKey) ([]byte, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("marshal public key: ed25519 public key has %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("marshal public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: publicKeyPEMType, Bytes: der}), nil
}

// KeyID identifies a public key as securesystemslib and in-toto do, so
// DSSE verifiers in that ecosystem derive the same id from the key and
// accept the envelope's signature: the lowercase hex SHA-256 of the
// canonical JSON {"keyid_hash_algorithms":["sha256","sha512"],
// "keytype":"ed25519","keyval":{"public":HEX},"scheme":"ed25519"}, HEX
// being the 32 raw public key bytes in lowercase hex.
func KeyID(pub ed25519.PublicKey) string {
	if len(pub) != ed25519.PublicKeySize {
		return ""
	}
	// Canonical JSON of fixed keys and a hex value: written out, it needs
	// no encoder (keys sorted, no whitespace).
	canonical := `{"keyid_hash_algorithms":["sha256","sha512"],"keytype":"ed25519","keyval":{"public":"` +
		hex.EncodeToString(pub) + `"},"scheme":"ed25519"}`
	sum := sha256.Sum256([]byte(canonical))
	return hex.EncodeToString(sum[:])
}

// ParsePrivateKey reads an ed25519 private key from PEM data (PKCS #8). The
// errors name what the data looks like instead (a public key, an OpenSSH
// key, an encrypted or non-ed25519 key) and never quote its content.
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	block, err := singlePEM(data, privateKeyPEMType)
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case privateKeyPEMType:
	case publicKeyPEMType:
		return nil, errors.New("this is a public key; signing needs the private key (the .key file written by taskproof keygen)")
	case "OPENSSH PRIVATE KEY":
		return nil, errors.New("OpenSSH private keys are not supported; make a key pair with taskproof keygen")
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("encrypted private keys are not supported; keep the key in a 0600 file or a CI secret")
	default:
		return nil, fmt.Errorf("PEM block is %q, want %q (PKCS #8 ed25519)", block.Type, privateKeyPEMType)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("malformed PKCS #8 private key")
	}
	priv, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private key is %s; taskproof signs with ed25519 (make one with taskproof keygen)", keyKind(key))
	}
	return priv, nil
}

// ParsePublicKey reads an ed25519 public key from PEM data (PKIX). Given a
// private key it refuses: verification must never need the secret.
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	block, err := singlePEM(data, publicKeyPEMType)
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case publicKeyPEMType:
	case privateKeyPEMType, "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("this is a private key; verification needs the public key (the .pub file), and the private key should not be shared")
	default:
		return nil, fmt.Errorf("PEM block is %q, want %q (PKIX ed25519)", block.Type, publicKeyPEMType)
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, errors.New("malformed PKIX public key")
	}
	pub, ok := key.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key is %s; taskproof verifies ed25519 signatures", keyKind(key))
	}
	return pub, nil
}

// singlePEM decodes the one PEM block in data; anything but whitespace
// around it is an error, so a file holding two keys is not half-read.
func singlePEM(data []byte, want string) (*pem.Block, error) {
	if i := bytes.Index(data, []byte("-----BEGIN")); i > 0 && len(bytes.TrimSpace(data[:i])) > 0 {
		return nil, fmt.Errorf("unexpected data before the PEM block; a key file holds exactly one key")
	}
	block, rest := pem.Decode(data)
	if block == nil {
		if bytes.Contains(data, []byte(`\n`)) && bytes.Contains(data, []byte("-----BEGIN")) {
			return nil, fmt.Errorf(`no PEM block found: the text contains a literal \n; store the key with real line breaks`)
		}
		return nil, fmt.Errorf("no PEM block found; want a -----BEGIN %s----- block", want)
	}
	if len(block.Headers) > 0 {
		return nil, fmt.Errorf("PEM block %q has headers; taskproof keys have none (encrypted legacy PEM is not supported)", block.Type)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, fmt.Errorf("unexpected data after the %s PEM block; a key file holds exactly one key", block.Type)
	}
	return block, nil
}

func keyKind(key any) string {
	switch key.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey:
		return "RSA"
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return "ECDSA"
	default:
		return fmt.Sprintf("%T", key)
	}
}
