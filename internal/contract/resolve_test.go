package contract

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/taskproof/taskproof/internal/verify"
)

// load builds a contract from in-memory files; the root is contract.toml.
func load(t *testing.T, files map[string]string) *Contract {
	t.Helper()
	c, err := Load(mapFS(files), "contract.toml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// summary renders a spec compactly: one line per marker, "R" required,
// "A" allowed, "F" forbidden (defaults left out), "U" unexpected, with
// counts and After edges.
func summary(s *verify.Spec) []string {
	var out []string
	for _, m := range s.Markers {
		tag := "A"
		if m.Required {
			tag = "R"
		}
		line := tag + " " + m.ID
		if m.Min > 1 || m.Max > 0 {
			line += " count=" + itoa(m.Min) + ".." + itoa(m.Max)
		}
		if len(m.After) > 0 {
			line += " after=" + strings.Join(m.After, ",")
		}
		out = append(out, line)
	}
	for _, m := range s.Forbidden {
		if !strings.HasPrefix(m.ID, "default:") {
			out = append(out, "F "+m.ID)
		}
	}
	for _, m := range s.Unexpected {
		out = append(out, "U "+m.ID)
	}
	for _, g := range s.Groups {
		kind := "all"
		if g.AnyOf {
			kind = "any"
		}
		line := "G " + kind + " " + strings.Join(g.Members, ",")
		if len(g.Triggers) > 0 {
			line += " when=" + strings.Join(g.Triggers, ",")
		}
		out = append(out, line)
	}
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func TestResolveNative(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		profile string
		want    []string
	}{
		{
			name: "kind decides the default status",
			src: `
[contract]
version = 1
[[marker]]
text = "a ok"
[[marker]]
text = "b ready"
kind = "ready"
[[marker]]
text = "c note"
kind = "diag"
[[marker]]
text = "d not implemented yet"
kind = "stub"
[[marker]]
text = "e FAIL"
kind = "fail"
`,
			want: []string{"R a ok", "R b ready", "A c note", "A d not implemented yet", "F e FAIL"},
		},
		{
			name: "status overrides the kind",
			src: `
[contract]
version = 1
[[marker]]
text = "a ok"
[[marker]]
text = "b ok"
status = "allowed"
[[marker]]
text = "c FAIL expected here"
kind = "fail"
status = "allowed"
[[marker]]
text = "d stub"
kind = "stub"
status = "required"
`,
			want: []string{"R a ok", "A b ok", "A c FAIL expected here", "R d stub"},
		},
		{
			name: "unordered phases: every marker of a phase follows all of the previous one",
			src: `
[contract]
version = 1
phases = ["boot", "svc", "end"]
[[marker]]
text = "b1"
phase = "boot"
[[marker]]
text = "b2"
phase = "boot"
[[marker]]
text = "s1"
phase = "svc"
[[marker]]
text = "s2"
phase = "svc"
[[marker]]
text = "note"
phase = "svc"
kind = "diag"
[[marker]]
text = "done"
phase = "end"
`,
			want: []string{"R b1", "R b2", "R s1 after=b1,b2", "R s2 after=b1,b2", "A note", "R done after=s1,s2"},
		},
		{
			name: "strict phase is a chain of immediate predecessors",
			src: `
[contract]
version = 1
phases = ["boot", "svc"]
[phase.boot]
order = "strict"
[[marker]]
text = "b1"
phase = "boot"
[[marker]]
text = "b2"
phase = "boot"
[[marker]]
text = "b3"
phase = "boot"
[[marker]]
text = "s1"
phase = "svc"
[[marker]]
text = "s2"
phase = "svc"
`,
			want: []string{"R b1", "R b2 after=b1", "R b3 after=b2", "R s1 after=b3", "R s2 after=b3"},
		},
		{
			name: "an empty phase is skipped: the next phase follows the last non-empty one",
			src: `
[contract]
version = 1
phases = ["a", "b", "c"]
[phase.c]
order = "strict"
[[marker]]
text = "a1"
phase = "a"
[[marker]]
text = "b-note"
phase = "b"
kind = "diag"
[[marker]]
text = "c1"
phase = "c"
[[marker]]
text = "c2"
phase = "c"
`,
			want: []string{"R a1", "A b-note", "R c1 after=a1", "R c2 after=c1"},
		},
		{
			name: "phase_order none keeps phases as groups only",
			src: `
[contract]
version = 1
phases = ["a", "b"]
phase_order = "none"
[[marker]]
text = "a1"
phase = "a"
[[marker]]
text = "b1"
phase = "b"
`,
			want: []string{"R a1", "R b1"},
		},
		{
			name: "explicit after inside a phase makes the later marker the phase's sink",
			src: `
[contract]
version = 1
phases = ["a", "b"]
[[marker]]
id = "x"
text = "a x"
phase = "a"
[[marker]]
id = "y"
text = "a y"
phase = "a"
after = ["x"]
[[marker]]
text = "b1"
phase = "b"
`,
			want: []string{"R x", "R y after=x", "R b1 after=y"},
		},
		{
			name: "implication rule: if X appears, Y must have appeared before it",
			src: `
[contract]
version = 1
[[marker]]
text = "ui surface ok"
[[marker]]
text = "ui present ok"
kind = "ok"
status = "allowed"
[[rule]]
if = "ui present ok"
then = ["ui surface ok"]
`,
			want: []string{"R ui surface ok", "A ui present ok after=ui surface ok"},
		},
		{
			name: "a rule whose antecedent cannot appear in the profile is moot",
			src: `
[contract]
version = 1
[[marker]]
text = "base ok"
[[marker]]
text = "gpu ok"
profiles = ["gpu"]
[[marker]]
text = "gpu surface ok"
profiles = ["gpu"]
[[rule]]
if = "gpu ok"
then = ["gpu surface ok"]
[profile.default]
[profile.gpu]
extends = "default"
`,
			want: []string{"R base ok", "U gpu ok", "U gpu surface ok"},
		},
		{
			name:    "marker profiles: member profiles and their descendants",
			profile: "smp4",
			src: `
[contract]
version = 1
[[marker]]
text = "boot ok"
[[marker]]
text = "cpu1 online ok"
profiles = ["smp"]
[[marker]]
text = "remote ok"
profiles = ["os2vm"]
[profile.default]
[profile.smp]
extends = "default"
[profile.smp4]
extends = "smp"
[profile.os2vm]
extends = "default"
`,
			want: []string{"R boot ok", "R cpu1 online ok", "U remote ok"},
		},
		{
			name:    "extends inherits require/allow/forbid/remove and a child can undo them",
			profile: "child",
			src: `
[contract]
version = 1
[[marker]]
text = "a ok"
[[marker]]
text = "b ok"
[[marker]]
text = "c note"
kind = "diag"
[[marker]]
text = "d ok"
[[marker]]
text = "e ok"
[profile.parent]
allow = ["a ok"]
forbid = ["c note"]
remove = ["d ok", "e ok"]
[profile.child]
extends = "parent"
require = ["e ok"]
`,
			want: []string{"A a ok", "R b ok", "R e ok", "F c note", "U d ok"},
		},
		{
			name:    "parent profile is unaffected by the child's edits",
			profile: "parent",
			src: `
[contract]
version = 1
default_profile = "parent"
[[marker]]
text = "a ok"
[[marker]]
text = "e ok"
[profile.parent]
remove = ["e ok"]
[profile.child]
extends = "parent"
require = ["e ok"]
`,
			want: []string{"R a ok", "U e ok"},
		},
		{
			name: "counts: min and max carry over; a required marker needs at least one",
			src: `
[contract]
version = 1
[[marker]]
text = "tick"
min = 3
[[marker]]
text = "once ok"
max = 1
[[marker]]
text = "note"
kind = "diag"
min = 2
max = 5
`,
			want: []string{"R tick count=3..0", "R once ok count=1..1", "A note count=0..5"},
		},
		{
			name: "ids: references use the id, defaulting to the text",
			src: `
[contract]
version = 1
[[marker]]
id = "boot"
text = "minios: boot ok"
[[marker]]
text = "minios: done ok"
after = ["boot"]
`,
			want: []string{"R boot", "R minios: done ok after=boot"},
		},
		{
			name: "forbidden patterns and included files",
			src: `
[contract]
version = 1
include = ["more/*.toml"]
[[marker]]
text = "root ok"
[forbid]
[[forbid.pattern]]
id = "assert"
text = "ASSERTION FAILED"
`,
			want: []string{"R root ok", "R inc ok", "F assert"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"contract.toml": tt.src, "more/a.toml": "[[marker]]\ntext = \"inc ok\"\n"}
			c := load(t, files)
			spec, err := c.Resolve(tt.profile)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if diff := diffOf(tt.want, summary(spec)); diff != "" {
				t.Errorf("resolved spec (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveEnv(t *testing.T) {
	c := load(t, map[string]string{"contract.toml": `
[contract]
version = 1
default_profile = "base"
[[marker]]
text = "a ok"
[profile.base]
env = { A = "1", B = "base" }
[profile.mid]
extends = "base"
env = { B = "mid", C = "mid" }
[profile.leaf]
extends = "mid"
env = { C = "leaf" }
`})
	tests := []struct {
		profile string
		want    map[string]string
	}{
		{"", map[string]string{"A": "1", "B": "base"}},
		{"base", map[string]string{"A": "1", "B": "base"}},
		{"mid", map[string]string{"A": "1", "B": "mid", "C": "mid"}},
		{"leaf", map[string]string{"A": "1", "B": "mid", "C": "leaf"}},
	}
	for _, tt := range tests {
		got, err := c.Env(tt.profile)
		if err != nil {
			t.Fatalf("Env(%q): %v", tt.profile, err)
		}
		if diff := diffOf(tt.want, got); diff != "" {
			t.Errorf("Env(%q) (-want +got):\n%s", tt.profile, diff)
		}
	}
	if _, err := c.Env("nope"); err == nil || !strings.Contains(err.Error(), "known profiles: base, leaf, mid") {
		t.Errorf("Env(nope) = %v, want an error listing the known profiles", err)
	}
}

func TestDefaultForbidden(t *testing.T) {
	base := "[contract]\nversion = 1\n[[marker]]\ntext = \"a ok\"\n"
	ids := func(s *verify.Spec) []string {
		var out []string
		for _, m := range s.Forbidden {
			out = append(out, m.ID)
		}
		return out
	}
	all := []string{"default:panic", "default:PANIC", "default:kernel-panic", "default:panicked-at", "default:fatal"}
	tests := []struct {
		name, extra string
		want        []string
	}{
		{"all defaults apply", "", all},
		{"drop one by id", "[forbid]\ndrop_defaults = [\"panic\"]\n", all[1:]},
		{"drop one by full id", "[forbid]\ndrop_defaults = [\"default:fatal\"]\n", all[:4]},
		{"drop all", "[forbid]\ndrop_defaults = [\"*\"]\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, map[string]string{"contract.toml": base + tt.extra})
			spec, err := c.Resolve("")
			if err != nil {
				t.Fatal(err)
			}
			if diff := diffOf(tt.want, ids(spec)); diff != "" {
				t.Errorf("forbidden (-want +got):\n%s", diff)
			}
		})
	}
}

// The default patterns must catch the panic lines they document and leave
// ordinary success lines alone.
func TestDefaultForbiddenPatterns(t *testing.T) {
	hit := []string{
		"panic: runtime error: index out of range [3] with length 3",
		"Kernel panic - not syncing: VFS: Unable to mount root fs",
		"KERNEL PANIC at kernel/src/trap.rs:88",
		"[PANIC] double fault",
		"thread 'main' panicked at src/main.rs:4:5:",
		"panicked at 'assertion failed', src/lib.rs:10:1",
		"[FATAL] out of memory",
		"[FATAL kernel] boom",
	}
	miss := []string{
		"SELFTEST: panic handler installed ok",
		"panic_handler: ready",
		"no-panic mode ok",
		"[INFO boot] boot: ok",
		"KSELFTEST: spawn reason map-failed ok",
		"fatalism ok",
	}
	match := func(line string) string {
		for _, m := range DefaultForbidden() {
			if m.Pattern.MatchString(line) {
				return m.ID
			}
		}
		return ""
	}
	for _, l := range hit {
		if match(l) == "" {
			t.Errorf("no default forbidden pattern matches %q", l)
		}
	}
	for _, l := range miss {
		if id := match(l); id != "" {
			t.Errorf("%s matches the benign line %q", id, l)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		name, src, profile string
		want               string // substring of the error
	}{
		{
			name:    "unknown profile lists the known ones",
			src:     "[contract]\nversion = 1\n[[marker]]\ntext = \"a ok\"\n[profile.x]\n[profile.y]\n",
			profile: "z",
			want:    `unknown profile "z"; known profiles: x, y`,
		},
		{
			name: "no default profile among several",
			src:  "[contract]\nversion = 1\n[[marker]]\ntext = \"a ok\"\n[profile.x]\n[profile.y]\n",
			want: "no default profile; pass a profile (known: x, y)",
		},
		{
			name: "nothing required",
			src:  "[contract]\nversion = 1\n[[marker]]\ntext = \"a note\"\nkind = \"diag\"\n",
			want: "contract.toml:1: profile \"default\" requires no marker: nothing to prove",
		},
		{
			name: "extends cycle is an error, not a stack overflow",
			src:  "[contract]\nversion = 1\ndefault_profile = \"a\"\n[[marker]]\ntext = \"x ok\"\n[profile.a]\nextends = \"b\"\n[profile.b]\nextends = \"a\"\n",
			want: "extends cycle",
		},
		{
			name: "self extends",
			src:  "[contract]\nversion = 1\n[[marker]]\ntext = \"x ok\"\n[profile.default]\nextends = \"default\"\n",
			want: "extends cycle default -> default",
		},
		{
			name: "order cycle through after",
			src:  "[contract]\nversion = 1\n[[marker]]\ntext = \"a\"\nafter = [\"b\"]\n[[marker]]\ntext = \"b\"\nafter = [\"a\"]\n",
			want: "order cycle in profile \"default\": a after b after a",
		},
		{
			name: "explicit after against phase order",
			src:  "[contract]\nversion = 1\nphases = [\"one\", \"two\"]\n[[marker]]\ntext = \"a\"\nphase = \"one\"\nafter = [\"b\"]\n[[marker]]\ntext = \"b\"\nphase = \"two\"\n",
			want: "order cycle",
		},
		{
			name: "after a marker that is forbidden in the profile",
			src:  "[contract]\nversion = 1\n[[marker]]\ntext = \"a\"\nafter = [\"b FAIL\"]\n[[marker]]\ntext = \"b FAIL\"\nkind = \"fail\"\n",
			want: `contract.toml:5: after: "a" must come after "b FAIL", but "b FAIL" is forbidden in profile "default"`,
		},
		{
			name: "unknown marker reference blocks resolution with its position",
			src:  "[contract]\nversion = 1\n[[marker]]\ntext = \"a\"\n[profile.default]\nrequire = [\n  \"a\",\n  \"nope\",\n]\n",
			want: `contract.toml:8: profile "default" require names unknown marker "nope"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, map[string]string{"contract.toml": tt.src})
			_, err := c.Resolve(tt.profile)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Resolve error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	c := load(t, map[string]string{"contract.toml": "[contract]\nversion = 1\n[[marker]]\ntext = \"a note\"\nkind = \"diag\"\n"})
	if _, err := c.Resolve(""); !errors.Is(err, ErrNothingRequired) {
		t.Errorf("empty required: error %v does not say %q", err, ErrNothingRequired)
	}
	if spec, err := c.Resolution(""); err != nil || len(spec.Markers) != 1 {
		t.Errorf("Resolution of an empty-required profile = %v, %v; want the spec for listing", spec, err)
	}
}

func TestSpecCarriesSourcesAndModes(t *testing.T) {
	c := load(t, map[string]string{"contract.toml": `[contract]
version = 1
log_prefix = '^\[[A-Z]+ [^\]]+\] '
match = "prefix"
max_line_bytes = 4096

[[marker]]
text = "value="
phase = ""

[[marker]]
text = '^cpu[0-9]+ online$'
match = "regex"
kind = "diag"
`})
	spec, err := c.Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	if spec.LogPrefix == nil || spec.LogPrefix.String() != `^\[[A-Z]+ [^\]]+\] ` || spec.MaxLineBytes != 4096 {
		t.Errorf("log prefix %v, max line %d", spec.LogPrefix, spec.MaxLineBytes)
	}
	m0, m1 := spec.Markers[0], spec.Markers[1]
	if m0.Mode != verify.Prefix || m0.Source != "contract.toml" || m0.Line != 7 {
		t.Errorf("marker 0 = %+v", m0)
	}
	if m1.Mode != verify.Regex || m1.Pattern == nil || !m1.Pattern.MatchString("cpu12 online") || m1.Line != 11 {
		t.Errorf("marker 1 = %+v", m1)
	}
}

// diffOf returns "" when want and got are deeply equal, else both values
// one item a line.
func diffOf(want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return fmt.Sprintf("want:\n%s\ngot:\n%s", lines(want), lines(got))
}

func lines(v any) string {
	switch x := v.(type) {
	case []string:
		return "  " + strings.Join(x, "\n  ")
	}
	return fmt.Sprintf("  %#v", v)
}

// upperCase must agree with its definition by case mapping, which it
// shortcuts for ASCII.
func TestUpperCase(t *testing.T) {
	for _, s := range []string{"SELFTEST", "KSELFTEST", "selftest", "SelfTest", "X86", "86", "", "_", "A_B-C", "ÉTAT", "état", "ÉTAt", "Σ", "ß", "ǅ", "A\xffB", "a\xff"} {
		want := strings.ToUpper(s) == s && strings.ToLower(s) != s
		if got := upperCase(s); got != want {
			t.Errorf("upperCase(%q) = %v, want %v", s, got, want)
		}
	}
}
