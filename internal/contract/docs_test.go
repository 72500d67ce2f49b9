package contract

import (
	"os"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/verify"
)

// The annotated example in docs/contract.md is a working contract, and it
// resolves the way its comments say.
func TestDocsExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/contract.md")
	if err != nil {
		t.Fatalf("docs/contract.md is part of the repository: %v", err)
	}
	s := string(doc)
	start := strings.Index(s, "```toml\n")
	end := strings.Index(s[start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("no toml example in docs/contract.md")
	}
	src := s[start+8 : start+8+end]
	c := load(t, map[string]string{"contract.toml": src, "markers/more.toml": "[[marker]]\ntext = \"minios: timer ready\"\nphase = \"devices\"\nkind = \"ready\"\n"})
	if f := Lint(c); len(f) != 0 {
		t.Errorf("the example has findings: %v", f)
	}
	tests := []struct {
		profile string
		want    []string
	}{
		{"", []string{
			"R minios: boot ok count=1..1", "R minios: serial ready after=minios: boot ok",
			"A minios: net stub", "R minios: all done after=minios: serial ready,minios: timer ready",
			"R minios: timer ready after=minios: serial ready",
			"F minios: boot FAIL", "F no-debug-exit", "U cpu-online",
		}},
		{"smp", []string{
			"R minios: boot ok count=1..1", "R minios: serial ready after=minios: boot ok",
			"R cpu-online after=minios: serial ready",
			"R minios: all done after=minios: serial ready,cpu-online,minios: timer ready",
			"R minios: timer ready after=minios: serial ready",
			"F minios: net stub", "F minios: boot FAIL", "F no-debug-exit",
		}},
	}
	for _, tt := range tests {
		spec, err := c.Resolve(tt.profile)
		if err != nil {
			t.Fatal(err)
		}
		if diff := diffOf(tt.want, summary(spec)); diff != "" {
			t.Errorf("profile %q: %s", tt.profile, diff)
		}
		for _, f := range spec.Forbidden {
			if f.ID == "default:fatal" {
				t.Errorf("drop_defaults = [\"fatal\"] kept the fatal pattern")
			}
		}
	}
	env, _ := c.Env("smp")
	if diff := diffOf(map[string]string{"GUEST": "minios", "SMP": "2"}, env); diff != "" {
		t.Errorf("smp env: %s", diff)
	}
}

// The overlay example of docs/contract.md ("Overlays") loads over a
// proof-manifest and means what its comments say.
func TestDocsOverlayExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/contract.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	at := strings.Index(s, "## Overlays")
	if at < 0 {
		t.Fatal("docs/contract.md has no Overlays section")
	}
	s = s[at:]
	start := strings.Index(s, "```toml\n")
	end := strings.Index(s[start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("no toml example in the Overlays section")
	}
	base := "[meta]\nschema_version = \"1\"\ndefault_profile = \"full\"\n[phase.p]\norder = 1\n[profile.full]\nenv = {}\n" +
		"[marker.\"neuron vers.\"]\nphase = \"p\"\n[marker.\"SELFTEST: end\"]\nphase = \"p\"\n"
	c := load(t, map[string]string{"contract.toml": s[start+8 : start+8+end], "manifest/manifest.toml": base})
	if f := Lint(c); len(f) != 0 {
		t.Errorf("the example has findings: %v", f)
	}
	spec, err := c.Resolve("full")
	if err != nil {
		t.Fatal(err)
	}
	good := []string{
		"neuron vers. 1.0", "init: start", "[INFO init] init: up keystored", "policyd: audit emit FAIL",
		"init: ready", "SELFTEST: end",
	}
	run := func(lines []string) verify.Result {
		return verifyLog(t, spec, []byte(strings.Join(lines, "\n")+"\n"))
	}
	if r := run(good); r.Verdict != verify.Pass || len(r.Warnings) != 0 {
		t.Fatalf("good log: %s %+v warnings %+v", r.Verdict, r.Failure, r.Warnings)
	}
	// Ordered entries out of order: ORDER; an unordered one anywhere is fine.
	swapped := []string{"SELFTEST: end", "init: start", "init: ready", "init: up keystored", "neuron vers. 1.0"}
	if r := run(swapped); r.Verdict != verify.Order || r.Failure.Marker != "init: ready" {
		t.Errorf("swapped: %s %+v", r.Verdict, r.Failure)
	}
	// The metricsd group: not required until a when line appears.
	withTrigger := append([]string{"metricsd: ready"}, good...)
	if r := run(withTrigger); r.Verdict != verify.Missing || r.Failure.Marker != "init: start metricsd" {
		t.Errorf("metricsd started: %s %+v", r.Verdict, r.Failure)
	}
	// A missing entry is MISSING, substring matching as upstream's grep -F.
	if r := run(good[:len(good)-1]); r.Verdict != verify.Missing || r.Failure.Marker != "SELFTEST: end" {
		t.Errorf("cut before SELFTEST: end: %s %+v", r.Verdict, r.Failure)
	}
}
