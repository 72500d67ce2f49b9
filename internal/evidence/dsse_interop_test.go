package evidence

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/secure-systems-lab/go-securesystemslib/signerverifier"
)

// TestEnvelopeVerifiesWithSecureSystemsLib: a bundle's envelope verifies
// with go-securesystemslib's DSSE verifier given only the public key file:
// signerverifier derives the key id itself (as in-toto does), DSSE skips a
// signature whose keyid differs from it, so the envelope is accepted only
// because taskproof's keyid is that same id.
func TestEnvelopeVerifiesWithSecureSystemsLib(t *testing.T) {
	key := testKey("A")
	bundle := mustBuild(t, sampleFiles(), samplePredicate(), key)
	var env dsse.Envelope
	if err := json.Unmarshal(entryData(t, bundle, EnvelopeEntry), &env); err != nil {
		t.Fatal(err)
	}
	verifier := func(pubKey []byte) dsse.Verifier {
		t.Helper()
		k, err := signerverifier.LoadKey(pubKey)
		if err != nil {
			t.Fatalf("securesystemslib cannot load the .pub file: %v", err)
		}
		sv, err := signerverifier.NewED25519SignerVerifierFromSSLibKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return sv
	}
	pubPEM, err := MarshalPublicKey(pubOf(key))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := dsse.NewEnvelopeVerifier(verifier(pubPEM))
	if err != nil {
		t.Fatal(err)
	}
	accepted, err := ev.Verify(context.Background(), &env)
	if err != nil {
		t.Fatalf("securesystemslib rejects the envelope: %v", err)
	}
	if len(accepted) != 1 || accepted[0].KeyID != KeyID(pubOf(key)) {
		t.Fatalf("accepted %+v, want one key with id %s", accepted, KeyID(pubOf(key)))
	}
	if env.PayloadType != PayloadType {
		t.Errorf("payloadType %q", env.PayloadType)
	}

	// Another key is rejected, and so is a signature whose keyid is not
	// the one securesystemslib derives (the check this test relies on).
	other, err := MarshalPublicKey(pubOf(testKey("B")))
	if err != nil {
		t.Fatal(err)
	}
	ev2, _ := dsse.NewEnvelopeVerifier(verifier(other))
	if _, err := ev2.Verify(context.Background(), &env); err == nil {
		t.Error("securesystemslib accepted the envelope under another key")
	}
	env.Signatures[0].KeyID = "0000" + env.Signatures[0].KeyID[4:]
	if _, err := ev.Verify(context.Background(), &env); err == nil {
		t.Error("securesystemslib accepted a signature whose keyid is not its own")
	}
}
