package verify

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/testcorpus"
)

// req is a required exact ok marker.
func req(text string, after ...string) Marker {
	return Marker{Text: text, Mode: Exact, Kind: KindOK, Required: true, After: after}
}

func allowed(text string) Marker { return Marker{Text: text, Mode: Exact, Kind: KindDiag} }

func failMarker(text string) Marker { return Marker{Text: text, Mode: Exact, Kind: KindFail} }

func panicPattern(text string) Marker { return Marker{Text: text, Mode: Substring} }

func mustNew(t testing.TB, spec *Spec, opts Options) *Verifier {
	t.Helper()
	v, err := New(spec, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v
}

// verifyString writes input in one call and finishes with end.
func verifyString(t testing.TB, spec *Spec, input string, end End) Result {
	t.Helper()
	v := mustNew(t, spec, Options{})
	if _, err := v.Write([]byte(input)); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return v.Finish(end)
}

// verifyChunks writes data split at the given cut points.
func verifyChunks(t testing.TB, spec *Spec, opts Options, data []byte, cuts []int, end End) Result {
	t.Helper()
	v := mustNew(t, spec, opts)
	prev := 0
	for _, c := range cuts {
		if _, err := v.Write(data[prev:c]); err != nil {
			t.Fatalf("Write: %v", err)
		}
		prev = c
	}
	if _, err := v.Write(data[prev:]); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return v.Finish(end)
}

func ladder() *Spec {
	return &Spec{
		Phases: []string{"boot", "selftest", "end"},
		Markers: []Marker{
			{Text: "boot ok", Mode: Exact, Kind: KindOK, Phase: "boot", Required: true},
			{Text: "ipc ok", Mode: Exact, Kind: KindOK, Phase: "selftest", Required: true, After: []string{"boot ok"}},
			{Text: "vfs ok", Mode: Exact, Kind: KindOK, Phase: "selftest", Required: true, After: []string{"ipc ok"}},
			{Text: "net stub", Mode: Exact, Kind: KindStub, Phase: "selftest"},
			{Text: "tick", Mode: Exact, Kind: KindDiag, Max: 2},
			{Text: "SELFTEST: end", Mode: Exact, Kind: KindOK, Phase: "end", Required: true, After: []string{"vfs ok"}},
		},
		Forbidden: []Marker{
			{Text: "vfs FAIL", Mode: Exact, Kind: KindFail, Phase: "selftest"},
			{Text: "panicked at", Mode: Substring},
			{Text: "Kernel panic", Mode: Substring},
		},
		Unexpected: []Marker{
			{Text: "gpu ok", Mode: Exact, Kind: KindOK, Phase: "display"},
		},
	}
}

func TestVerdictTable(t *testing.T) {
	const full = "noise\nboot ok\nipc ok\nvfs ok\nSELFTEST: end\n"
	startErr := errors.New("exec: \"qemu\": executable file not found in $PATH")
	tests := []struct {
		name    string
		input   string
		end     End
		verdict Verdict
		marker  string
		phase   string
		line    int
	}{
		{name: "pass", input: full, verdict: Pass},
		{name: "pass exited 0", input: full, end: End{Exited: true}, verdict: Pass},
		{name: "pass then crash: verdict was known", input: full, end: End{Exited: true, ExitCode: 139, Signal: "SIGSEGV"}, verdict: Pass},
		{name: "pass then timeout", input: full, end: End{TimedOut: true}, verdict: Pass},
		{name: "row 1 beats row 2", input: "Kernel panic\n", end: End{StartErr: startErr}, verdict: Forbidden, marker: "Kernel panic", phase: "boot", line: 1},
		{name: "infra", input: "", end: End{StartErr: startErr}, verdict: Infra},
		{name: "timeout", input: "boot ok\nipc ok\n", end: End{TimedOut: true}, verdict: Timeout, marker: "vfs ok", phase: "selftest"},
		{name: "timeout beats crash and no output", input: "", end: End{TimedOut: true, Signal: "SIGKILL"}, verdict: Timeout, marker: "boot ok", phase: "boot"},
		{name: "crash by signal", input: "boot ok\n", end: End{Signal: "SIGSEGV", ExitCode: -1}, verdict: Crash, marker: "ipc ok", phase: "selftest"},
		{name: "crash by exit code", input: "boot ok\nipc ok\n", end: End{Exited: true, ExitCode: 1}, verdict: Crash, marker: "vfs ok", phase: "selftest"},
		{name: "crash without output", input: "", end: End{Exited: true, ExitCode: 2}, verdict: Crash, marker: "boot ok"},
		{name: "isa-debug-exit code not declared ok", input: "boot ok\n", end: End{Exited: true, ExitCode: 33}, verdict: Crash},
		{name: "isa-debug-exit code declared ok", input: "boot ok\n", end: End{Exited: true, ExitCode: 33, OKExitCodes: []int{33}}, verdict: Missing, marker: "ipc ok", phase: "selftest"},
		{name: "exit 0 but ok codes exclude it", input: "boot ok\n", end: End{Exited: true, OKExitCodes: []int{33}}, verdict: Crash},
		{name: "no output: empty stream", input: "", verdict: NoOutput, marker: "boot ok", phase: "boot"},
		{name: "no output: exited 0", input: "", end: End{Exited: true}, verdict: NoOutput},
		{name: "no output: blanks and escapes only", input: "\r\n  \t\n\x1b[2J\x1b[0m\n\x00\x00\n", verdict: NoOutput},
		{name: "missing after normal exit", input: "boot ok\nipc ok\n", end: End{Exited: true}, verdict: Missing, marker: "vfs ok", phase: "selftest"},
		{name: "missing: earliest phase first", input: "ipc ok\n", verdict: Missing, marker: "boot ok", phase: "boot", line: 1},
		{name: "missing predecessor named when its successor appears", input: "boot ok\nvfs ok\nSELFTEST: end\n", verdict: Missing, marker: "ipc ok", phase: "selftest", line: 2},
		{name: "missing names first phase with a gap", input: "boot ok\nipc ok\nvfs ok\n", verdict: Missing, marker: "SELFTEST: end", phase: "end"},
		{name: "missing of a log file", input: "just noise\n", verdict: Missing, marker: "boot ok", phase: "boot"},
		{name: "order", input: "boot ok\nvfs ok\nipc ok\n", verdict: Order, marker: "vfs ok", phase: "selftest", line: 2},
		{name: "count over max", input: "tick\nboot ok\ntick\ntick\n", verdict: Count, marker: "tick", phase: "boot", line: 4},
		{name: "count over max during drain", input: full + "tick\ntick\ntick\n", verdict: Count, marker: "tick", line: 8},
		{name: "forbidden fail marker", input: "boot ok\nipc ok\nvfs FAIL\nvfs ok\nSELFTEST: end\n", verdict: Forbidden, marker: "vfs FAIL", phase: "selftest", line: 3},
		{name: "forbidden panic in the phase of the last marker", input: "boot ok\nthread 'main' panicked at src/lib.rs:1:1\n", verdict: Forbidden, marker: "panicked at", phase: "boot", line: 2},
		{name: "forbidden panic before any marker: the current phase", input: "thread 'main' panicked at src/lib.rs:1:1\n", verdict: Forbidden, marker: "panicked at", phase: "boot", line: 1},
		{name: "forbidden panic after selftest output", input: "boot ok\nipc ok\nKernel panic\n", verdict: Forbidden, marker: "Kernel panic", phase: "selftest", line: 3},
		{name: "forbidden during drain", input: full + "Kernel panic - not syncing\n", verdict: Forbidden, marker: "Kernel panic", line: 6},
		{name: "unexpected", input: "boot ok\ngpu ok\n", verdict: Unexpected, marker: "gpu ok", phase: "display", line: 2},
		{name: "first definite failure wins", input: "boot ok\ngpu ok\nKernel panic\n", verdict: Unexpected, marker: "gpu ok", line: 2},
		{name: "stub marker is allowed, not required", input: "boot ok\nipc ok\nnet stub\nvfs ok\nSELFTEST: end\n", verdict: Pass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := verifyString(t, ladder(), tc.input, tc.end)
			if r.Verdict != tc.verdict {
				t.Fatalf("verdict %s, want %s (failure %+v)", r.Verdict, tc.verdict, r.Failure)
			}
			if tc.verdict == Pass {
				if r.Failure != nil || r.Found != r.Required || r.Required != 4 {
					t.Fatalf("pass with failure %+v, found %d/%d", r.Failure, r.Found, r.Required)
				}
				return
			}
			f := r.Failure
			if f == nil || f.Kind != tc.verdict || f.Message == "" {
				t.Fatalf("failure %+v", f)
			}
			if tc.marker != "" && f.Marker != tc.marker {
				t.Errorf("marker %q, want %q", f.Marker, tc.marker)
			}
			if tc.phase != "" && f.Phase != tc.phase {
				t.Errorf("phase %q, want %q", f.Phase, tc.phase)
			}
			if f.Line != tc.line {
				t.Errorf("line %d, want %d", f.Line, tc.line)
			}
		})
	}
}

