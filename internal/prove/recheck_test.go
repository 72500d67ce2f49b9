package prove

import (
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/ledger"
)

func markerTrace(ms ...string) []byte {
	var b strings.Builder
	for i, m := range ms {
		b.WriteString(`{"marker":"` + m + `","kind":"required","phase":"boot","line":` + string(rune('1'+i)) + "}\n")
	}
	return []byte(b.String())
}

func testsJSON(cases ...string) []byte {
	var parts []string
	for _, c := range cases {
		name, outcome, _ := strings.Cut(c, "=")
		parts = append(parts, `{"Suite":"pkg","Name":"`+name+`","Outcome":"`+outcome+`"}`)
	}
	return []byte(`{"cases":[` + strings.Join(parts, ",") + `]}`)
}

func TestCompare(t *testing.T) {
	item := func(kind, name, verdict string) evidence.Item {
		return evidence.Item{Kind: kind, Item: name, Verdict: verdict}
	}
	files := func(m map[string][]byte) func(string) ([]byte, bool) {
		return func(n string) ([]byte, bool) { d, ok := m[n]; return d, ok }
	}
	base := []evidence.Item{item("marker", "boot ok", "proven"), item("marker", "timer ready", "proven"), item("scope", "allowlist", "proven")}
	for _, c := range []struct {
		name    string
		claimed []evidence.Item
		cfiles  map[string][]byte
		rerun   []evidence.Item
		rfiles  map[string][]byte
		want    []string // What of each mismatch, in order
	}{
		{"agree", base, map[string][]byte{"markers/1.jsonl": markerTrace("boot ok", "timer ready")},
			base, map[string][]byte{"markers/1.jsonl": markerTrace("boot ok", "timer ready")}, nil},
		{"scope differs only", base, nil,
			[]evidence.Item{base[0], base[1], item("scope", "allowlist", "failed")}, nil, nil},
		{"flipped marker", base, map[string][]byte{"markers/1.jsonl": markerTrace("boot ok", "timer ready")},
			[]evidence.Item{base[0], item("marker", "timer ready", "failed"), base[2]}, map[string][]byte{"markers/1.jsonl": markerTrace("boot ok")},
			[]string{"marker timer ready", "markers of proof 1"}},
		{"order only", base, map[string][]byte{"markers/1.jsonl": markerTrace("boot ok", "timer ready")},
			base, map[string][]byte{"markers/1.jsonl": markerTrace("timer ready", "boot ok")}, []string{"markers of proof 1"}},
		{"item only in re-run", base[:1], nil, base[:2], nil, []string{"marker timer ready"}},
		{"item only in bundle", base[:2], nil, base[:1], nil, []string{"marker timer ready"}},
		{"test outcome", nil, map[string][]byte{"tests/1.json": testsJSON("TestA=passed", "TestB=passed")},
			nil, map[string][]byte{"tests/1.json": testsJSON("TestA=passed", "TestB=failed")}, []string{"test pkg/TestB"}},
	} {
		got := Compare(evidence.Predicate{Items: c.claimed}, files(c.cfiles), 1, Rechecked{Items: c.rerun, File: files(c.rfiles)})
		var whats []string
		for _, m := range got {
			whats = append(whats, m.What)
		}
		if strings.Join(whats, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: mismatches %q, want %q\n%v", c.name, whats, c.want, got)
		}
	}
}

