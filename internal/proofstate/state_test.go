package proofstate

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
)

func verified(taskID, verdict string, items ...evidence.Item) *evidence.Verified {
	if len(items) == 0 {
		items = []evidence.Item{{Item: "boot: ok", Kind: evidence.KindMarker, Verdict: verdict}}
	}
	return &evidence.Verified{Predicate: evidence.Predicate{
		TaskID: taskID, Commit: strings.Repeat("a", 40), Verdict: verdict,
		AllowlistHash: "sha256:1", ContractHash: "sha256:2", StopConditionsHash: "sha256:3", Items: items,
	}}
}

var fresh = evidence.Current{AllowlistHash: "sha256:1", ContractHash: "sha256:2", StopConditionsHash: "sha256:3"}

func TestDecide(t *testing.T) {
	const b = ".taskproof/evidence/TASK-0001.tar"
	base := Facts{TaskID: "TASK-0001", Bundle: b, BundleExists: true, Current: fresh}
	with := func(f func(*Facts)) Facts { x := base; f(&x); return x }
	cases := []struct {
		name    string
		facts   Facts
		state   State
		reason  string // substring of the joined reasons
		summary string
	}{
		{"proven", with(func(f *Facts) { f.Verified = verified("TASK-0001", evidence.Proven) }), Proven, "", "verified, inputs unchanged"},
		{"proven and claiming", with(func(f *Facts) {
			f.Status = "Done"
			f.Verified = verified("TASK-0001", evidence.Proven)
		}), Proven, "", "verified, inputs unchanged"},
		{"no bundle", with(func(f *Facts) { f.BundleExists = false }), Unproven, "no evidence bundle at " + b + "; run taskproof prove TASK-0001", "no evidence bundle"},
		{"no bundle, Done", with(func(f *Facts) { f.BundleExists, f.Status = false, "Done" }), Claimed, "the header says Done, but there is no valid evidence", "no evidence bundle"},
		{"no bundle, In Review", with(func(f *Facts) { f.BundleExists, f.Status = false, "In Review" }), Claimed, "In Review", "no evidence bundle"},
		{"no bundle, Blocked", with(func(f *Facts) { f.BundleExists, f.Status = false, "Blocked" }), Unproven, "no evidence bundle", "no evidence bundle"},
		{"no id", Facts{Status: "Done"}, Claimed, "no id", "no id, so no evidence"},
		{"no key", with(func(f *Facts) { f.NoKey = true }), Unproven, NoPublicKeyReason, "bundle present, but no public key to verify it"},
		{"no key, Done", with(func(f *Facts) { f.NoKey, f.Status = true, "Done" }), Claimed, NoPublicKeyReason, "bundle present, but no public key to verify it"},
		{"unreadable", with(func(f *Facts) { f.ReadErr = errors.New("permission denied") }), Invalid, "cannot be read: permission denied", "bundle unreadable"},
		{"wrong key", with(func(f *Facts) { f.VerifyErr = evidence.ErrWrongKey }), Invalid, "does not verify", "bundle does not verify: wrong_key"},
		{"wrong key, Done", with(func(f *Facts) { f.VerifyErr, f.Status = evidence.ErrWrongKey, "Done" }), Invalid, "does not verify", "bundle does not verify: wrong_key"},
		{"another task's", with(func(f *Facts) { f.Verified = verified("TASK-0002", evidence.Proven) }), Invalid, "evidence for TASK-0002, not TASK-0001", "bundle is evidence for TASK-0002"},
		{"failed", with(func(f *Facts) {
			f.Verified = verified("TASK-0001", evidence.Failed,
				evidence.Item{Item: "boot: ok", Kind: evidence.KindMarker, Verdict: evidence.Proven},
				evidence.Item{Item: "timer ready", Kind: evidence.KindMarker, Verdict: evidence.Failed, Reason: "missing"},
				evidence.Item{Item: "scope", Kind: evidence.KindScope, Verdict: evidence.NotRun})
		}), Failed, "marker timer ready: failed (missing); scope scope: not run", "proof failed: 2 of 3 items not proven"},
		{"failed beats stale", with(func(f *Facts) {
			f.Verified = verified("TASK-0001", evidence.Failed)
			f.Current.AllowlistHash = "sha256:9"
		}), Failed, "failed", "proof failed: 1 of 1 items not proven"},
		{"stale allowlist", with(func(f *Facts) {
			f.Verified = verified("TASK-0001", evidence.Proven)
			f.Current.AllowlistHash = "sha256:9"
		}), Stale, "allowlisted paths changed", "changed since the proof: allowlisted paths"},
		{"stale contract and stop", with(func(f *Facts) {
			f.Verified = verified("TASK-0001", evidence.Proven)
			f.Current.ContractHash, f.Current.StopConditionsHash = "", "sha256:8"
		}), Stale, "the contract changed since the evidence (hash sha256:2 → (none)); the task's Stop conditions changed", "changed since the proof: contract, Stop conditions"},
		{"other commit, judged by content", with(func(f *Facts) { f.Verified = verified("TASK-0001", evidence.Proven) }), Proven, "", "verified, inputs unchanged"},
		{"other commit, judged for HEAD", with(func(f *Facts) {
			f.Verified = verified("TASK-0001", evidence.Proven)
			f.Current.Commit = strings.Repeat("b", 40)
		}), Stale, "not the current commit", "changed since the proof: commit"},
		{"inputs unknown", with(func(f *Facts) {
			f.Verified = verified("TASK-0001", evidence.Proven)
			f.InputsErr = errors.New("contract proof/contract.toml: bad")
		}), Stale, "cannot compute the current inputs", "current inputs unknown"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, rs := Decide(c.facts)
			if st != c.state {
				t.Fatalf("state %s, want %s (reasons %q)", st, c.state, rs)
			}
			joined := strings.Join(rs, "; ")
			if c.reason == "" && len(rs) != 0 {
				t.Fatalf("reasons %q, want none", rs)
			}
			if !strings.Contains(joined, c.reason) {
				t.Fatalf("reasons %q, want %q in them", joined, c.reason)
			}
			if got := Summarize(c.facts, st); got != c.summary {
				t.Fatalf("summary %q, want %q", got, c.summary)
			}
			if st != Proven && len(rs) == 0 {
				t.Fatal("a state other than proven without a reason")
			}
		})
	}
}

