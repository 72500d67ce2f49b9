package evidence

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/taskproof/taskproof/internal/golden"
)

// The CLI scripts cmd/taskproof/testdata/script/evidence*.txtar carry two
// bundles made by Build as text sections (good/... and other/..., packed
// with tar(1) by the script) and the public keys to check them with.
// TestScriptFixtures checks those sections are exactly what Build makes
// today, and with -update rewrites them in place.

const scriptDir = "../../cmd/taskproof/testdata/script"

type scriptFixture struct {
	dir   string // section prefix in the script
	files []File
	pred  Predicate
}

func scriptFixtures() []scriptFixture {
	good := Predicate{
		TaskID:             "TASK-0007",
		Commit:             commitA,
		ContractHash:       HashText("[contract]\nversion = 1\n"),
		AllowlistHash:      HashAllowlistedContent([]File{{Name: "src/boot.s", Data: []byte("nop\n")}}),
		StopConditionsHash: HashText("- `./scripts/qemu-test.sh` prints boot: ok then sched: ready"),
		Verdict:            Proven,
		Items: []Item{
			{Item: "boot: ok marker", Kind: KindMarker, Verdict: Proven, Reason: "line 2"},
			{Item: "sched: ready marker", Kind: KindMarker, Verdict: Proven, Reason: "line 3, after boot: ok"},
			{Item: "touched paths inside the allowlist", Kind: KindScope, Verdict: Proven},
		},
		Run: Run{StartedAt: "2026-03-04T10:00:00Z", DurationMS: 812, Host: "ci-1", Tools: []Tool{{Name: "qemu-system-x86_64", Version: "8.2.2"}}},
	}
	other := Predicate{
		TaskID:             "TASK-0008",
		Commit:             commitB,
		ContractHash:       good.ContractHash,
		AllowlistHash:      HashAllowlistedContent([]File{{Name: "src/mm.rs", Data: []byte("fn alloc() {}\n")}}),
		StopConditionsHash: HashText("- `cargo test -p mm` passes"),
		Verdict:            Failed,
		Items: []Item{
			{Item: "boot: ok marker", Kind: KindMarker, Verdict: Proven, Reason: "line 1"},
			{Item: "mm::alloc_grows test", Kind: KindTest, Verdict: Failed, Reason: "panicked: out of memory"},
			{Item: "touched paths inside the allowlist", Kind: KindScope, Verdict: NotRun, Reason: "an earlier item failed"},
		},
		Run: Run{StartedAt: "2026-03-04T11:30:00Z", DurationMS: 2045, Host: "ci-2", Tools: []Tool{{Name: "cargo", Version: "1.86.0"}}},
	}
	return []scriptFixture{
		{dir: "good", pred: good, files: []File{
			{Name: "qemu.log", Data: []byte("SeaBIOS (version 1.16.3)\nboot: ok\nsched: ready\n")},
			{Name: "markers.jsonl", Data: []byte(`{"marker":"boot: ok","line":2}` + "\n" + `{"marker":"sched: ready","line":3}` + "\n")},
			{Name: "config.json", Data: []byte(`{"argv":["./scripts/qemu-test.sh"],"profile":"smoke"}` + "\n")},
		}},
		{dir: "other", pred: other, files: []File{
			{Name: "qemu.log", Data: []byte("boot: ok\n")},
			{Name: "tests.json", Data: []byte(`{"mm::alloc_grows":"failed"}` + "\n")},
		}},
	}
}

// wantSections is every section the evidence scripts must carry, by name.
func wantSections(t *testing.T) map[string][]byte {
	want := map[string][]byte{}
	for _, fx := range scriptFixtures() {
		bundle := mustBuild(t, fx.files, fx.pred, testKey("A"))
		for _, e := range untar(t, bundle) {
			want[fx.dir+"/"+e.hdr.Name] = e.data
		}
	}
	pubA, _ := MarshalPublicKey(pubOf(testKey("A")))
	pubB, _ := MarshalPublicKey(pubOf(testKey("B")))
	want[".taskproof/signing.pub"] = pubA
	want["other.pub"] = pubB
	return want
}

func TestScriptFixtures(t *testing.T) {
	scripts, err := filepath.Glob(filepath.Join(scriptDir, "evidence*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) == 0 {
		t.Fatalf("no evidence*.txtar under %s", scriptDir)
	}
	want := wantSections(t)
	for _, path := range scripts {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		changed := false
		for i, f := range ar.Files {
			w, ok := want[f.Name]
			if !ok {
				continue
			}
			have[f.Name] = true
			if !bytes.Equal(f.Data, w) {
				if !golden.Update() {
					t.Errorf("%s: section %s is not what Build makes now (go test ./internal/evidence -run TestScriptFixtures -update)", path, f.Name)
				}
				ar.Files[i].Data, changed = w, true
			}
		}
		for _, name := range sortedKeys(want) {
			if !have[name] {
				if !golden.Update() {
					t.Errorf("%s: missing section %s (go test ./internal/evidence -run TestScriptFixtures -update)", path, name)
				}
				ar.Files = append(ar.Files, txtar.File{Name: name, Data: want[name]})
				changed = true
			}
		}
		if golden.Update() && changed {
			if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
