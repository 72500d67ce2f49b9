package evidence

import (
	"reflect"
	"strings"
	"testing"
)

func TestStaleness(t *testing.T) {
	p := samplePredicate()
	fresh := Current{Commit: p.Commit, ContractHash: p.ContractHash, AllowlistHash: p.AllowlistHash, StopConditionsHash: p.StopConditionsHash}
	newAllow := HashAllowlistedContent([]File{{Name: "src/boot.s", Data: []byte("hlt\n")}})
	tests := []struct {
		name string
		edit func(*Current)
		want []string
	}{
		{"fresh", func(*Current) {}, nil},
		{"content only ignores commit", func(c *Current) { c.Commit = "" }, nil},
		{"other commit", func(c *Current) { c.Commit = commitB }, []string{
			"the evidence is for commit 0123456789ab…, not the current commit 89abcdef0123…"}},
		{"allowlist", func(c *Current) { c.AllowlistHash = newAllow }, []string{
			"allowlisted paths changed since the evidence (hash " + short(p.AllowlistHash) + " → " + short(newAllow) + ")"}},
		{"contract", func(c *Current) { c.ContractHash = HashText("contract v2") }, []string{
			"the contract changed since the evidence (hash " + short(p.ContractHash) + " → " + short(HashText("contract v2")) + ")"}},
		{"contract removed", func(c *Current) { c.ContractHash = "" }, []string{
			"the contract changed since the evidence (hash " + short(p.ContractHash) + " → (none))"}},
		{"stop conditions", func(c *Current) { c.StopConditionsHash = HashText("- new condition") }, []string{
			"the task's Stop conditions changed since the evidence (hash " + short(p.StopConditionsHash) + " → " + short(HashText("- new condition")) + ")"}},
		{"everything", func(c *Current) {
			*c = Current{Commit: commitB, ContractHash: "sha256:00", AllowlistHash: "sha256:11", StopConditionsHash: "sha256:22"}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fresh
			tt.edit(&c)
			got := Staleness(p, c)
			if tt.name == "everything" {
				if len(got) != 4 {
					t.Fatalf("got %d reasons, want 4: %q", len(got), got)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
	if !strings.HasPrefix(short(p.AllowlistHash), "sha256:") || !strings.HasSuffix(short(p.AllowlistHash), "…") || len(short(p.AllowlistHash)) != len("sha256:")+12+len("…") {
		t.Errorf("short(%s) = %s", p.AllowlistHash, short(p.AllowlistHash))
	}
}

func TestHashAllowlistedContent(t *testing.T) {
	a := []File{{Name: "b.rs", Data: []byte("fn b() {}\n")}, {Name: "a.rs", Data: []byte("fn a() {}\n")}}
	b := []File{a[1], a[0]}
	if HashAllowlistedContent(a) != HashAllowlistedContent(b) {
		t.Error("order changes the hash")
	}
	if a[0].Name != "b.rs" {
		t.Error("input slice was reordered")
	}
	// Framing: moving bytes between name and content, or between files,
	// changes the hash.
	pairs := [][2][]File{
		{{{Name: "ab", Data: []byte("c")}}, {{Name: "a", Data: []byte("bc")}}},
		{{{Name: "a", Data: []byte("xy")}, {Name: "b", Data: nil}}, {{Name: "a", Data: []byte("x")}, {Name: "b", Data: []byte("y")}}},
		{{{Name: "a", Data: nil}}, nil},
	}
	for i, p := range pairs {
		if HashAllowlistedContent(p[0]) == HashAllowlistedContent(p[1]) {
			t.Errorf("pair %d collides", i)
		}
	}
	// Empty set: SHA-256 of nothing.
	if got := HashAllowlistedContent(nil); got != "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("empty = %s", got)
	}
}

func TestHashText(t *testing.T) {
	base := HashText("- prints boot: ok\n- exits 0\n")
	for _, same := range []string{"- prints boot: ok\r\n- exits 0\r\n", "- prints boot: ok  \n- exits 0\t\n\n\n", "- prints boot: ok\n- exits 0"} {
		if HashText(same) != base {
			t.Errorf("HashText(%q) differs from the base text", same)
		}
	}
	for _, other := range []string{"- prints boot: OK\n- exits 0\n", "- prints boot: ok\n\n- exits 0\n", "  - prints boot: ok\n- exits 0\n"} {
		if HashText(other) == base {
			t.Errorf("HashText(%q) equals the base text", other)
		}
	}
	if HashText("") != "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("HashText(\"\") = %s", HashText(""))
	}
}