func TestCountBelowMin(t *testing.T) {
	spec := &Spec{Markers: []Marker{
		{Text: "cpu online", Mode: Exact, Required: true, Min: 2},
		req("done"),
	}}
	r := verifyString(t, spec, "cpu online\ndone\n", End{Exited: true})
	if r.Verdict != Count || r.Failure.Marker != "cpu online" || !strings.Contains(r.Failure.Message, "1 times, fewer than its minimum of 2") {
		t.Fatalf("got %s %+v", r.Verdict, r.Failure)
	}
	if r.Found != 1 || r.Required != 2 {
		t.Fatalf("found %d/%d", r.Found, r.Required)
	}
	// A marker that never appeared is MISSING even when another is short.
	r = verifyString(t, spec, "cpu online\n", End{})
	if r.Verdict != Missing || r.Failure.Marker != "done" {
		t.Fatalf("got %s %+v", r.Verdict, r.Failure)
	}
	r = verifyString(t, spec, "cpu online\ncpu online\ndone\n", End{})
	if r.Verdict != Pass {
		t.Fatalf("got %s %+v", r.Verdict, r.Failure)
	}
}

func TestDecided(t *testing.T) {
	v := mustNew(t, ladder(), Options{})
	steps := []struct {
		in      string
		decided bool
	}{
		{"boot ok\n", false},
		{"ipc ok\nvfs ok\n", false},
		{"SELFTEST: e", false}, // the line is not complete yet
		{"nd\n", true},         // tentative pass
		{"more noise\n", true},
		{"Kernel panic\n", true},
	}
	for _, s := range steps {
		v.Write([]byte(s.in))
		if v.Decided() != s.decided {
			t.Fatalf("after %q: decided %v, want %v", s.in, v.Decided(), s.decided)
		}
	}
	if r := v.Finish(End{}); r.Verdict != Forbidden || r.Failure.Line != 6 {
		t.Fatalf("got %s %+v", r.Verdict, r.Failure)
	}

	v = mustNew(t, ladder(), Options{})
	v.Write([]byte("vfs FAIL\n"))
	if !v.Decided() {
		t.Fatal("a forbidden line must decide at once")
	}
	p := v.Progress()
	if p.Found != 0 || p.Required != 4 || p.Phase != "boot" || p.Lines != 1 {
		t.Fatalf("progress %+v", p)
	}
}

func TestKeepMatching(t *testing.T) {
	in := "boot ok\ngpu ok\nipc ok\ngpu ok\nKernel panic\nvfs ok\n"
	for _, keep := range []bool{false, true} {
		v := mustNew(t, ladder(), Options{KeepMatching: keep})
		v.Write([]byte(in))
		r := v.Finish(End{})
		if r.Verdict != Unexpected || r.Failure.Line != 2 || r.Lines != 6 {
			t.Fatalf("keep=%v: %s %+v lines %d", keep, r.Verdict, r.Failure, r.Lines)
		}
		var got []string
		for _, o := range r.Seen {
			got = append(got, fmt.Sprintf("%d:%s", o.Line, o.Marker))
		}
		want := []string{"1:boot ok", "2:gpu ok"}
		if keep {
			want = append(want, "3:ipc ok", "4:gpu ok", "5:Kernel panic", "6:vfs ok")
		}
		if !slices.Equal(got, want) {
			t.Fatalf("keep=%v: seen %q, want %q", keep, got, want)
		}
	}
}

