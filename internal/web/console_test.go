package web

import (
	"strings"
	"testing"
)

// TestDisplayText: console bytes are shown the way the verifier read them.
func TestDisplayText(t *testing.T) {
	for _, c := range []struct{ raw, want string }{
		{"plain", "plain"},
		{"\x1b[1;32mgreen\x1b[0m text", "green text"},
		{"SeaBIOS\x1bc", "SeaBIOS"},
		{"a\x00b", "ab"},
		{"progress 10%\rprogress 100%", "progress 10% \u240d progress 100%"},
		{"boot ok\r", "boot ok"},
		{"bell\x07", "bell\u2407"},
		{"bad \xff utf8", "bad \ufffd utf8"},
		{"tab\there", "tab\there"},
		{"</script>", "</script>"}, // escaping is the template's job, not this one's
	} {
		if got := displayText([]byte(c.raw)); got != c.want {
			t.Errorf("displayText(%q) = %q, want %q", c.raw, got, c.want)
		}
	}
}

// TestSplitConsole counts lines as the verifier does.
func TestSplitConsole(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want int
	}{{"", 0}, {"a", 1}, {"a\n", 1}, {"a\nb", 2}, {"\n\n", 2}, {"a\r\nb\r\n", 2}} {
		if got := len(splitConsole([]byte(c.raw))); got != c.want {
			t.Errorf("splitConsole(%q): %d lines, want %d", c.raw, got, c.want)
		}
	}
}

// TestNearMiss is the rule table of what counts as nearly a marker.
func TestNearMiss(t *testing.T) {
	targets := []nearTarget{
		{Marker: "minios: timer ready", Required: true, Missing: true},
		{Marker: "minios: boot ok", Required: true},
		{Marker: "SELFTEST: ipc ok"},
	}
	for _, c := range []struct {
		line, marker, why string
	}{
		{"Minios:  Timer READY.", "minios: timer ready", "only in case"},
		{"[WARN] minios: boot ok (late)", "minios: boot ok", "inside a longer line"},
		{"minios: timer redy", "minios: timer ready", "nearly spells the missing marker"},
		{"minios: timre ready", "minios: timer ready", "nearly spells"},
		{"minios: boot okay!", "minios: boot ok", "inside a longer line"},
		{"minios: boot ko", "", ""}, // a near spelling of a marker that did appear is no news
		{"minios: memory ok", "", ""},
		{"SELFTEST: ipc FAIL", "", ""},
		{"", "", ""},
		{"---", "", ""},
		{"timer", "", ""},
	} {
		m, why := nearMiss(c.line, targets)
		if m != c.marker || !strings.Contains(why, c.why) {
			t.Errorf("nearMiss(%q) = %q, %q; want %q, …%s…", c.line, m, why, c.marker, c.why)
		}
	}
}

// TestRenderConsole: lines carry anchors, markers, the failure and near
// misses; a long console shows its head and tail.
func TestRenderConsole(t *testing.T) {
	raw := "noise\r\nboot ok\r\nBoot OK\r\nselftest FAIL\r\n"
	lines, hidden := renderConsole(consoleInput{
		Raw: []byte(raw), FirstLine: 1, Anchor: "s2-L",
		Marks:       map[int]markData{2: {Marker: "boot ok", Kind: "ok", Phase: "boot", Line: 2}, 4: {Marker: "selftest FAIL", Kind: "fail", Line: 4}},
		FailureLine: 4, FailureNote: "FORBIDDEN: selftest FAIL",
		Targets: []nearTarget{{Marker: "boot ok", Required: true}},
	})
	if hidden != 0 || len(lines) != 4 {
		t.Fatalf("%d lines, %d hidden", len(lines), hidden)
	}
	want := []struct{ anchor, class string }{{"s2-L1", ""}, {"s2-L2", "m-ok"}, {"s2-L3", "near"}, {"s2-L4", "failure m-fail"}}
	for i, w := range want {
		if lines[i].Anchor != w.anchor || lines[i].Class != w.class {
			t.Errorf("line %d: %q %q, want %q %q", i+1, lines[i].Anchor, lines[i].Class, w.anchor, w.class)
		}
	}
	if !strings.Contains(lines[3].Note, "FORBIDDEN") || !strings.Contains(lines[3].Note, "fail marker") {
		t.Errorf("failure note %q", lines[3].Note)
	}

	long := strings.Repeat("x\n", MaxConsoleLines+100)
	lines, hidden = renderConsole(consoleInput{Raw: []byte(long), FirstLine: 1, Anchor: "L"})
	if hidden != 100 || len(lines) != MaxConsoleLines+1 || lines[MaxConsoleLines/2].Class != "gap" || lines[len(lines)-1].N != MaxConsoleLines+100 {
		t.Errorf("long console: %d lines, %d hidden", len(lines), hidden)
	}
}