func TestMarkFlaky(t *testing.T) {
	run := func(commit, verdict string) ledger.Run {
		return ledger.Run{Commit: commit, Items: []ledger.ItemOutcome{{Kind: "marker", Item: "timer ready", Verdict: verdict}, {Kind: "marker", Item: "boot ok", Verdict: "proven"}}}
	}
	history := []ledger.Run{run("c1", "proven"), run("c1", "failed"), run("c1", "proven"), run("c2", "failed")}
	ms := []Mismatch{{What: "marker timer ready", Claim: "proven", Rerun: "failed"}, {What: "marker boot ok", Claim: "failed", Rerun: "proven"}}
	MarkFlaky(ms, history, "c1")
	if !ms[0].Flaky || ms[0].Detail != "flaky: on this commit the run history has it proven 2 times, failed 1 times" || !strings.HasPrefix(ms[0].String(), "FLAKY ") {
		t.Errorf("varying item: %+v", ms[0])
	}
	if ms[1].Flaky {
		t.Errorf("an item always proven on the commit marked flaky: %+v", ms[1])
	}
	ms = []Mismatch{{What: "marker timer ready"}}
	MarkFlaky(ms, history, "c2")
	if ms[0].Flaky {
		t.Errorf("one verdict on c2 (another commit's runs counted): %+v", ms[0])
	}
}

func TestCompareInputs(t *testing.T) {
	inputs := func(kv ...string) []byte {
		var parts []string
		for _, p := range kv {
			path, sum, _ := strings.Cut(p, "=")
			parts = append(parts, `{"path":"`+path+`","sha256":"`+sum+`"}`)
		}
		return []byte(`{"files":[` + strings.Join(parts, ",") + `]}`)
	}
	for _, c := range []struct {
		name           string
		claimed, rerun []byte // nil claimed: the bundle has no inputs.json
		want           []string
	}{
		{"same", inputs("build/a.elf=aa", "qemu.sh=bb"), inputs("build/a.elf=aa", "qemu.sh=bb"), nil},
		{"no inputs.json in the bundle", nil, inputs("qemu.sh=bb"), nil},
		{"rebuilt differently", inputs("build/a.elf=aa", "qemu.sh=bb"), inputs("build/a.elf=cc", "qemu.sh=bb"),
			[]string{"input build/a.elf: the bundle says sha256:aa, the re-run used sha256:cc (" + inputDiffers + ")"}},
		{"missing in the clean worktree", inputs("build/a.elf=aa", "build/b.elf=dd"), inputs("build/a.elf=aa"),
			[]string{"input build/b.elf: the bundle says sha256:dd, the re-run " + inputMissingRerun + " (" + inputMissingFix + ")"}},
		{"only in the re-run", inputs("qemu.sh=bb"), inputs("build/a.elf=aa", "qemu.sh=bb"),
			[]string{"input build/a.elf: the bundle says nothing (no such input), the re-run used sha256:aa (the bundle's inputs are not its commit's)"}},
		{"gone at proof time", inputs("x.bin="), inputs("x.bin=ee"),
			[]string{"input x.bin: the bundle says the file was gone, the re-run used sha256:ee (" + inputDiffers + ")"}},
		{"unreadable", []byte("{"), inputs("qemu.sh=bb"), []string{"inputs: the bundle says an unreadable inputs.json"}},
	} {
		claimed := func(name string) ([]byte, bool) {
			return c.claimed, name == evidence.InputsName && c.claimed != nil
		}
		got := Compare(evidence.Predicate{}, claimed, 0, Rechecked{File: func(string) ([]byte, bool) { return nil, false }, Inputs: c.rerun})
		var lines []string
		for _, m := range got {
			lines = append(lines, m.String())
		}
		if len(lines) != len(c.want) {
			t.Errorf("%s: %q, want %q", c.name, lines, c.want)
			continue
		}
		for i := range lines {
			if !strings.HasPrefix(lines[i], c.want[i]) {
				t.Errorf("%s: %q, want %q", c.name, lines[i], c.want[i])
			}
		}
	}
	// Without the re-run's digests nothing is compared (and nothing is
	// claimed to agree: the caller always takes them, see RecheckedOf).
	if got := Compare(evidence.Predicate{}, func(string) ([]byte, bool) { return inputs("a=1"), true }, 0,
		Rechecked{File: func(string) ([]byte, bool) { return nil, false }}); len(got) != 0 {
		t.Errorf("no re-run inputs: %v", got)
	}
}