func TestFinishTwiceAndWriteAfterFinish(t *testing.T) {
	v := mustNew(t, ladder(), Options{})
	v.Write([]byte("boot ok"))
	r1 := v.Finish(End{})
	r2 := v.Finish(End{TimedOut: true})
	if r1.Verdict != Missing || r2.Verdict != Missing || r1.Lines != 1 {
		t.Fatalf("got %s then %s, lines %d", r1.Verdict, r2.Verdict, r1.Lines)
	}
	if _, err := v.Write([]byte("x\n")); err == nil {
		t.Fatal("write after finish must fail")
	}
}

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name string
		spec *Spec
		want string // error substring; "" means valid
	}{
		{"nil", nil, "nil spec"},
		{"empty required set", &Spec{Markers: []Marker{allowed("a")}}, "nothing to prove is never a pass"},
		{"no markers", &Spec{}, "nothing to prove"},
		{"duplicate id", &Spec{Markers: []Marker{req("a"), {ID: "a", Text: "b", Mode: Exact}}}, `"a"`},
		{"duplicate id across sets", &Spec{Markers: []Marker{req("a")}, Forbidden: []Marker{failMarker("a")}}, "id is also used"},
		{"same exact text twice", &Spec{Markers: []Marker{req("a"), {ID: "a2", Text: " a ", Mode: Exact}}}, "same text"},
		{"after unknown", &Spec{Markers: []Marker{req("a", "zz")}}, `after names "zz"`},
		{"after forbidden", &Spec{Markers: []Marker{req("a", "bad")}, Forbidden: []Marker{failMarker("bad")}}, "not a required or allowed marker"},
		{"after self", &Spec{Markers: []Marker{req("a", "a")}}, "marker itself"},
		{"after cycle", &Spec{Markers: []Marker{req("a", "c"), req("b", "a"), req("c", "b")}}, `cycle`},
		{"after on forbidden", &Spec{Markers: []Marker{req("a")}, Forbidden: []Marker{{Text: "x", Mode: Exact, After: []string{"a"}}}}, "only checked on required"},
		{"required forbidden", &Spec{Markers: []Marker{req("a")}, Forbidden: []Marker{{Text: "x", Mode: Exact, Required: true}}}, "cannot be required"},
		{"bad regex", &Spec{Markers: []Marker{{Text: "a(", Mode: Regex, Required: true}}}, "missing closing )"},
		{"empty text", &Spec{Markers: []Marker{{Text: "  ", Mode: Exact, Required: true}}}, "empty exact text"},
		{"empty prefix", &Spec{Markers: []Marker{req("a")}, Forbidden: []Marker{{Mode: Prefix}}}, "would match every line"},
		{"text with CR", &Spec{Markers: []Marker{{Text: "a\rb", Mode: Substring, Required: true}}}, "never survives"},
		{"unknown mode", &Spec{Markers: []Marker{{Text: "a", Mode: Mode(9), Required: true}}}, "unknown match mode"},
		{"negative count", &Spec{Markers: []Marker{{Text: "a", Required: true, Min: -1}}}, "negative count"},
		{"max below min", &Spec{Markers: []Marker{{Text: "a", Required: true, Min: 3, Max: 2}}}, "can never pass"},
		{"negative line cap", &Spec{Markers: []Marker{req("a")}, MaxLineBytes: -1}, "max line bytes"},
		{"source named", &Spec{Markers: []Marker{{Text: "a", Mode: Exact, Required: true, Source: "proof/contract.toml", Line: 12, After: []string{"q"}}}}, "proof/contract.toml:12"},
		{"valid: regex from pattern", &Spec{Markers: []Marker{{Pattern: regexp.MustCompile(`^cpu[0-9]+ up$`), Mode: Regex, Required: true}}}, ""},
		{"valid: same text in different classes", &Spec{Markers: []Marker{req("a")}, Forbidden: []Marker{{ID: "fa", Text: "a", Mode: Exact}}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.spec, Options{})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestLineBytes runs one marker line, dressed the way consoles dress it,
// through the verifier and checks whether the marker was seen.
func TestLineBytes(t *testing.T) {
	prefix := regexp.MustCompile(`\[[A-Z]+ [^\]]+\] `)
	tests := []struct {
		name      string
		line      string
		logPrefix bool
		seen      bool
	}{
		{"plain", "SELFTEST: vfs ok\n", false, true},
		{"CRLF", "SELFTEST: vfs ok\r\n", false, true},
		{"LFCR (next line starts with CR)", "\rSELFTEST: vfs ok\n", false, true},
		{"CR CR LF", "SELFTEST: vfs ok\r\r\n", false, true},
		{"progress overwritten by the marker", "10%\r50%\rSELFTEST: vfs ok\r\n", false, true},
		{"marker overwritten by progress", "SELFTEST: vfs ok\r          \r\n", false, true},
		{"marker then other text after CR", "SELFTEST: vfs ok\rdone\n", false, true},
		{"surrounding spaces and tabs", " \tSELFTEST: vfs ok \t\r\n", false, true},
		{"SGR colour", "\x1b[0;32mSELFTEST: vfs ok\x1b[0m\r\n", false, true},
		{"SGR inside the text", "SELFTEST: \x1b[1mvfs\x1b[22m ok\n", false, true},
		{"SeaBIOS reset and clear", "\x1bc\x1b[?7l\x1b[2J\x1b[0mSELFTEST: vfs ok\r\n", false, true},
		{"cursor position", "\x1b[01;01HSELFTEST: vfs ok\x1b[K\n", false, true},
		{"OSC title BEL", "\x1b]0;qemu\x07SELFTEST: vfs ok\n", false, true},
		{"OSC title ST", "\x1b]2;qemu\x1b\\SELFTEST: vfs ok\n", false, true},
		{"charset select nF", "\x1b(BSELFTEST: vfs ok\n", false, true},
		{"lone ESC before", "\x1bSELFTEST: vfs ok\n", false, false}, // ESC S is a two-byte sequence that eats the S
		{"lone ESC at end", "SELFTEST: vfs ok\x1b\n", false, true},
		{"ESC then control byte", "SELFTEST: vfs ok\x1b\x01\n", false, false}, // the \x01 stays
		{"unterminated CSI at end", "SELFTEST: vfs ok\x1b[12\n", false, true},
		{"NULs", "\x00SELF\x00TEST: vfs ok\x00\n", false, true},
		{"NUL inside an escape", "\x1b[0\x00m SELFTEST: vfs ok\n", false, true},
		{"other text", "SELFTEST: vfs okay\n", false, false},
		{"FAIL line with the text inside", "SELFTEST: vfs ok FAIL\n", false, false},
		{"backspace kept", "SELFTEST: vfs ok\b\n", false, false},
		{"log prefix stripped", "[INFO selftest] SELFTEST: vfs ok\r\n", true, true},
		{"log prefix with double space", "[INFO selftest]  SELFTEST: vfs ok\n", true, true},
		{"well-known prefix without log_prefix", "[INFO selftest] SELFTEST: vfs ok\n", false, true},
		{"log prefix only at start", "x [INFO selftest] SELFTEST: vfs ok\n", true, false},
		{"log prefix after colour", "\x1b[32m[INFO selftest] SELFTEST: vfs ok\x1b[0m\n", true, true},
		{"no trailing newline", "SELFTEST: vfs ok", false, true},
		{"no trailing newline, CR", "SELFTEST: vfs ok\r", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := &Spec{Markers: []Marker{req("SELFTEST: vfs ok")}}
			if tc.logPrefix {
				spec.LogPrefix = prefix
			}
			r := verifyString(t, spec, tc.line, End{})
			if got := r.Verdict == Pass; got != tc.seen {
				t.Fatalf("seen %v, want %v (verdict %s, seen %+v)", got, tc.seen, r.Verdict, r.Seen)
			}
			if r.Lines != 1 {
				t.Fatalf("lines %d, want 1", r.Lines)
			}
		})
	}
}

func TestInvalidUTF8IsMatchedAsBytes(t *testing.T) {
	marker := "probe \xff\xfe ok"
	spec := &Spec{Markers: []Marker{req(marker), {Text: "caf\xc3", Mode: Substring, Required: true}}}
	r := verifyString(t, spec, "x\xc3\x28\n"+marker+"\r\ncaf\xc3 x\n", End{})
	if r.Verdict != Pass || r.Lines != 3 {
		t.Fatalf("got %s %+v lines %d", r.Verdict, r.Failure, r.Lines)
	}
	if r.Seen[0].Text != marker {
		t.Fatalf("observation text %q", r.Seen[0].Text)
	}
}

func TestFailLineContainingOKText(t *testing.T) {
	tests := []struct {
		name string
		spec *Spec
	}{
		{"exact ok marker", &Spec{
			Markers:   []Marker{req("SELFTEST: vfs ok")},
			Forbidden: []Marker{{Text: "FAIL", Mode: Substring}},
		}},
		{"substring ok marker, exact fail marker", &Spec{
			Markers:   []Marker{{Text: "vfs ok", Mode: Substring, Required: true}},
			Forbidden: []Marker{failMarker("SELFTEST: vfs ok FAIL")},
		}},
		{"prefix ok marker, regex fail marker", &Spec{
			Markers:   []Marker{{Text: "SELFTEST: vfs ok", Mode: Prefix, Required: true}},
			Forbidden: []Marker{{Text: `\bFAIL\b`, Mode: Regex, Kind: KindFail}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := verifyString(t, tc.spec, "boot\nSELFTEST: vfs ok FAIL\n", End{})
			if r.Verdict != Forbidden || r.Failure.Line != 2 {
				t.Fatalf("got %s %+v", r.Verdict, r.Failure)
			}
			if len(r.Seen) != 1 || r.Seen[0].Marker == "SELFTEST: vfs ok" || r.Seen[0].Marker == "vfs ok" {
				t.Fatalf("the FAIL line was counted as the ok marker: %+v", r.Seen)
			}
		})
	}
}

func TestModePriority(t *testing.T) {
	spec := &Spec{Markers: []Marker{
		{ID: "sub", Text: "ok", Mode: Substring},
		{ID: "re", Text: `^net: .* ok$`, Mode: Regex},
		{ID: "pre2", Text: "net: up", Mode: Prefix},
		{ID: "pre1", Text: "net:", Mode: Prefix},
		{ID: "exact", Text: "net: up ok", Mode: Exact, Required: true},
	}}
	tests := []struct{ line, want string }{
		{"net: up ok", "exact"},
		{"net: up and ok", "pre2"}, // prefix beats regex and substring; the longest prefix wins
		{"net: down ok", "pre1"},
		{"xnet: down ok", "sub"},
		{"all good", ""},
	}
	for _, tc := range tests {
		r := verifyString(t, spec, tc.line+"\n", End{})
		got := ""
		if len(r.Seen) > 0 {
			got = r.Seen[0].Marker
		}
		if got != tc.want || len(r.Seen) > 1 {
			t.Errorf("%q: seen %+v, want one %q", tc.line, r.Seen, tc.want)
		}
	}
}

// TestLongestTextWins: upstream declares "send" and "send disconnected"
// as substring markers; a line holding the longer one is that marker.
func TestLongestTextWins(t *testing.T) {
	spec := &Spec{Markers: []Marker{
		{Text: "register send", Mode: Substring, Required: true},
		{Text: "register send disconnected", Mode: Substring, Required: true},
		{Text: "SELFTEST: ", Mode: Prefix},
		{Text: "SELFTEST: reply slots ", Mode: Prefix, Required: true},
	}}
	r := verifyString(t, spec, "x register send disconnected\nregister send ok\nSELFTEST: reply slots 3\nSELFTEST: other\n", End{})
	if r.Verdict != Pass {
		t.Fatalf("%s %+v", r.Verdict, r.Failure)
	}
	var got []string
	for _, o := range r.Seen {
		got = append(got, o.Marker)
	}
	want := []string{"register send disconnected", "register send", "SELFTEST: reply slots ", "SELFTEST: "}
	if !slices.Equal(got, want) {
		t.Fatalf("seen %q, want %q", got, want)
	}
}

func TestAllowedBeatsUnexpected(t *testing.T) {
	spec := &Spec{
		Markers:    []Marker{{Text: "SELFTEST:", Mode: Prefix, Required: true}},
		Unexpected: []Marker{{Text: "SELFTEST: gpu ok", Mode: Exact}, {Text: "gpu", Mode: Substring}},
	}
	if r := verifyString(t, spec, "SELFTEST: gpu ok\n", End{}); r.Verdict != Pass {
		t.Fatalf("got %s %+v", r.Verdict, r.Failure)
	}
	if r := verifyString(t, spec, "SELFTEST: a\ngpu ready\n", End{}); r.Verdict != Unexpected || r.Failure.Marker != "gpu" {
		t.Fatalf("got %s %+v", r.Verdict, r.Failure)
	}
}

func TestOrderAndImplication(t *testing.T) {
	// "if ui present ok appears, ui surface ok must have appeared before it"
	spec := &Spec{Markers: []Marker{
		req("boot ok"),
		allowed("ui surface ok"),
		{Text: "ui present ok", Mode: Exact, After: []string{"ui surface ok"}},
	}}
	tests := []struct {
		in   string
		want Verdict
	}{
		{"boot ok\n", Pass},                                // neither appears: fine
		{"boot ok\nui surface ok\n", Pass},                 // the antecedent alone: fine
		{"ui surface ok\nboot ok\nui present ok\n", Pass},  // in order
		{"boot ok\nui present ok\nui surface ok\n", Order}, // wrong order
		{"ui present ok\n", Order},
	}
	for _, tc := range tests {
		if r := verifyString(t, spec, tc.in, End{}); r.Verdict != tc.want {
			t.Errorf("%q: %s, want %s (%+v)", tc.in, r.Verdict, tc.want, r.Failure)
		}
	}
	// Order is checked at the first occurrence only.
	spec = &Spec{Markers: []Marker{req("a"), req("b", "a")}}
	if r := verifyString(t, spec, "a\nb\nb\na\nb\n", End{}); r.Verdict != Pass {
		t.Fatalf("repeats after the first occurrence: %s %+v", r.Verdict, r.Failure)
	}
}

func TestExcerpt(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&b, "line %d\r\n", i)
	}
	b.WriteString("\x1b[31mKernel panic\x1b[0m\r\n")
	b.WriteString("after\n")
	in := b.String()
	spec := ladder()
	for _, n := range []int{0, 1, 3} {
		opts := Options{ExcerptLines: n}
		want := []string{"line 16", "line 17", "line 18", "line 19", "line 20", "Kernel panic"}
		if n == 0 {
			n = DefaultExcerptLines
		} else {
			want = want[len(want)-1-n:]
		}
		for _, chunk := range []int{1, 7, 1 << 20} {
			v := mustNew(t, spec, opts)
			data := []byte(in)
			for len(data) > 0 {
				k := min(chunk, len(data))
				v.Write(data[:k])
				data = data[k:]
			}
			r := v.Finish(End{})
			f := r.Failure
			if r.Verdict != Forbidden || f.Line != 21 || !slices.Equal(f.Excerpt, want) || f.ExcerptStart != 21-n {
				t.Fatalf("n=%d chunk=%d: %s line %d excerpt %q start %d, want %q", n, chunk, r.Verdict, f.Line, f.Excerpt, f.ExcerptStart, want)
			}
		}
	}
	// No lines before exist: the excerpt is the line alone.
	r := verifyString(t, spec, "Kernel panic\n", End{})
	if !slices.Equal(r.Failure.Excerpt, []string{"Kernel panic"}) || r.Failure.ExcerptStart != 1 {
		t.Fatalf("excerpt %q start %d", r.Failure.Excerpt, r.Failure.ExcerptStart)
	}
	// Negative ExcerptLines: only the line.
	v := mustNew(t, spec, Options{ExcerptLines: -1})
	v.Write([]byte(in))
	if f := v.Finish(End{}).Failure; !slices.Equal(f.Excerpt, []string{"Kernel panic"}) {
		t.Fatalf("excerpt %q", f.Excerpt)
	}
	// Finish-time failures show the tail of the stream.
	r = verifyString(t, spec, "a\nb\nboot ok\nc\nd\ne\nf\ng", End{TimedOut: true})
	if r.Verdict != Timeout || !slices.Equal(r.Failure.Excerpt, []string{"b", "boot ok", "c", "d", "e", "f", "g"}[1:]) || r.Failure.ExcerptStart != 3 || r.Failure.Line != 0 {
		t.Fatalf("%s excerpt %q start %d", r.Verdict, r.Failure.Excerpt, r.Failure.ExcerptStart)
	}
}

