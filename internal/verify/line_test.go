package verify

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestConsoleLineModel is the rule of docs/contract.md ("The console-line
// model"), one row per case: which console lines count as the exact
// marker, and for those that do not, what the near miss says.
func TestConsoleLineModel(t *testing.T) {
	tests := []struct {
		name   string
		marker string
		line   string
		seen   bool
		reason string // near-miss reason (substring) when not seen
	}{
		// Line ends and terminal control.
		{"plain", "NEURON", "NEURON", true, ""},
		{"CRLF", "NEURON", "NEURON\r", true, ""},
		{"progress line overwritten by the marker", "NEURON", "loading 10%\rloading 90%\rNEURON", true, ""},
		{"marker later overwritten on the terminal", "NEURON", "NEURON\r        \r", true, ""},
		{"ANSI colour and cursor", "NEURON", "\x1b[0;32m\x1b[01;01HNEURON\x1b[0m\x1b[K", true, ""},
		{"OSC title", "NEURON", "\x1b]0;qemu\x07NEURON", true, ""},
		// Well-known prefixes.
		{"printk timestamp", "Run /init as init process", "[    3.544346] Run /init as init process", true, ""},
		{"printk timestamp and caller", "Run /init as init process", "[    3.544346][    T1] Run /init as init process", true, ""},
		{"kmsg level and timestamp", "Run /init as init process", "<6>[    3.544346] Run /init as init process", true, ""},
		{"[LEVEL tag]", "SELFTEST: vfs ok", "[INFO selftest] SELFTEST: vfs ok", true, ""},
		{"[LEVEL tag] twice blank", "SELFTEST: vfs ok", "[INFO selftest]  SELFTEST: vfs ok", true, ""},
		{"systemd OK tag", "Reached target Multi-User System.", "[  OK  ] Reached target Multi-User System.", true, ""},
		{"env_logger", "boot ok", "[2024-05-06T12:34:56Z INFO  kernel] boot ok", true, ""},
		{"ISO timestamp and level word", "boot ok", "2024-05-06T12:34:56.123Z INFO boot ok", true, ""},
		{"clock time", "boot ok", "12:34:56.789 boot ok", true, ""},
		{"zephyr", "boot ok", "[00:00:00.012,345] <inf> boot ok", true, ""},
		// Glued output.
		{"SeaBIOS glue", "NEURON", "Booting from ROM..NEURON", true, ""},
		{"glue then prefix", "init: start", "UB[DEBUG sched] init: start", true, ""},
		{"glue of binary noise", "NEURON", "\xff\xfeNEURON", true, ""},
		{"glue against a non-word marker start", "*** boot ok", "abc*** boot ok", true, ""},
		// Rejected: other text, words, failures.
		{"text after", "SELFTEST: ipc ok", "SELFTEST: ipc ok FAIL", false, "reports a failure"},
		{"value after", "boot ok", "boot ok (3 ms)", false, "text after the marker"},
		{"inside a longer word", "NEURON", "xNEURON", false, "continues the word"},
		{"glued to a word", "keystored: ready", "UBkeystored: ready", false, "continues the word"},
		{"digit before a word", "NEURON", "12NEURON", false, "continues the word"},
		{"words before", "boot ok", "waiting for boot ok", false, "not a known prefix"},
		{"words before a prefix", "boot ok", "waiting for [x] boot ok", false, "not a known prefix"},
		{"another message", "boot ok", "init: boot ok", false, "not a known prefix"},
		{"failure prefix", "Run /init", "[ERROR init] Run /init", false, "reports a failure"},
		{"systemd FAILED tag", "Started foo.", "[FAILED] Started foo.", false, "reports a failure"},
		{"failure glued before", "all done", "selftest FAILall done", false, "reports a failure"},
		{"failure word glued before", "all done", "fail:all done", false, "reports a failure"},
		{"case differs", "boot ok", "BOOT OK", false, ""},
		{"bracket too long to be a prefix", "boot ok", "[" + strings.Repeat("x", 70) + "] boot ok", false, "not a known prefix"},
		{"version number is no timestamp", "boot ok", "1.2.3 boot ok", false, "not a known prefix"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := &Spec{Markers: []Marker{{Text: tc.marker, Mode: Exact, Kind: KindOK, Required: true}}}
			r := verifyString(t, spec, tc.line+"\n", End{})
			if got := r.Verdict == Pass; got != tc.seen {
				t.Fatalf("%q: seen %v, want %v (%s %+v)", tc.line, got, tc.seen, r.Verdict, r.Failure)
			}
			if tc.seen {
				return
			}
			if tc.reason == "" {
				if len(r.NearMisses) != 0 {
					t.Fatalf("near misses %+v, want none", r.NearMisses)
				}
				return
			}
			if len(r.Failure.NearMisses) != 1 || !strings.Contains(r.Failure.NearMisses[0].Reason, tc.reason) || r.Failure.NearMisses[0].Fix == "" || r.Failure.NearMisses[0].Line != 1 {
				t.Fatalf("near misses %+v, want one on line 1 whose reason says %q", r.Failure.NearMisses, tc.reason)
			}
		})
	}
}