func TestAssessRealBundles(t *testing.T) {
	_, root := fixtureRepo(t)
	r, doc := openRepo(t, root)
	pub, priv := testKey(t)
	otherPub, otherPriv := testKey(t)

	if a := Assess(t.Context(), r, doc, nil, pub); a.State != Unproven || a.Bundle != ".taskproof/evidence/TASK-0001.tar" {
		t.Fatalf("no bundle: %+v", a)
	}
	writeBundle(t, r, doc, priv, evidence.Proven)
	a := Assess(t.Context(), r, doc, nil, pub)
	if a.State != Proven || a.Commit == "" || a.Digest == "" || a.KeyID != evidence.KeyID(pub) || a.Verified == nil {
		t.Fatalf("fresh bundle: %+v", a)
	}
	if a := Assess(t.Context(), r, doc, nil, otherPub); a.State != Invalid || !strings.Contains(strings.Join(a.Reasons, ";"), "not by the verifying key") {
		t.Fatalf("other key: %+v", a)
	}
	if a := Assess(t.Context(), r, doc, nil, nil); a.State != Unproven || !strings.Contains(strings.Join(a.Reasons, ";"), NoPublicKeyReason) {
		t.Fatalf("no key: %+v", a)
	}

	// An allowlisted change makes it stale; undoing it makes it fresh.
	gittest.WriteFiles(t, root, map[string]string{"src/boot.s": "hlt\n"})
	r, _ = openRepo(t, root) // a Repo reads each file once: open it again to see the change
	if a := Assess(t.Context(), r, doc, nil, pub); a.State != Stale || !strings.Contains(a.Reasons[0], "allowlisted paths changed") {
		t.Fatalf("after an allowlisted change: %+v", a)
	}
	gittest.WriteFiles(t, root, map[string]string{"src/boot.s": "nop\n"})
	r, _ = openRepo(t, root)
	if a := Assess(t.Context(), r, doc, nil, pub); a.State != Proven {
		t.Fatalf("after undoing the change: %+v", a)
	}

	// A tampered bundle is invalid.
	p := BundlePath(root, doc.ID)
	data, _ := os.ReadFile(p)
	i := strings.Index(string(data), "boot: ok\n")
	data[i] = 'B'
	os.WriteFile(p, data, 0o644)
	if a := Assess(t.Context(), r, doc, nil, pub); a.State != Invalid || !strings.Contains(strings.Join(a.Reasons, ";"), "qemu.log") {
		t.Fatalf("tampered: %+v", a)
	}

	// A failed proof.
	writeBundle(t, r, doc, priv, evidence.Failed)
	if a := Assess(t.Context(), r, doc, nil, pub); a.State != Failed || !strings.Contains(a.Reasons[0], "marker missing") {
		t.Fatalf("failed: %+v", a)
	}

	// Done with another key's bundle: invalid, and it claims.
	writeBundle(t, r, doc, otherPriv, evidence.Proven)
	doc.Status.Class = "Done"
	if a := Assess(t.Context(), r, doc, nil, pub); a.State != Invalid || !a.Claims {
		t.Fatalf("Done, other key: %+v", a)
	}
	os.Remove(p)
	if a := Assess(t.Context(), r, doc, nil, pub); a.State != Claimed || !a.Claims {
		t.Fatalf("Done, no bundle: %+v", a)
	}
}

func TestLoadPublicKey(t *testing.T) {
	root := t.TempDir()
	if pub, err := LoadPublicKey(root); pub != nil || err != nil {
		t.Fatalf("absent: %v %v", pub, err)
	}
	pub, _ := testKey(t)
	pem, _ := evidence.MarshalPublicKey(pub)
	gittest.WriteFiles(t, root, map[string]string{evidence.DefaultPublicKeyFile: string(pem)})
	got, err := LoadPublicKey(root)
	if err != nil || !got.Equal(pub) {
		t.Fatalf("present: %v %v", got, err)
	}
	gittest.WriteFiles(t, root, map[string]string{evidence.DefaultPublicKeyFile: "garbage"})
	if _, err := LoadPublicKey(root); err == nil || !strings.Contains(err.Error(), "signing.pub") {
		t.Fatalf("garbage: %v", err)
	}
}