func TestExcerptLineBounds(t *testing.T) {
	long := strings.Repeat("é", 400) // 800 bytes, 2-byte runes
	in := long + "\nx\rprogress\r\nKernel panic " + long + "\n"
	for _, chunk := range []int{1, 3, 1000} {
		v := mustNew(t, ladder(), Options{ExcerptLineBytes: 101})
		data := []byte(in)
		for len(data) > 0 {
			k := min(chunk, len(data))
			v.Write(data[:k])
			data = data[k:]
		}
		f := v.Finish(End{}).Failure
		want := []string{strings.Repeat("é", 50) + "…", `x\rprogress`, "Kernel panic " + strings.Repeat("é", 44) + "…"}
		if !slices.Equal(f.Excerpt, want) {
			t.Fatalf("chunk %d: excerpt %q\nwant %q", chunk, f.Excerpt, want)
		}
	}
}

func TestLongLine(t *testing.T) {
	const size = 5 << 20
	huge := strings.Repeat("x", size)
	spec := &Spec{
		Markers: []Marker{
			{Text: "BOOT: ", Mode: Prefix, Required: true},
			req("after ok"),
			{ID: "tail", Text: "tail", Mode: Substring},
		},
	}
	in := "BOOT: " + huge + "tail\nafter ok\n"
	for _, chunk := range []int{1 << 10, 64 << 10, len(in)} {
		v := mustNew(t, spec, Options{})
		data := []byte(in)
		for len(data) > 0 {
			k := min(chunk, len(data))
			v.Write(data[:k])
			data = data[k:]
		}
		if c := cap(v.carry); c > 2*DefaultMaxLineBytes {
			t.Fatalf("chunk %d: carry buffer grew to %d bytes", chunk, c)
		}
		r := v.Finish(End{})
		if r.Verdict != Pass || r.LongLines != 1 || r.Lines != 2 || r.Bytes != int64(len(in)) {
			t.Fatalf("chunk %d: %s %+v long %d lines %d bytes %d", chunk, r.Verdict, r.Failure, r.LongLines, r.Lines, r.Bytes)
		}
		// "tail" is beyond the matched cap, so it is not seen.
		for _, o := range r.Seen {
			if o.Marker == "tail" {
				t.Fatalf("chunk %d: matched beyond MaxLineBytes", chunk)
			}
			if len(o.Text) > observationTextBytes+len("…") {
				t.Fatalf("observation text not capped: %d bytes", len(o.Text))
			}
		}
	}
	// A small cap applies the same way.
	spec.MaxLineBytes = 8
	r := verifyString(t, spec, "BOOT: 12345\nafter ok\n", End{})
	if r.Verdict != Pass || r.LongLines != 1 {
		t.Fatalf("%s long %d", r.Verdict, r.LongLines)
	}
	// A cut line equals no exact marker, even when its first bytes do.
	r = verifyString(t, spec, "BOOT: 1\nafter ok!\n", End{})
	if r.Verdict != Missing || r.LongLines != 1 {
		t.Fatalf("%s long %d", r.Verdict, r.LongLines)
	}
}

