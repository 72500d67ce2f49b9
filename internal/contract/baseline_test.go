package contract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/taskproof/taskproof/internal/testcorpus"
	"github.com/taskproof/taskproof/internal/verify"
)

// TestBaselineWithoutBase: the value-free lines every log shows become the
// ladder; order = true on the chain all logs agree on.
func TestBaselineWithoutBase(t *testing.T) {
	logs := []BaselineLog{
		{"a.log", []byte("SeaBIOS 1.16\r\nboot ok\r\n[    0.5] mem ok\nnet up\ndisk up\nfs ok FAIL\nall done\n")},
		{"b.log", []byte("boot ok\n[INFO x] mem ok\ndisk up\nnet up\nid=42\nall done\nextra\n")},
	}
	out, err := Baseline(BaselineOptions{Logs: logs})
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		`{ text = "boot ok", order = true },`, `{ text = "mem ok", order = true },`,
		`{ text = "net up", order = true },`, "\n  \"disk up\",\n", `{ text = "all done", order = true },`,
		"[ladder.default]", "#   a.log",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("baseline lacks %q:\n%s", want, text)
		}
	}
	for _, not := range []string{"SeaBIOS", "fs ok", "extra", "id="} {
		if strings.Contains(text, not) {
			t.Errorf("baseline holds %q:\n%s", not, text)
		}
	}
	// The written contract loads, and both logs pass it; a log without a
	// ladder line, or with the agreed order broken, fails.
	c := load(t, map[string]string{"contract.toml": text})
	if f := Lint(c); len(f) != 0 {
		t.Fatalf("lint: %v", f)
	}
	spec, err := c.Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range logs {
		if r := verifyLog(t, spec, l.Data); r.Verdict != verify.Pass {
			t.Errorf("%s: %s %+v", l.Name, r.Verdict, r.Failure)
		}
	}
	if r := verifyLog(t, spec, []byte("boot ok\nmem ok\nnet up\nall done\n")); r.Verdict != verify.Missing || r.Failure.Marker != "disk up" {
		t.Errorf("without disk up: %s %+v", r.Verdict, r.Failure)
	}
	if r := verifyLog(t, spec, []byte("mem ok\nboot ok\nnet up\ndisk up\nall done\n")); r.Verdict != verify.Order {
		t.Errorf("mem ok before boot ok: %s %+v", r.Verdict, r.Failure)
	}
	if _, err := Baseline(BaselineOptions{}); err == nil {
		t.Error("no log accepted")
	}
}

// TestBaselineFromManifest: an overlay of the upstream manifest written
// from a known-good history log passes that log, fails it cut before the
// end, and refuses a log that breaks the profile.
func TestBaselineFromManifest(t *testing.T) {
	corpus := testcorpus.Dir(t)
	dir := filepath.Join(corpus, "history", "90ecdf0a", "proof-manifest")
	base, err := Load(os.DirFS(dir), "manifest.toml")
	if err != nil {
		t.Fatal(err)
	}
	log := historyLog(t, "90ecdf0a")
	out, err := Baseline(BaselineOptions{Base: base, BasePath: "proof-manifest/manifest.toml", Profile: "smp", Logs: []BaselineLog{{"uart.log", log}}})
	if err != nil {
		t.Fatal(err)
	}
	m := overlayFS(t, "90ecdf0a").(fstest.MapFS)
	m["overlay.toml"] = &fstest.MapFile{Data: out}
	c, err := Load(m, "overlay.toml")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	spec, err := c.Resolve("smp")
	if err != nil {
		t.Fatal(err)
	}
	r := verifyLog(t, spec, log)
	if r.Verdict != verify.Pass || r.Required < 148 {
		t.Fatalf("%s %d/%d %+v", r.Verdict, r.Found, r.Required, r.Failure)
	}
	// Every entry of upstream's own smp ladder is in the baseline.
	for _, e := range ladderEntries(t, "90ecdf0a", "smp") {
		if !strings.Contains(string(out), tomlString(e)) {
			t.Errorf("upstream ladder entry %q not in the baseline", e)
		}
	}
	cut := log[:strings.Index(string(log), "SELFTEST: end")]
	if r := verifyLog(t, spec, cut); r.Verdict != verify.Missing {
		t.Errorf("cut before SELFTEST: end: %s", r.Verdict)
	}
	// The smp log is not a good full log (KINIT: cpu1 online is unexpected).
	if _, err := Baseline(BaselineOptions{Base: base, Profile: "full", Logs: []BaselineLog{{"uart.log", log}}}); err == nil || !strings.Contains(err.Error(), "not a known-good log") {
		t.Errorf("smp log as a full baseline: %v", err)
	}
}
