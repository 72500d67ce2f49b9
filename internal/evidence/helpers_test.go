package evidence

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"io"
	"testing"
)

// testKey is a fixed key pair derived from label: test keys only, so
// fixtures and goldens are reproducible.
func testKey(label string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("taskproof test key: " + label))
	return ed25519.NewKeyFromSeed(seed[:])
}

func pubOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

const (
	commitA = "0123456789abcdef0123456789abcdef01234567"
	commitB = "89abcdef0123456789abcdef0123456789abcdef"
)

// sampleFiles and samplePredicate describe a small proven task.
func sampleFiles() []File {
	return []File{
		{Name: "qemu.log", Data: []byte("SeaBIOS (version 1.16)\r\n\x1b[2Jboot: ok\nsched: ready\n")},
		{Name: "markers.jsonl", Data: []byte(`{"marker":"boot: ok","line":2}` + "\n" + `{"marker":"sched: ready","line":3}` + "\n")},
		{Name: "reports/scope.json", Data: []byte(`{"outside_allowlist":[]}` + "\n")},
		{Name: "config.json", Data: []byte(`{"argv":["./scripts/qemu-test.sh"],"env":{"PROFILE":"smoke"}}` + "\n")},
	}
}

func samplePredicate() Predicate {
	return Predicate{
		TaskID:             "TASK-0007",
		Commit:             commitA,
		ContractHash:       HashText("contract v1"),
		AllowlistHash:      HashAllowlistedContent([]File{{Name: "src/boot.s", Data: []byte("nop\n")}}),
		StopConditionsHash: HashText("- `./scripts/qemu-test.sh` prints boot: ok"),
		Verdict:            Proven,
		Items: []Item{
			{Item: "boot: ok marker", Kind: KindMarker, Verdict: Proven, Reason: "seen at line 2"},
			{Item: "sched: ready marker", Kind: KindMarker, Verdict: Proven, Reason: "seen at line 3, after boot: ok"},
			{Item: "touched paths inside the allowlist", Kind: KindScope, Verdict: Proven},
		},
		Run: Run{StartedAt: "2026-03-04T10:00:00Z", DurationMS: 812, Host: "ci-1", Tools: []Tool{{Name: "qemu-system-x86_64", Version: "8.2.2"}}},
	}
}

func mustBuild(t testing.TB, files []File, pred Predicate, key ed25519.PrivateKey) []byte {
	t.Helper()
	b, err := Build(files, pred, key)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return b
}

// tarEntry is one archive entry, for rewriting real bundles in tamper tests.
type tarEntry struct {
	hdr  tar.Header
	data []byte
}

func untar(t testing.TB, bundle []byte) []tarEntry {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(bundle))
	var out []tarEntry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("untar: %v", err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("untar %s: %v", h.Name, err)
		}
		out = append(out, tarEntry{hdr: *h, data: data})
	}
}

func retar(t testing.TB, entries []tarEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := e.hdr
		h.Size = int64(len(e.data))
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatalf("retar %s: %v", h.Name, err)
		}
		if _, err := tw.Write(e.data); err != nil {
			t.Fatalf("retar %s: %v", h.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatalf("retar: %v", err)
	}
	return b.Bytes()
}

// rewrite rebuilds bundle after fn edits its entries.
func rewrite(t testing.TB, bundle []byte, fn func([]tarEntry) []tarEntry) []byte {
	t.Helper()
	return retar(t, fn(untar(t, bundle)))
}

// entryData returns the data of entry name in bundle.
func entryData(t testing.TB, bundle []byte, name string) []byte {
	t.Helper()
	for _, e := range untar(t, bundle) {
		if e.hdr.Name == name {
			return e.data
		}
	}
	t.Fatalf("no entry %s", name)
	return nil
}

// replaceEntry swaps one entry's data.
func replaceEntry(name string, data []byte) func([]tarEntry) []tarEntry {
	return func(es []tarEntry) []tarEntry {
		for i := range es {
			if es[i].hdr.Name == name {
				es[i].data = data
			}
		}
		return es
	}
}