// TestSplitAtEveryByte writes a stream in two parts cut at every position
// and expects the same result as one write.
func TestSplitAtEveryByte(t *testing.T) {
	streams := []string{
		"noise\r\nboot ok\r\nipc ok\r\n\x1b[32mvfs ok\x1b[0m\r\nSELFTEST: end\r\n",
		"boot ok\nipc ok\nvfs FAIL\nvfs ok\n",
		"boot ok\nthread panicked at x\n",
		"boot ok\ntick\ntick\ntick\n",
		"boot ok\r\nipc\x00 ok\rgpu ok\n",
		"boot ok\nipc ok\nvfs ok\nSELFTEST: end",
	}
	for _, s := range streams {
		want := verifyString(t, ladder(), s, End{})
		for cut := 0; cut <= len(s); cut++ {
			got := verifyChunks(t, ladder(), Options{}, []byte(s), []int{cut}, End{})
			if diff := compareResults(want, got); diff != "" {
				t.Fatalf("stream %q cut at %d: %s", s, cut, diff)
			}
		}
		// And one byte per write.
		cuts := make([]int, len(s))
		for i := range cuts {
			cuts[i] = i
		}
		got := verifyChunks(t, ladder(), Options{}, []byte(s), cuts, End{})
		if diff := compareResults(want, got); diff != "" {
			t.Fatalf("stream %q byte by byte: %s", s, diff)
		}
	}
}

