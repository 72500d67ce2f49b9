package evidence

import (
	"crypto/ed25519"
	"encoding/base64"
	"strconv"
)

// Envelope is a DSSE envelope (https://github.com/secure-systems-lab/dsse,
// protocol v1): the signed statement and its signatures.
type Envelope struct {
	PayloadType string      `json:"payloadType"`
	Payload     string      `json:"payload"` // standard base64 of the statement bytes
	Signatures  []Signature `json:"signatures"`
}

// Signature is one DSSE signature: KeyID(pub) and base64 of the ed25519
// signature over PAE(payloadType, payload).
type Signature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

// PAE is DSSE's pre-authentication encoding, the bytes actually signed:
// "DSSEv1" SP len(type) SP type SP len(body) SP body, lengths in ASCII
// decimal. Binding the type stops a signature being replayed as another
// kind of document.
func PAE(payloadType string, payload []byte) []byte {
	b := make([]byte, 0, 32+len(payloadType)+len(payload))
	b = append(b, "DSSEv1 "...)
	b = strconv.AppendInt(b, int64(len(payloadType)), 10)
	b = append(b, ' ')
	b = append(b, payloadType...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(payload)), 10)
	b = append(b, ' ')
	b = append(b, payload...)
	return b
}

// signEnvelope wraps payload in an envelope signed by key.
func signEnvelope(payload []byte, key ed25519.PrivateKey) Envelope {
	pub := key.Public().(ed25519.PublicKey)
	sig := ed25519.Sign(key, PAE(PayloadType, payload))
	return Envelope{
		PayloadType: PayloadType,
		Payload:     base64.StdEncoding.EncodeToString(payload),
		Signatures:  []Signature{{KeyID: KeyID(pub), Sig: base64.StdEncoding.EncodeToString(sig)}},
	}
}

// decodeBase64 accepts standard and URL-safe base64, padded or not, as the
// DSSE spec asks verifiers to.
func decodeBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	_, err := base64.StdEncoding.DecodeString(s)
	return nil, err
}