// TestForbiddenLead: a failure marker is found behind any prefix that a
// success marker may follow, also one that reports a failure itself.
func TestForbiddenLead(t *testing.T) {
	spec := &Spec{
		Markers:   []Marker{req("all done")},
		Forbidden: []Marker{failMarker("selftest FAIL")},
	}
	for _, line := range []string{"[ERROR t] selftest FAIL", "Booting from ROM..selftest FAIL", "[    1.000000] selftest FAIL"} {
		if r := verifyString(t, spec, line+"\nall done\n", End{}); r.Verdict != Forbidden || r.Failure.Line != 1 {
			t.Errorf("%q: %s %+v", line, r.Verdict, r.Failure)
		}
	}
	// Not glued into a word, though.
	if r := verifyString(t, spec, "reselftest FAIL\nall done\n", End{}); r.Verdict != Pass {
		t.Errorf("a word ending in the fail text: %s %+v", r.Verdict, r.Failure)
	}
}

// TestPrefixMarkerAfterTokens: a prefix marker may follow prefix tokens;
// a success prefix marker is not seen on a line that reports a failure.
func TestPrefixMarkerAfterTokens(t *testing.T) {
	spec := &Spec{Markers: []Marker{{Text: "statefsd: compaction done (gen=", Mode: Prefix, Kind: KindOK, Required: true}}}
	for _, tc := range []struct {
		line string
		seen bool
	}{
		{"statefsd: compaction done (gen=3)", true},
		{"[  12.5] statefsd: compaction done (gen=3)", true},
		{"[INFO statefsd] statefsd: compaction done (gen=3)", true},
		{"statefsd: compaction done (gen=3) FAIL", false},
		{"x statefsd: compaction done (gen=3)", false},
	} {
		if r := verifyString(t, spec, tc.line+"\n", End{}); (r.Verdict == Pass) != tc.seen {
			t.Errorf("%q: %s, want seen %v", tc.line, r.Verdict, tc.seen)
		}
	}
}

// TestSubstringFailureLine: upstream matches literals anywhere in a line;
// a line that also reports a failure is not the marker (issue: a required
// literal plus a failure word counted as the marker).
func TestSubstringFailureLine(t *testing.T) {
	spec := &Spec{Markers: []Marker{{Text: "SELFTEST: vfs ok", Mode: Substring, Kind: KindOK, Required: true}}}
	for _, tc := range []struct {
		line   string
		seen   bool
		reason string
	}{
		{"UBSELFTEST: vfs ok", true, ""},
		{"[INFO selftest] SELFTEST: vfs ok", true, ""},
		{"SELFTEST: vfs ok FAIL", false, "reports a failure"},
		{"SELFTEST: vfs ok (retry) error", false, "reports a failure"},
		{"ERROR: SELFTEST: vfs ok", false, "reports a failure"},
	} {
		r := verifyString(t, spec, tc.line+"\n", End{})
		if (r.Verdict == Pass) != tc.seen {
			t.Errorf("%q: %s, want seen %v", tc.line, r.Verdict, tc.seen)
			continue
		}
		if !tc.seen && (len(r.Failure.NearMisses) != 1 || !strings.Contains(r.Failure.NearMisses[0].Reason, tc.reason)) {
			t.Errorf("%q: near misses %+v", tc.line, r.Failure.NearMisses)
		}
	}
	// A diag marker holds its line whatever it says.
	diag := &Spec{Markers: []Marker{req("end"), {Text: "audit emit", Mode: Substring, Kind: KindDiag}}}
	if r := verifyString(t, diag, "policyd: audit emit FAIL\nend\n", End{}); r.Verdict != Pass || len(r.Warnings) != 0 || len(r.Seen) != 2 {
		t.Errorf("diag: %s warnings %+v seen %+v", r.Verdict, r.Warnings, r.Seen)
	}
}

