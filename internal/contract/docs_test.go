package contract

import (
	"os"
	"strings"
	"testing"
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