// compareResults describes the first difference between two results.
func compareResults(a, b Result) string {
	if a.Verdict != b.Verdict || a.Lines != b.Lines || a.Bytes != b.Bytes || a.Found != b.Found ||
		a.Required != b.Required || a.LongLines != b.LongLines || a.SeenDropped != b.SeenDropped {
		return fmt.Sprintf("results differ:\n%+v\n%+v", a, b)
	}
	if !slices.Equal(a.Seen, b.Seen) {
		return fmt.Sprintf("seen differs:\n%+v\n%+v", a.Seen, b.Seen)
	}
	if (a.Failure == nil) != (b.Failure == nil) {
		return fmt.Sprintf("failure %+v vs %+v", a.Failure, b.Failure)
	}
	if a.Failure != nil {
		fa, fb := *a.Failure, *b.Failure
		if fa.Kind != fb.Kind || fa.Marker != fb.Marker || fa.Phase != fb.Phase || fa.Line != fb.Line ||
			fa.Message != fb.Message || fa.ExcerptStart != fb.ExcerptStart || !slices.Equal(fa.Excerpt, fb.Excerpt) ||
			!slices.Equal(fa.NearMisses, fb.NearMisses) {
			return fmt.Sprintf("failure differs:\n%+v\n%+v", fa, fb)
		}
	}
	if !slices.Equal(a.Warnings, b.Warnings) || a.WarningsDropped != b.WarningsDropped || !slices.Equal(a.NearMisses, b.NearMisses) {
		return fmt.Sprintf("warnings or near misses differ:\n%+v %+v\n%+v %+v", a.Warnings, a.NearMisses, b.Warnings, b.NearMisses)
	}
	return ""
}

func TestObservations(t *testing.T) {
	var got []Observation
	spec := ladder()
	v := mustNew(t, spec, Options{MaxSeen: 2, OnObservation: func(o Observation) { got = append(got, o) }})
	v.Write([]byte("boot ok\r\nx\n\x1b[1mipc ok\x1b[0m\nvfs ok\nSELFTEST: end\n"))
	r := v.Finish(End{})
	if r.Verdict != Pass || len(r.Seen) != 2 || r.SeenDropped != 2 || len(got) != 4 {
		t.Fatalf("%s seen %d dropped %d callbacks %d", r.Verdict, len(r.Seen), r.SeenDropped, len(got))
	}
	want := Observation{Marker: "ipc ok", Kind: KindOK, Phase: "selftest", Line: 3, Text: "ipc ok", Class: "allowed"}
	if got[1] != want || r.Seen[1] != want {
		t.Fatalf("observation %+v, want %+v", got[1], want)
	}
	v = mustNew(t, spec, Options{MaxSeen: -1})
	v.Write([]byte("boot ok\n"))
	if r := v.Finish(End{}); len(r.Seen) != 0 || r.SeenDropped != 1 {
		t.Fatalf("seen %d dropped %d", len(r.Seen), r.SeenDropped)
	}
}

