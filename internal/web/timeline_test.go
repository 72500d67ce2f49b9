package web

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the rendered output (go test -update rewrites it):\n%s", p, got)
	}
}

var ladder = []reqData{{Marker: "boot ok", Phase: "boot"}, {Marker: "memory ok", Phase: "boot"}, {Marker: "timer ready", Phase: "devices"}, {Marker: "all done", Phase: "end"}}

// TestTimelineGolden pins the SVG of a boot that missed one marker.
func TestTimelineGolden(t *testing.T) {
	marks := []markData{
		{Marker: "boot ok", Kind: "ok", Phase: "boot", Line: 9, AtMS: 209},
		{Marker: "memory ok", Kind: "ok", Phase: "boot", Line: 11, AtMS: 212},
		{Marker: "net stub", Kind: "stub", Phase: "devices", Line: 12, AtMS: 212},
		{Marker: "crc <check>", Kind: "diag", Phase: "selftest", Line: 13, AtMS: 213},
		{Marker: "all done", Kind: "ok", Phase: "end", Line: 15, AtMS: 217},
	}
	tl := buildTimeline(1, marks, []string{"boot", "devices", "selftest", "end"}, ladder, "L", false)
	b, err := render("timeline", tl)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "timeline.svg.golden", b)
	if !strings.Contains(string(b), "crc &lt;check&gt;") {
		t.Error("marker text not escaped")
	}
}

// TestTimelineRules: arrival order, missing and pending markers, lanes in
// phase order, times or lines on the axis.
func TestTimelineRules(t *testing.T) {
	marks := []markData{
		{Marker: "memory ok", Kind: "ok", Phase: "boot", Line: 11, AtMS: 30},
		{Marker: "boot ok", Kind: "ok", Phase: "boot", Line: 9, AtMS: 10},
	}
	tl := buildTimeline(2, marks, []string{"end", "boot"}, ladder, "s2-L", false)
	if len(tl.Lanes) != 3 || tl.Lanes[0].Label != "end" || tl.Lanes[1].Label != "boot" || tl.Lanes[2].Label != "devices" {
		t.Errorf("lanes %+v", tl.Lanes)
	}
	var missing []string
	for _, p := range tl.Points {
		switch {
		case p.Missing:
			missing = append(missing, p.Marker)
			if !strings.Contains(p.Class, "missing") {
				t.Errorf("missing %s drawn as %q", p.Marker, p.Class)
			}
		case p.Marker == "memory ok" && (p.Order != 1 || p.Href != "#s2-L11"):
			t.Errorf("memory ok: %+v", p)
		case p.Marker == "boot ok" && p.Order != 2:
			t.Errorf("boot ok: %+v", p)
		}
	}
	if strings.Join(missing, ",") != "timer ready,all done" {
		t.Errorf("missing %v", missing)
	}
	running := buildTimeline(1, marks, nil, ladder, "L", true)
	for _, p := range running.Points {
		if p.Missing && !strings.Contains(p.Class, "pending") {
			t.Errorf("while running, %s is %q, want pending", p.Marker, p.Class)
		}
	}
	byLine := buildTimeline(1, []markData{{Marker: "boot ok", Line: 9, AtMS: -1}}, nil, nil, "L", false)
	if !strings.Contains(byLine.Axis, "console line") {
		t.Errorf("untimed axis %q", byLine.Axis)
	}
	if empty := buildTimeline(1, nil, nil, nil, "L", false); empty.Empty == "" {
		t.Error("no marks, no message")
	}
}
