package contract

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/testcorpus"
	"github.com/taskproof/taskproof/internal/verify"
)

func TestLoadErrorsHavePositions(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // exact error text
	}{
		{
			name:  "toml syntax",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\n[[marker]]\ntext = \"a\n"},
			want:  "contract.toml:4: invalid TOML: strings cannot contain newlines",
		},
		{
			name:  "neither format",
			files: map[string]string{"contract.toml": "[markers]\n"},
			want:  "contract.toml:1: not a marker contract: expected a [contract] table (taskproof format, see docs/contract.md) or a [meta] table with schema_version (proof-manifest)",
		},
		{
			name:  "missing version",
			files: map[string]string{"contract.toml": "# c\n[contract]\nphases = []\n"},
			want:  "contract.toml:2: [contract]: version is missing; expected version = 1",
		},
		{
			name:  "unsupported version",
			files: map[string]string{"contract.toml": "[contract]\nversion = 7\n"},
			want:  "contract.toml:2: [contract]: version 7 is not supported; this taskproof reads version 1",
		},
		{
			name:  "unknown key in a marker",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\n[[marker]]\ntext = \"a\"\n[[marker]]\ntext = \"b\"\nkindd = \"ok\"\n"},
			want:  `contract.toml:7: [[marker]] #2: unknown key "kindd"; expected one of: id, text, match, kind, phase, status, min, max, after, profiles, proves, description`,
		},
		{
			name:  "wrong type",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\n[[marker]]\ntext = \"a\"\nmin = \"two\"\n"},
			want:  "contract.toml:5: [[marker]] #1: min must be an integer, got a string",
		},
		{
			name:  "negative count",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\n[[marker]]\ntext = \"a\"\nmax = -1\n"},
			want:  "contract.toml:5: [[marker]] #1: max must be between 0 and 2147483647, got -1",
		},
		{
			name:  "bad kind",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\n[[marker]]\ntext = \"a\"\nkind = \"good\"\n"},
			want:  `contract.toml:5: [[marker]] #1: kind "good": expected "ok", "ready", "fail", "stub" or "diag"`,
		},
		{
			name:  "bad match",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\nmatch = \"glob\"\n"},
			want:  `contract.toml:3: [contract]: match "glob": expected "exact", "prefix", "regex" or "substring"`,
		},
		{
			name:  "bad regex",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\n[[marker]]\ntext = \"a(\"\nmatch = \"regex\"\n"},
			want:  "contract.toml:4: [[marker]] #1: text is not a valid regular expression: error parsing regexp: missing closing ): `a(`",
		},
		{
			name:  "missing text",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\n\n[[marker]]\nkind = \"ok\"\n"},
			want:  `contract.toml:4: [[marker]] #1: text is missing; expected text = "THE LINE" (the console line, or a regex with match = "regex")`,
		},
		{
			name:  "exact text with surrounding space",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\n[[marker]]\ntext = \" a\"\n"},
			want:  `contract.toml:4: [[marker]] #1: text " a" has surrounding space; lines are matched trimmed, so it could never match`,
		},
		{
			name:  "unanchored log prefix",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\nlog_prefix = '\\[x\\] '\n"},
			want:  `contract.toml:3: [contract]: log_prefix must be anchored at the start of the line; write "^\\[x\\] "`,
		},
		{
			name:  "env value not a string",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\n[profile.smp]\nenv = { SMP = 2 }\n"},
			want:  `contract.toml:4: [profile.smp]: env.SMP must be a string, got an integer (quote it: SMP = "2")`,
		},
		{
			name:  "include that matches nothing",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\ninclude = [\n  \"a/*.toml\",\n  \"b/*.toml\",\n]\n", "a/x.toml": ""},
			want:  `contract.toml:5: include "b/*.toml" matches no file`,
		},
		{
			name:  "include outside the directory",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\ninclude = \"../x.toml\"\n"},
			want:  `contract.toml:3: include "../x.toml" leaves the contract's directory; includes must stay inside it`,
		},
		{
			name:  "error inside an included file names that file",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\ninclude = \"m/*.toml\"\n", "m/a.toml": "[[marker]]\ntext = \"ok\"\n\n[[marker]]\ntext = \"b\"\nphase = 3\n"},
			want:  "m/a.toml:6: [[marker]] #2: phase must be a string, got an integer",
		},
		{
			// The included files are decoded concurrently; the error is
			// still that of the first bad file in include order, after
			// the files before it were read.
			name: "first bad included file in order, among several",
			files: map[string]string{
				"contract.toml": "[contract]\nversion = 1\ninclude = \"m/*.toml\"\n",
				"m/a.toml":      "[[marker]]\ntext = \"a\"\n",
				"m/b.toml":      "[[marker]]\ntext = \"b\"\n\n[[marker]]\ntext = \"c\"\nphase = 3\n",
				"m/c.toml":      "[[marker]]\ntext = \"d\n",
				"m/d.toml":      "[[marker]]\ntext = \"e\"\nkindd = 1\n",
			},
			want: "m/b.toml:6: [[marker]] #2: phase must be a string, got an integer",
		},
		{
			name: "toml syntax in an included file after good ones",
			files: map[string]string{
				"contract.toml": "[contract]\nversion = 1\ninclude = \"m/*.toml\"\n",
				"m/a.toml":      "[[marker]]\ntext = \"a\"\n",
				"m/b.toml":      "[[marker]]\ntext = \"b\"\n",
				"m/c.toml":      "\n[[marker]]\ntext = \"d\n",
				"m/d.toml":      "[[marker]]\ntext = \"e\"\nkindd = 1\n",
			},
			want: "m/c.toml:3: invalid TOML: strings cannot contain newlines",
		},
		{
			name: "a file included twice",
			files: map[string]string{
				"contract.toml": "[contract]\nversion = 1\ninclude = [\"m/*.toml\", \"m/a.toml\"]\n",
				"m/a.toml":      "[[marker]]\ntext = \"a\"\n",
			},
			want: "contract.toml:3: m/a.toml is included twice",
		},
		{
			name:  "contract table in an included file",
			files: map[string]string{"contract.toml": "[contract]\nversion = 1\ninclude = \"m.toml\"\n", "m.toml": "\n[contract]\nversion = 1\n"},
			want:  "m.toml:2: [contract] belongs in the root contract file only; an included file holds [phase.*], [[marker]], [[rule]], [forbid] and [profile.*] tables",
		},
		{
			name:  "manifest v2 without include",
			files: map[string]string{"contract.toml": "[meta]\nschema_version = \"2\"\ndefault_profile = \"full\"\n"},
			want:  `contract.toml:1: schema v2 manifest without [include]; expected [include] phases = "...", markers = "...", profiles = "..."`,
		},
		{
			name:  "manifest v2 root with markers",
			files: map[string]string{"contract.toml": "[meta]\nschema_version = \"2\"\ndefault_profile = \"full\"\n[include]\nmarkers = \"m/*.toml\"\n\n[marker.\"x\"]\nphase = \"a\"\n"},
			want:  "contract.toml:7: [marker.*] tables belong in included files; a schema v2 root holds only [meta] and [include]",
		},
		{
			name:  "manifest unknown marker field",
			files: map[string]string{"contract.toml": "[meta]\nschema_version = \"2\"\ndefault_profile = \"full\"\n[include]\nmarkers = \"m/*.toml\"\n", "m/a.toml": "[marker.\"x ok\"]\nphase = \"a\"\n\n[marker.\"y ok\"]\nphase = \"a\"\nemit = 1\n"},
			want:  `m/a.toml:6: [marker."y ok"]: unknown key "emit"; expected one of: phase, proves, introduced_in, emit_when, emit_when_not, forbidden_when`,
		},
		{
			name:  "manifest file in the wrong category",
			files: map[string]string{"contract.toml": "[meta]\nschema_version = \"2\"\ndefault_profile = \"full\"\n[include]\nphases = \"p.toml\"\n", "p.toml": "[profile.full]\n"},
			want:  `p.toml:1: p.toml: unknown key "profile"; expected one of: phase`,
		},
		{
			name:  "manifest schema version",
			files: map[string]string{"contract.toml": "[meta]\nschema_version = \"3\"\ndefault_profile = \"full\"\n"},
			want:  `contract.toml:2: [meta]: schema_version "3" is not supported; expected "1" or "2"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(mapFS(tt.files), "contract.toml")
			if err == nil {
				t.Fatalf("Load succeeded; want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
			var pe *Error
			if !errors.As(err, &pe) || pe.Line == 0 {
				t.Errorf("error %v carries no line", err)
			}
		})
	}
	if _, err := Load(mapFS(nil), "proof/contract.toml"); err == nil || !strings.Contains(err.Error(), "read contract proof/contract.toml") {
		t.Errorf("missing file: %v", err)
	}
}

func TestFilesAndHash(t *testing.T) {
	files := map[string]string{
		"proof/contract.toml": "[contract]\nversion = 1\ninclude = [\"m/*.toml\"]\n",
		"proof/m/b.toml":      "[[marker]]\ntext = \"b ok\"\n",
		"proof/m/a.toml":      "[[marker]]\ntext = \"a ok\"\n",
		"proof/other.toml":    "not included",
	}
	c, err := Load(mapFS(files), "proof/contract.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"proof/contract.toml", "proof/m/a.toml", "proof/m/b.toml"}
	if diff := diffOf(want, c.Files()); diff != "" {
		t.Errorf("Files: %s", diff)
	}
	// Includes are read in glob order: a before b.
	spec, err := c.Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	if diff := diffOf([]string{"R a ok", "R b ok"}, summary(spec)); diff != "" {
		t.Errorf("order: %s", diff)
	}
	h := c.Hash()
	if !strings.HasPrefix(h, "sha256:") || len(h) != len("sha256:")+64 {
		t.Fatalf("Hash = %q", h)
	}
	again, _ := Load(mapFS(files), "proof/contract.toml")
	if again.Hash() != h {
		t.Errorf("hash not deterministic")
	}
	// An unrelated file does not change it; an included one does, and so
	// does a rename.
	files["proof/other.toml"] = "changed"
	if c2, _ := Load(mapFS(files), "proof/contract.toml"); c2.Hash() != h {
		t.Errorf("unrelated file changed the hash")
	}
	files["proof/m/b.toml"] = "[[marker]]\ntext = \"b ok\"\n# comment\n"
	if c2, _ := Load(mapFS(files), "proof/contract.toml"); c2.Hash() == h {
		t.Errorf("changed include kept the hash")
	}
	delete(files, "proof/m/b.toml")
	files["proof/m/c.toml"] = "[[marker]]\ntext = \"b ok\"\n"
	if c2, _ := Load(mapFS(files), "proof/contract.toml"); c2.Hash() == h {
		t.Errorf("renamed include kept the hash")
	}
}

func TestDeclares(t *testing.T) {
	c := load(t, map[string]string{"contract.toml": `[contract]
version = 1
log_prefix = '^\[[A-Z]+ [^\]]+\] '
[[marker]]
id = "boot"
text = "minios: boot ok"
[[marker]]
text = "value="
match = "prefix"
[[marker]]
text = '^cpu[0-9]+ online$'
match = "regex"
[[marker]]
text = "needle"
match = "substring"
`})
	tests := []struct {
		text string
		want bool
	}{
		{"minios: boot ok", true},
		{"  minios: boot ok  ", true},
		{"[INFO boot] minios: boot ok", true},
		{"boot", true},
		{"minios: boot", false},
		{"value=42", true},
		{"cpu3 online", true},
		{"cpu online", false},
		{"a needle here", true},
		{"", false},
	}
	for _, tt := range tests {
		if got := c.Declares(tt.text); got != tt.want {
			t.Errorf("Declares(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// A small proof-manifest written for the tests, exercising every upstream
// field: gates with single and list profiles, extends, runtime profiles.
var manifestFixture = map[string]string{
	"contract.toml": `[meta]
schema_version = "2"
default_profile = "full"

[include]
phases = "phases.toml"
markers = "markers/*.toml"
profiles = "profiles/*.toml"
`,
	"phases.toml": "[phase.boot]\norder = 1\n\n[phase.end]\norder = 2\n",
	"markers/a.toml": `[marker."kernel: boot ok"]
phase = "boot"
proves = "the kernel booted"

[marker."kernel: banner"]
phase = "boot"
proves = "a banner, not a result"

[marker."svc: ready"]
phase = "boot"
proves = "service up"

[marker."svc: FAIL"]
phase = "boot"

[marker."cpu1: ok"]
phase = "boot"
proves = "second hart"
emit_when = { profile = "smp" }

[marker."remote: ok"]
phase = "end"
proves = "two VMs"
emit_when = { profile = ["os2vm", "os2vm-strict"] }

[marker."tcp fallback"]
phase = "end"
forbidden_when = { profile = "quic" }

[marker."display: ok"]
phase = "end"
proves = "display"
emit_when_not = { profile = "headless" }

[marker."note"]
phase = "end"
`,
	"markers/b.toml": `[marker."end: ok"]
phase = "end"
proves = "ladder finished"
`,
	"profiles/h.toml": `[profile.full]
runner = "run.sh"
env = {}

[profile.headless]
runner = "run.sh"
extends = "full"
env = { DISPLAY = "none" }

[profile.smp]
runner = "run.sh"
extends = "headless"
env = { SMP = "2", REQUIRE_SMP = "1" }

[profile.os2vm]
runner = "run.sh"
extends = "full"
env = { REQUIRE_DSOFTBUS = "1" }

[profile.os2vm-strict]
runner = "run.sh"
extends = "os2vm"

[profile.quic]
runner = "run.sh"
extends = "full"

[profile.quick]
runtime_only = true
phases = ["boot"]
`,
}

func TestManifestResolution(t *testing.T) {
	c := load(t, manifestFixture)
	if c.Format() != FormatManifestV2 {
		t.Fatalf("format %s", c.Format())
	}
	tests := []struct {
		profile string
		want    []string
	}{
		// Nothing is required because of proves or ok wording; a run must
		// print one of the markers the profile allows (the presence rule).
		{"", []string{"A kernel: boot ok", "A kernel: banner", "A svc: ready", "A tcp fallback", "A display: ok", "A note", "A end: ok", "F svc: FAIL", "U cpu1: ok", "U remote: ok", "G any kernel: boot ok,kernel: banner,svc: ready,tcp fallback,display: ok,note,end: ok"}},
		{"headless", []string{"A kernel: boot ok", "A kernel: banner", "A svc: ready", "A tcp fallback", "A note", "A end: ok", "F svc: FAIL", "U cpu1: ok", "U remote: ok", "U display: ok", "G any kernel: boot ok,kernel: banner,svc: ready,tcp fallback,note,end: ok"}},
		// smp extends headless: the headless suppression is inherited; its
		// REQUIRE_SMP gate requires the markers only emitted under smp.
		{"smp", []string{"A kernel: boot ok", "A kernel: banner", "A svc: ready", "R cpu1: ok", "A tcp fallback", "A note", "A end: ok", "F svc: FAIL", "U remote: ok", "U display: ok", "G any kernel: boot ok,kernel: banner,svc: ready,tcp fallback,note,end: ok"}},
		// os2vm-strict inherits os2vm's gate with its env.
		{"os2vm-strict", []string{"A kernel: boot ok", "A kernel: banner", "A svc: ready", "R remote: ok", "A tcp fallback", "A display: ok", "A note", "A end: ok", "F svc: FAIL", "U cpu1: ok", "G any kernel: boot ok,kernel: banner,svc: ready,tcp fallback,display: ok,note,end: ok"}},
		{"quic", []string{"A kernel: boot ok", "A kernel: banner", "A svc: ready", "A display: ok", "A note", "A end: ok", "F svc: FAIL", "F tcp fallback", "U cpu1: ok", "U remote: ok", "G any kernel: boot ok,kernel: banner,svc: ready,display: ok,note,end: ok"}},
		// A runtime profile runs a subset of phases; upstream's verify-uart
		// ignores them, and so do the statuses.
		{"quick", []string{"A kernel: boot ok", "A kernel: banner", "A svc: ready", "A tcp fallback", "A display: ok", "A note", "A end: ok", "F svc: FAIL", "U cpu1: ok", "U remote: ok", "G any kernel: boot ok,kernel: banner,svc: ready,tcp fallback,display: ok,note,end: ok"}},
	}
	for _, tt := range tests {
		spec, err := c.Resolve(tt.profile)
		if err != nil {
			t.Fatalf("Resolve(%q): %v", tt.profile, err)
		}
		if diff := diffOf(tt.want, summary(spec)); diff != "" {
			t.Errorf("Resolve(%q): %s", tt.profile, diff)
		}
		for _, m := range spec.Markers {
			if m.Mode != verify.Substring || len(m.After) != 0 {
				t.Errorf("upstream marker %q: mode %v after %v; want substring and no order", m.ID, m.Mode, m.After)
			}
		}
	}
	quick, _ := c.Resolve("quick")
	if diff := diffOf([]string{"boot"}, quick.Phases); diff != "" {
		t.Errorf("quick phases: %s", diff)
	}
	env, _ := c.Env("smp")
	if diff := diffOf(map[string]string{"DISPLAY": "none", "SMP": "2", "REQUIRE_SMP": "1"}, env); diff != "" {
		t.Errorf("smp env: %s", diff)
	}
	m := c.byID["end: ok"]
	if m.File != "markers/b.toml" || m.Line != 1 {
		t.Errorf("end: ok declared at %s:%d", m.File, m.Line)
	}
	if m := c.byID["display: ok"]; m.Line != 30 {
		t.Errorf("display: ok at line %d, want 30", m.Line)
	}
}

func TestManifestProblems(t *testing.T) {
	files := map[string]string{}
	for k, v := range manifestFixture {
		files[k] = v
	}
	files["markers/b.toml"] = `[marker."end: ok"]
phase = "ending"

[marker."kernel: boot ok"]
phase = "boot"

[marker."x"]
phase = "boot"
emit_when = { profile = "nope" }
`
	files["profiles/h.toml"] += "\n[profile.loop1]\nextends = \"loop2\"\n[profile.loop2]\nextends = \"loop1\"\n"
	c := load(t, files)
	var got []string
	for _, f := range Lint(c) {
		if f.Severity == SeverityError && f.Rule != "substring-overlap" {
			got = append(got, f.String())
		}
	}
	want := []string{
		`markers/b.toml:2: error: marker "end: ok" names unknown phase "ending"; known phases: boot, end [unknown-phase]`,
		`markers/b.toml:4: error: marker literal "kernel: boot ok" is already declared at markers/a.toml:1; each marker is declared once [duplicate-marker]`,
		`markers/b.toml:9: error: marker "x" emit_when names unknown profile "nope"; known profiles: full, headless, loop1, loop2, os2vm, os2vm-strict, quic, quick, smp [unknown-profile]`,
		`profiles/h.toml:32: error: profile "loop1": extends cycle loop1 -> loop2 -> loop1 [extends-cycle]`,
		`profiles/h.toml:34: error: profile "loop2": extends cycle loop2 -> loop1 -> loop2 [extends-cycle]`,
	}
	if diff := diffOf(want, got); diff != "" {
		t.Errorf("findings: %s", diff)
	}
	if _, err := c.Resolve("full"); err == nil || !strings.Contains(err.Error(), "(and 4 more; run 'taskproof contract lint')") {
		t.Errorf("Resolve on a contract with problems: %v", err)
	}
}

func TestUpstreamKind(t *testing.T) {
	tests := map[string]verify.Kind{
		"SELFTEST: vfs read ok":                           verify.KindOK,
		"SELFTEST: vfs FAIL":                              verify.KindFail,
		"SELFTEST: pinched bounded FAIL (status)":         verify.KindFail,
		"statefsd: compaction verify failed":              verify.KindFail,
		"KSELFTEST: spawn reason map-failed ok":           verify.KindOK,
		"samgrd: ready":                                   verify.KindReady,
		"abi-profile: ready (server=policyd|abi-filterd)": verify.KindReady,
		"dbg: phase net skipped":                          verify.KindDiag,
		"neuron vers.":                                    verify.KindDiag,
		"gpu: placeholder ok":                             verify.KindStub,
		"SELFTEST: OK":                                    verify.KindOK,
	}
	for lit, want := range tests {
		if got := upstreamKind(lit); got != want {
			t.Errorf("upstreamKind(%q) = %s, want %s", lit, got, want)
		}
	}
}

// TestUpstreamKindWords checks the word scanner of upstreamKind against
// the regular expressions it stands for, on every literal of the corpus
// manifests and on generated ones: words next to punctuation, digits and
// underscores, case variants, and non-ASCII text.
func TestUpstreamKindWords(t *testing.T) {
	var lits []string
	if dir, ok := testcorpus.Lookup(); ok {
		for _, tree := range []string{"proof-manifest-head"} {
			c, err := Load(os.DirFS(filepath.Join(dir, tree)), "manifest.toml")
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range c.markers {
				lits = append(lits, m.ID)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"ok", "OK", "Ok", "ready", "READY", "fail", "FAIL", "Failed", "FAILED", "FAILURE", "failure",
		"panic", "PANICKED", "stub", "Stubbed", "placeholder", "okay", "x_ok", "ok2", "ſtub", "oK", "vfs", "é",
		"PlaceHolder", "placeholders", "o", "K", "ready_", "panickedpanicked"}
	seps := []string{" ", ":", "_", "-", "(", ")", ".", "", "9", "é"}
	for range 5000 {
		var b strings.Builder
		for range 1 + r.IntN(4) {
			b.WriteString(seps[r.IntN(len(seps))])
			b.WriteString(words[r.IntN(len(words))])
		}
		lits = append(lits, b.String())
	}
	for _, lit := range lits {
		if got, want := upstreamKind(lit), upstreamKindRegexp(lit); got != want {
			t.Errorf("upstreamKind(%q) = %s, the regular expressions say %s", lit, got, want)
		}
	}
}