// TestNearMissOtherMarker: a line that counts as a longer marker is a near
// miss of the shorter one.
func TestNearMissOtherMarker(t *testing.T) {
	spec := &Spec{Markers: []Marker{
		{Text: "init: start", Mode: Substring, Kind: KindOK, Required: true},
		{Text: "init: start keystored", Mode: Substring, Kind: KindOK, Required: true},
	}}
	r := verifyString(t, spec, "init: start keystored\n", End{})
	if r.Verdict != Missing || r.Failure.Marker != "init: start" {
		t.Fatalf("%s %+v", r.Verdict, r.Failure)
	}
	if n := r.Failure.NearMisses; len(n) != 1 || !strings.Contains(n[0].Reason, `counts as marker "init: start keystored"`) {
		t.Fatalf("near misses %+v", n)
	}
	// Near misses are bounded per marker, and dropped once it appears.
	var b strings.Builder
	for range 10 {
		b.WriteString("init: start keystored\n")
	}
	r = verifyString(t, spec, b.String(), End{})
	if len(r.NearMisses) != MaxNearMisses {
		t.Fatalf("%d near misses, want %d", len(r.NearMisses), MaxNearMisses)
	}
	r = verifyString(t, spec, b.String()+"init: start\n", End{})
	if r.Verdict != Pass || len(r.NearMisses) != 0 {
		t.Fatalf("%s near misses %+v", r.Verdict, r.NearMisses)
	}
}

// TestFailureLines: the undeclared failure lines of a good upstream boot
// are warnings with their line numbers; FailureLinesFail makes the first
// one FORBIDDEN; a diag marker silences its line.
func TestFailureLines(t *testing.T) {
	in := strings.Join([]string{
		"SELFTEST: boot ok",                     // 1
		"policyd: audit emit FAIL",              // 2: ends with a failure word
		"init: rollback fail",                   // 3
		"netstackd: net dns proof fail",         // 4
		"KSELFTEST: spawn reason map-failed ok", // 5: "map-failed" is no failure word
		"SELFTEST: net FAIL rc=3",               // 6: a failure word in a proof namespace
		"[INFO x] SELFTEST: dns error 2",        // 7: after a prefix token too
		"no failure here: failover",             // 8
		"dbg: probe fail",                       // 9: declared diag
		"SELFTEST: end",                         // 10
	}, "\n") + "\n"
	spec := func() *Spec {
		return &Spec{
			Markers: []Marker{
				req("SELFTEST: boot ok"), req("SELFTEST: end"),
				{Text: "KSELFTEST: spawn reason map-failed ok", Kind: KindOK},
				{Text: "dbg: probe fail", Kind: KindDiag},
			},
			Undeclared: []string{"SELFTEST: ", "KSELFTEST: "},
		}
	}
	r := verifyString(t, spec(), in, End{})
	if r.Verdict != Pass {
		t.Fatalf("%s %+v", r.Verdict, r.Failure)
	}
	var got []string
	for _, w := range r.Warnings {
		got = append(got, fmt.Sprintf("%d:%s", w.Line, w.Word))
	}
	if want := "2:FAIL 3:fail 4:fail 6:FAIL 7:error"; strings.Join(got, " ") != want {
		t.Fatalf("warnings %q, want %q", got, want)
	}
	strict := spec()
	strict.FailureLines = FailureLinesFail
	r = verifyString(t, strict, in, End{})
	if r.Verdict != Forbidden || r.Failure.Line != 2 || r.Failure.Marker != "failure-line" || !strings.Contains(r.Failure.Message, "audit emit FAIL") {
		t.Fatalf("strict: %s %+v", r.Verdict, r.Failure)
	}
	// The cap.
	r = verifyString(t, &Spec{Markers: []Marker{req("x")}}, strings.Repeat("a fail\n", MaxWarnings+5)+"x\n", End{})
	if len(r.Warnings) != MaxWarnings || r.WarningsDropped != 5 {
		t.Fatalf("%d warnings, %d dropped", len(r.Warnings), r.WarningsDropped)
	}
}