func TestRegexPrefilter(t *testing.T) {
	for _, tc := range []struct {
		re       string
		lit      string
		anchored bool
	}{
		{`^cpu[0-9]+ online: (ok|fine)$`, "cpu", true},
		{`cpu[0-9]+ online: (ok|fine)$`, " online: ", false},
		{`(?i)panic`, "", false},
		{`^panic\b`, "panic", true},
		{`\A(?:boot: )+ok`, "boot: ", false},
		{`\bpanicked at\b`, "panicked at", false},
		{`\[FATAL[\] ]`, "[FATAL", false},
		{`^\[FATAL\]`, "[FATAL]", true},
		{`a|b`, "", false},
		{`x\ry`, "", false},
	} {
		if lit, anchored := requiredLiteral(tc.re); lit != tc.lit || anchored != tc.anchored {
			t.Errorf("%s: literal %q anchored %v, want %q %v", tc.re, lit, anchored, tc.lit, tc.anchored)
		}
	}
	spec := &Spec{
		Markers: []Marker{
			{ID: "cpu", Text: `^cpu[0-9]+ online$`, Mode: Regex, Required: true, Min: 2},
			{ID: "any", Text: `(?i)^READY$`, Mode: Regex, Required: true},
		},
		Forbidden: []Marker{{ID: "oops", Text: `oops: [a-z]+`, Mode: Regex}, {ID: "panic", Text: `^panic\b`, Mode: Regex}},
	}
	r := verifyString(t, spec, "cpu0 online\ncpu1 online\ncpu online\nready\npanicky\nno panic: here\n", End{})
	if r.Verdict != Pass {
		t.Fatalf("%s %+v", r.Verdict, r.Failure)
	}
	r = verifyString(t, spec, "cpu0 online\n  \x1b[31mpanic: runtime error\n", End{})
	if r.Verdict != Forbidden || r.Failure.Marker != "panic" || r.Failure.Line != 2 {
		t.Fatalf("%s %+v", r.Verdict, r.Failure)
	}
	r = verifyString(t, spec, "cpu0 online\noops: 12\noops: bad\n", End{})
	if r.Verdict != Forbidden || r.Failure.Line != 3 {
		t.Fatalf("%s %+v", r.Verdict, r.Failure)
	}
}

// TestManyLiterals checks the Aho-Corasick path against the per-chunk
// path: the same substring markers, below and above the switch-over.
// TestManyLiterals checks every literal path against the same expectation:
// anchors (few), eight-byte windows (many long), four-byte windows (many of
// five to ten bytes) and the automaton (many short), each with escapes
// inside a literal and a forbidden literal that contains an allowed one.
func TestManyLiterals(t *testing.T) {
	formats := []struct {
		name, format string // format has one %03d; the literal is format with the number
	}{
		{"long", "svc%03d ready"}, // 12 bytes
		{"medium", "m%03d ok"},    // 7 bytes
		{"short", "%03d"},         // 3 bytes
	}
	for _, f := range formats {
		for _, n := range []int{3, lazyLiteralMax, lazyLiteralMax + 1, 200} {
			spec := &Spec{}
			for i := range n {
				spec.Markers = append(spec.Markers, Marker{Text: fmt.Sprintf(f.format, i), Mode: Substring, Required: i%2 == 0})
			}
			bad := fmt.Sprintf(f.format, 1) + " FAIL"
			spec.Forbidden = []Marker{{Text: bad, Mode: Substring}}
			var b strings.Builder
			for i := range n {
				lit := fmt.Sprintf(f.format, i)
				fmt.Fprintf(&b, "[x] %s now\n", lit)
				if i%3 == 0 { // an escape inside the literal
					fmt.Fprintf(&b, "\x1b[1m[y] %s\x1b[0m%s\n", lit[:len(lit)/2], lit[len(lit)/2:])
				}
			}
			r := verifyString(t, spec, b.String(), End{})
			want := n + (n+2)/3
			if r.Verdict != Pass || len(r.Seen) != want {
				t.Fatalf("%s n=%d: %s seen %d, want %d (%+v)", f.name, n, r.Verdict, len(r.Seen), want, r.Failure)
			}
			r = verifyString(t, spec, b.String()+"x "+bad+"\n", End{})
			if r.Verdict != Forbidden {
				t.Fatalf("%s n=%d: %s", f.name, n, r.Verdict)
			}
		}
	}
}

// TestSeaBIOSCapture runs a real QEMU console capture (SeaBIOS and iPXE,
// escape sequences, CR rewrites, backspaces, no final newline).
func TestSeaBIOSCapture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "seabios-ipxe.console"))
	if err != nil {
		t.Fatal(err)
	}
	spec := &Spec{
		Markers: []Marker{
			{Text: "SeaBIOS (version ", Mode: Prefix, Required: true},
			{Text: "Press Ctrl-B to configure iPXE (PCI 00:03.0)...", Mode: Exact, Required: true},
			{Text: "iPXE initialising devices...ok", Mode: Exact, Required: true, After: []string{"SeaBIOS (version "}},
			{Text: "iPXE 1.0.0+git-20190125.36a4c85-5.1 -- Open Source Network Boot Firmware -- http", Mode: Exact, Required: true},
			{Text: "Configuring (net0 ", Mode: Prefix, Required: true},
		},
		Forbidden: []Marker{{Text: "panic", Mode: Substring}},
	}
	want := verifyString(t, spec, string(data), End{})
	if want.Verdict != Pass {
		t.Fatalf("%s %+v", want.Verdict, want.Failure)
	}
	for cut := 0; cut <= len(data); cut++ {
		if diff := compareResults(want, verifyChunks(t, spec, Options{}, data, []int{cut}, End{})); diff != "" {
			t.Fatalf("cut %d: %s", cut, diff)
		}
	}
}

// TestUpstreamUARTLog checks real kernel output with a log prefix.
func TestUpstreamUARTLog(t *testing.T) {
	dir := testcorpus.Dir(t)
	data, err := os.ReadFile(filepath.Join(dir, "uart-90ecdf0a-smp.log"))
	if err != nil {
		t.Fatal(err)
	}
	spec := &Spec{
		Phases: []string{"bringup", "end"},
		Markers: []Marker{
			{Text: "neuron vers.", Mode: Prefix, Phase: "bringup", Required: true},
			{Text: "KSELFTEST: spawn ok", Phase: "bringup", Required: true},
			{Text: "KINIT: cpu1 online", Phase: "bringup", Required: true, After: []string{"neuron vers."}},
			{Text: "SELFTEST: end", Phase: "end", Required: true, After: []string{"KSELFTEST: spawn ok"}},
		},
		Forbidden: []Marker{{Text: "panicked at", Mode: Substring}, {Text: `^SELFTEST: .*FAIL`, Mode: Regex}},
		LogPrefix: regexp.MustCompile(`\[[A-Z]+ [^\]]+\] `),
	}
	// The kernel prints "KINIT: cpu1 online" (line 104) before the banner
	// (line 109), so this spec fails on order.
	r := verifyString(t, spec, string(data), End{})
	if r.Verdict != Order || r.Failure.Marker != "KINIT: cpu1 online" || r.Failure.Line != 104 || r.Lines != 1529 {
		t.Fatalf("%s %+v lines %d", r.Verdict, r.Failure, r.Lines)
	}
	spec.Markers[0].After = []string{"KINIT: cpu1 online"}
	spec.Markers[2].After = nil
	r = verifyString(t, spec, string(data), End{})
	if r.Verdict != Pass || r.Lines != 1529 || r.Seen[0].Marker != "KINIT: cpu1 online" || r.Seen[0].Line != 104 {
		t.Fatalf("%s %+v lines %d seen %+v", r.Verdict, r.Failure, r.Lines, r.Seen)
	}
	// A bare "FAIL" pattern would fail this good run: policyd reports
	// "audit emit FAIL" as a diagnostic.
	spec.Forbidden = append(spec.Forbidden, Marker{Text: "FAIL", Mode: Substring})
	if r := verifyString(t, spec, string(data), End{}); r.Verdict != Forbidden || r.Failure.Line != 934 {
		t.Fatalf("%s %+v", r.Verdict, r.Failure)
	}
	spec.Forbidden = spec.Forbidden[:2]
	spec.LogPrefix = nil
	// Without a configured log prefix "[INFO selftest] KSELFTEST: spawn ok"
	// still counts: "[LEVEL tag]" is a well-known prefix of the line model.
	if r := verifyString(t, spec, string(data), End{Exited: true}); r.Verdict != Pass {
		t.Fatalf("without a configured prefix: %s %+v", r.Verdict, r.Failure)
	}
}

