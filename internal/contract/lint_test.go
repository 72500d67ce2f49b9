package contract

import (
	"fmt"
	"strings"
	"testing"
)

func TestLintRules(t *testing.T) {
	const head = "[contract]\nversion = 1\n" // lines 1-2
	tests := []struct {
		name string
		src  string
		want []string // "line severity rule", in order
	}{
		{
			name: "clean contract",
			src:  head + "phases = [\"boot\"]\n[[marker]]\ntext = \"boot ok\"\nphase = \"boot\"\n",
			want: nil,
		},
		{
			name: "duplicate id and duplicate text",
			src:  head + "[[marker]]\ntext = \"a ok\"\n[[marker]]\ntext = \"a ok\"\n[[marker]]\nid = \"b\"\ntext = \"x ok\"\n[[marker]]\nid = \"c\"\ntext = \"x ok\"\n",
			want: []string{"5 error duplicate-marker", "10 error duplicate-marker"},
		},
		{
			name: "containment alone is no finding: a line counts as its most specific marker, a failure line as the failure",
			src:  head + "[[marker]]\ntext = \"vfs read\"\nmatch = \"substring\"\n[[marker]]\ntext = \"vfs read FAIL\"\nkind = \"fail\"\n[[marker]]\ntext = \"net ok\"\nmatch = \"substring\"\n[[marker]]\ntext = \"net ok FAIL\"\nkind = \"fail\"\nmatch = \"substring\"\n[[marker]]\ntext = \"init: start\"\nmatch = \"substring\"\n[[marker]]\ntext = \"init: start keystored\"\nmatch = \"substring\"\n[[marker]]\ntext = \"cpu\"\nmatch = \"prefix\"\nkind = \"diag\"\n[[marker]]\ntext = \"cpu1 ok\"\n[[marker]]\ntext = '^cpu[0-9] ok$'\nmatch = \"regex\"\n",
			want: nil,
		},
		{
			name: "a forbidden text inside a required marker: its line always fails",
			src:  head + "[[marker]]\ntext = \"disk: no error ok\"\n[forbid]\n[[forbid.pattern]]\ntext = \"error\"\n",
			want: []string{"6 error substring-overlap"},
		},
		{
			name: "a prefix beats a longer substring marker",
			src:  head + "[[marker]]\ntext = \"cpu\"\nmatch = \"prefix\"\nkind = \"diag\"\n[[marker]]\ntext = \"cpu1 online\"\nmatch = \"substring\"\n[[marker]]\ntext = \"cpu2 online\"\nmatch = \"substring\"\nkind = \"diag\"\n",
			want: []string{"3 error prefix-overlap", "3 warning prefix-overlap"},
		},
		{
			name: "an allowed marker hides an unexpected one",
			src:  head + "[[marker]]\ntext = \"SELFTEST: \"\nmatch = \"prefix\"\nkind = \"diag\"\n[[marker]]\ntext = \"SELFTEST: gpu ok\"\nprofiles = [\"gpu\"]\n[[marker]]\ntext = \"boot ok\"\n[profile.default]\n[profile.gpu]\nextends = \"default\"\n",
			want: []string{"3 warning prefix-overlap"},
		},
		{
			name: "unknown phase, profile and marker references",
			src:  head + "phases = [\"boot\"]\n[phase.late]\norder = \"strict\"\n[[marker]]\ntext = \"a ok\"\nphase = \"boot\"\n[[marker]]\ntext = \"b ok\"\nphase = \"bot\"\nprofiles = [\"smpp\"]\nafter = [\"zzz\"]\n[[rule]]\nif = \"a ok\"\nthen = [\"nope\"]\n[profile.default]\nextends = \"base\"\nrequire = [\"missing\"]\n",
			want: []string{"4 error unknown-phase", "11 error unknown-phase", "12 error unknown-profile", "13 error unknown-marker", "16 error unknown-marker", "18 error unknown-profile", "19 error unknown-marker"},
		},
		{
			name: "extends cycle",
			src:  head + "[[marker]]\ntext = \"a ok\"\n[profile.default]\nextends = \"x\"\n[profile.x]\nextends = \"default\"\n",
			want: []string{"5 error extends-cycle", "7 error extends-cycle"},
		},
		{
			name: "profile lists a marker twice",
			src:  head + "[[marker]]\ntext = \"a ok\"\n[[marker]]\ntext = \"b ok\"\n[profile.default]\nrequire = [\"a ok\"]\nforbid = [\"a ok\"]\n",
			want: []string{"9 error profile-conflict"},
		},
		{
			name: "run-varying content",
			src:  head + "[[marker]]\ntext = \"heap at 0x803db000 ok\"\n[[marker]]\ntext = \"id 123e4567-e89b-12d3-a456-426614174000 ok\"\n[[marker]]\ntext = \"boot 12:04:33 ok\"\n[[marker]]\ntext = \"[    1.234567] ok\"\n[[marker]]\ntext = \"count 123456 ok\"\n[[marker]]\ntext = '^heap at 0x[0-9a-f]+ ok$'\nmatch = \"regex\"\n",
			want: []string{"3 error run-varying", "5 error run-varying", "7 error run-varying", "9 error run-varying", "11 warning run-varying"},
		},
		{
			name: "empty required set",
			src:  head + "[[marker]]\ntext = \"note\"\nkind = \"diag\"\n[profile.default]\n[profile.more]\nrequire = [\"note\"]\n",
			want: []string{"6 error empty-required"},
		},
		{
			name: "stub claims",
			src:  head + "[[marker]]\ntext = \"gpu: stub path ok\"\n[[marker]]\ntext = \"net placeholder ready\"\nkind = \"ready\"\n[[marker]]\ntext = \"blk: stub ok\"\nkind = \"stub\"\n[[marker]]\ntext = \"fs: stub, not implemented\"\nkind = \"stub\"\n[[marker]]\ntext = \"x FAIL\"\n",
			want: []string{"3 error stub-as-ok", "5 error stub-as-ok", "8 error stub-says-ok", "14 error fail-as-ok"},
		},
		{
			name: "order cycle",
			src:  head + "[[marker]]\ntext = \"a\"\nafter = [\"b\"]\n[[marker]]\ntext = \"b\"\nafter = [\"a\"]\n",
			want: []string{"3 error order-cycle"},
		},
		{
			name: "order problems are findings per profile",
			src:  head + "[[marker]]\ntext = \"a\"\n[[marker]]\ntext = \"c\"\nafter = [\"d FAIL\"]\n[[marker]]\ntext = \"d FAIL\"\nkind = \"fail\"\n[profile.default]\n[profile.other]\nallow = [\"d FAIL\"]\n[profile.third]\n",
			want: []string{"7 error order-unsatisfiable", "7 error order-unsatisfiable"},
		},
		{
			name: "empty phase and unknown default",
			src:  head + "phases = [\"boot\", \"idle\"]\n[[marker]]\ntext = \"a ok\"\nphase = \"boot\"\n[forbid]\ndrop_defaults = [\"panics\"]\n",
			want: []string{"3 warning empty-phase", "8 error unknown-default"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, map[string]string{"contract.toml": tt.src})
			var got []string
			for _, f := range Lint(c) {
				if f.File != "contract.toml" || f.Message == "" {
					t.Errorf("finding without position or message: %+v", f)
				}
				got = append(got, fmt.Sprintf("%d %s %s", f.Line, f.Severity, f.Rule))
			}
			if diff := diffOf(tt.want, got); diff != "" {
				var all []string
				for _, f := range Lint(c) {
					all = append(all, f.String())
				}
				t.Errorf("%s\nfindings:\n%s", diff, strings.Join(all, "\n"))
			}
		})
	}
}

func TestLintRulesDocumented(t *testing.T) {
	// Every rule a finding can carry is listed in LintRules (the docs table).
	known := map[string]bool{}
	for _, r := range LintRules {
		known[r.Rule] = true
	}
	src := map[string]string{"contract.toml": "[contract]\nversion = 1\nphases = [\"p\"]\n[[marker]]\ntext = \"x\"\nmatch = \"substring\"\nphase = \"q\"\n[[marker]]\ntext = \"x 0xdeadbeef\"\n"}
	for _, f := range Lint(load(t, src)) {
		if !known[f.Rule] {
			t.Errorf("rule %q is not in LintRules", f.Rule)
		}
	}
}