// TestGroups: members are required once a trigger appeared; an any-of
// group needs one member.
func TestGroups(t *testing.T) {
	spec := &Spec{
		Markers: []Marker{
			req("init: start"),
			{Text: "init: start metricsd", Mode: Substring, Kind: KindOK},
			{Text: "metricsd: ready", Mode: Substring, Kind: KindOK},
			req("init: ready"),
		},
		Groups: []Group{{ID: "metricsd", Members: []string{"init: start metricsd", "metricsd: ready"}, Triggers: []string{"init: start metricsd", "metricsd: ready"}, Why: "ladder group (overlay.toml:9)"}},
	}
	for _, tc := range []struct {
		in      string
		verdict Verdict
		marker  string
	}{
		{"init: start\ninit: ready\n", Pass, ""},
		{"init: start\ninit: start metricsd\nmetricsd: ready\ninit: ready\n", Pass, ""},
		{"init: start\ninit: start metricsd\ninit: ready\n", Missing, "metricsd: ready"},
		{"init: start\ninit: ready\nmetricsd: ready\n", Missing, "init: start metricsd"},
	} {
		r := verifyString(t, spec, tc.in, End{})
		if r.Verdict != tc.verdict || tc.marker != "" && r.Failure.Marker != tc.marker {
			t.Errorf("%q: %s %+v", tc.in, r.Verdict, r.Failure)
		}
		if tc.marker != "" && !strings.Contains(r.Failure.Message, "required by metricsd because") {
			t.Errorf("%q: message %q does not say why", tc.in, r.Failure.Message)
		}
	}
	v := mustNew(t, spec, Options{})
	v.Write([]byte("init: start\ninit: ready\n"))
	if !v.Decided() {
		t.Fatal("not decided before the trigger")
	}
	v.Write([]byte("metricsd: ready\n"))
	if v.Decided() {
		t.Fatal("decided although the triggered group lacks a member")
	}

	anyOf := &Spec{
		Markers: []Marker{{Text: "SELFTEST: end", Mode: Substring}, {Text: "e2e ok", Mode: Substring}},
		Groups:  []Group{{ID: "the last phase", Members: []string{"SELFTEST: end", "e2e ok"}, AnyOf: true}},
	}
	if r := verifyString(t, anyOf, "boot\ne2e ok\n", End{}); r.Verdict != Pass {
		t.Errorf("any-of: %s %+v", r.Verdict, r.Failure)
	}
	if r := verifyString(t, anyOf, "boot\n", End{}); r.Verdict != Missing || !strings.Contains(r.Failure.Message, "none of the 2 markers of the last phase") {
		t.Errorf("any-of missing: %s %+v", r.Verdict, r.Failure)
	}
	for _, bad := range []Group{
		{ID: "g", Members: []string{"nope"}},
		{ID: "g"},
		{ID: "g", Members: []string{"init: start"}},
		{ID: "g", Members: []string{"metricsd: ready"}, Triggers: []string{"gone"}},
	} {
		s := *spec
		s.Groups = []Group{bad}
		if _, err := New(&s, Options{}); err == nil {
			t.Errorf("group %+v accepted", bad)
		}
	}
}

// TestAfterIfSeen: an optional marker that appears must come before the
// markers that follow it.
func TestAfterIfSeen(t *testing.T) {
	spec := &Spec{Markers: []Marker{
		req("init: up logd"),
		{Text: "init: up metricsd", Kind: KindOK},
		req("init: start samgrd", "init: up logd"),
	}}
	spec.Markers[2].AfterIfSeen = []string{"init: up metricsd"}
	for _, tc := range []struct {
		in      string
		verdict Verdict
		marker  string
	}{
		{"init: up logd\ninit: start samgrd\n", Pass, ""},
		{"init: up logd\ninit: up metricsd\ninit: start samgrd\n", Pass, ""},
		{"init: up logd\ninit: start samgrd\ninit: up metricsd\n", Order, "init: up metricsd"},
	} {
		r := verifyString(t, spec, tc.in, End{})
		if r.Verdict != tc.verdict || tc.marker != "" && (r.Failure.Marker != tc.marker || r.Failure.Line != 3) {
			t.Errorf("%q: %s %+v", tc.in, r.Verdict, r.Failure)
		}
	}
}