// TestUndeclared pins the deny-by-default rule for proof namespaces: a
// value-free line under an undeclared-namespace prefix that no marker
// matches is UNEXPECTED; lines carrying values are diagnostics.
func TestUndeclared(t *testing.T) {
	spec := func() *Spec {
		return &Spec{
			Markers:    []Marker{{Text: "SELFTEST: boot ok", Required: true}, {Text: "SELFTEST: extra ok"}},
			Undeclared: []string{"SELFTEST: "},
		}
	}
	for _, tc := range []struct {
		name, input string
		verdict     Verdict
		marker      string
		line        int
	}{
		{"declared markers only", "SELFTEST: boot ok\nSELFTEST: extra ok\n", Pass, "", 0},
		{"undeclared marker", "SELFTEST: boot ok\nSELFTEST: gone ok\n", Unexpected, "SELFTEST: gone ok", 2},
		{"value lines are diagnostics", "SELFTEST: slots 0x10 0x11\nSELFTEST: count=3\nSELFTEST: boot ok\n", Pass, "", 0},
		{"other namespaces are free", "init: up foo\nSELFTEST: boot ok\n", Pass, "", 0},
		{"exact prefix only", "XSELFTEST: gone ok\nSELFTEST: boot ok\n", Pass, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := verifyString(t, spec(), tc.input, End{Exited: true})
			if r.Verdict != tc.verdict {
				t.Fatalf("verdict %s, want %s (%+v)", r.Verdict, tc.verdict, r.Failure)
			}
			if tc.marker != "" && (r.Failure.Marker != tc.marker || r.Failure.Line != tc.line) {
				t.Fatalf("failure %+v, want marker %q line %d", r.Failure, tc.marker, tc.line)
			}
		})
	}
	// With KeepMatching every undeclared line is listed.
	v := mustNew(t, spec(), Options{KeepMatching: true})
	v.Write([]byte("SELFTEST: a ok\nSELFTEST: boot ok\nSELFTEST: b ok\n"))
	r := v.Finish(End{Exited: true})
	var unexpected []string
	for _, o := range r.Seen {
		if o.Class == "unexpected" {
			unexpected = append(unexpected, o.Marker)
		}
	}
	if r.Verdict != Unexpected || !slices.Equal(unexpected, []string{"SELFTEST: a ok", "SELFTEST: b ok"}) {
		t.Fatalf("%s unexpected %q", r.Verdict, unexpected)
	}
	if _, err := New(&Spec{Markers: []Marker{{Text: "x", Required: true}}, Undeclared: []string{" "}}, Options{}); err == nil {
		t.Fatal("an empty undeclared prefix must be refused")
	}
}

// chunkyReader returns at most max bytes a Read, then err after data.
type chunkyReader struct {
	data []byte
	max  int
	err  error
}

func (c *chunkyReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, c.err
	}
	n := copy(p[:min(len(p), c.max)], c.data)
	c.data = c.data[n:]
	return n, nil
}

// TestReadFromMatchesWrite: ReadFrom, which reads the next chunk while
// the first stage matches the current one, sees what one Write of the
// whole log sees, over several chunks whose edges cut lines and markers,
// with short reads; a read error comes back after what was read is
// matched.
func TestReadFromMatchesWrite(t *testing.T) {
	var log bytes.Buffer
	log.WriteString("noise\r\n")
	for log.Len() < readChunk-3 {
		log.WriteString("[INFO mm] AS-MAP: mapping tail 0x0000cf1a\r\n")
	}
	log.WriteString("boot ok\r\n") // across the first chunk's edge
	for log.Len() < 2*readChunk+readChunk/2 {
		log.WriteString("tick-tock of a long console line, nothing to see\r\n")
	}
	log.WriteString("ipc ok\r\nvfs ok\r\nSELFTEST: end\r\n")
	data := log.Bytes()
	want := verifyChunks(t, ladder(), Options{}, data, nil, End{})
	if want.Verdict != Pass {
		t.Fatalf("the log itself: %s %+v", want.Verdict, want.Failure)
	}
	for _, max := range []int{len(data), 4096, 1000} {
		v := mustNew(t, ladder(), Options{})
		n, err := v.ReadFrom(&chunkyReader{data: data, max: max, err: io.EOF})
		if err != nil || n != int64(len(data)) {
			t.Fatalf("reads of %d: ReadFrom = %d, %v; want %d, nil", max, n, err, len(data))
		}
		if diff := compareResults(want, v.Finish(End{})); diff != "" {
			t.Errorf("reads of %d: %s", max, diff)
		}
	}
	broken := errors.New("disk gone")
	v := mustNew(t, ladder(), Options{})
	n, err := v.ReadFrom(&chunkyReader{data: data[:readChunk+100], max: 1 << 20, err: broken})
	if !errors.Is(err, broken) || n != int64(readChunk+100) {
		t.Fatalf("ReadFrom over a failing reader = %d, %v; want %d, %v", n, err, readChunk+100, broken)
	}
	if got := v.Progress().Lines; got == 0 {
		t.Fatalf("nothing of what was read before the error was matched")
	}
}