// FuzzLineModel checks the rule's properties on any marker and any text
// around it: a marker followed by other text never counts; one that
// continues a word never counts; behind a printk timestamp it always
// counts; and acceptance never depends on where the stream was cut.
func FuzzLineModel(f *testing.F) {
	f.Add("NEURON", "Booting from ROM..", " FAIL")
	f.Add("Run /init as init process", "[    3.544346] ", "")
	f.Add("SELFTEST: ipc ok", "x", " 3")
	f.Add("keystored: ready", "UB", "")
	f.Add("*** ok", "[ERROR a] ", "\x1b[0m")
	f.Fuzz(func(t *testing.T, marker, lead, tail string) {
		marker = strings.TrimSpace(marker)
		if marker == "" || strings.ContainsAny(marker+lead+tail, "\n\r\x1b\x00") || !utf8.ValidString(marker) {
			return
		}
		spec := &Spec{Markers: []Marker{{Text: marker, Mode: Exact, Kind: KindOK, Required: true}}}
		seen := func(line string) bool {
			return verifyString(t, spec, line+"\n", End{}).Verdict == Pass
		}
		if tail = strings.TrimRight(tail, " \t"); tail != "" && !strings.HasSuffix(marker+tail, marker) && seen(marker+tail) {
			// Only a line that ends with the marker counts.
			t.Fatalf("%q counts as %q: text after the marker", marker+tail, marker)
		}
		if lead != "" && lastRuneIsWord([]byte(lead)) && firstRuneIsWord(marker) && !strings.HasSuffix(lead+marker, " "+marker) {
			line := lead + marker
			// Unless the whole line equals the marker by itself.
			if line != marker && !seenWithShorterLead(marker, line) && seen(line) {
				t.Fatalf("%q counts as %q: the marker continues a word", line, marker)
			}
		}
		if !seen(fmt.Sprintf("[%5d.%06d] %s", len(lead), len(tail), marker)) {
			t.Fatalf("%q behind a printk timestamp does not count", marker)
		}
		line := lead + marker + "\n"
		want := verifyString(t, spec, line, End{}).Verdict
		for cut := 1; cut < len(line); cut++ {
			if got := verifyChunks(t, spec, Options{}, []byte(line), []int{cut}, End{}).Verdict; got != want {
				t.Fatalf("%q cut at %d: %s, whole: %s", line, cut, got, want)
			}
		}
	})
}

// seenWithShorterLead reports whether line also ends with the marker at an
// earlier place where its lead is acceptable: "aNEURONNEURON" holds
// "NEURON" glued to "aNEURON", which does not count, but the property is
// about the last occurrence only.
func seenWithShorterLead(marker, line string) bool {
	return strings.Count(line, marker) > 1
}

// TestFailureWordStarts: lastWordFailure skips a line whose failure word
// could not start where its length says; every failure word, in every
// case and after any punctuation, must pass that test.
func TestFailureWordStarts(t *testing.T) {
	for _, w := range failureWords {
		for _, form := range []string{w, strings.ToUpper(w), strings.ToUpper(w[:1]) + w[1:]} {
			for _, line := range []string{form, "x " + form, "x (" + form + ")", "x " + form + ":"} {
				if got := lastWordFailure([]byte(line)); string(got) != form {
					t.Errorf("lastWordFailure(%q) = %q, want %q", line, got, form)
				}
			}
		}
	}
	for _, line := range []string{"resolve found", "3 dropped", "state=ready", "terror", "fail2", "a failed-ish"} {
		if got := lastWordFailure([]byte(line)); got != nil {
			t.Errorf("lastWordFailure(%q) = %q, want nil", line, got)
		}
	}
}
