package web

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

// The marker timeline: when each marker appeared, one lane per phase,
// drawn as SVG on the server (no script needed).

// Timeline geometry, in SVG user units.
const (
	tlWidth     = 960
	tlPlotX0    = 130
	tlPlotX1    = 930
	tlLaneTop   = 8
	tlLaneBase  = 26 // circle centre below the lane's top
	tlLabelRow  = 15
	tlAxisH     = 34
	tlMaxPoints = 400 // more occurrences are counted, not drawn
	tlMaxLabels = 60  // more points keep their tooltips, not their labels
	tlMinGap    = 18  // between two circles of one lane
)

// markData is one marker occurrence, with its time when known (AtMS < 0:
// unknown).
type markData struct {
	Marker string
	Kind   string
	Phase  string
	Line   int
	AtMS   int64
}

type timeline struct {
	Step    int
	Width   int
	Height  int
	Axis    string
	PlotX0  int
	PlotX1  int
	AxisY   int
	TickY   int
	Lanes   []tlLane
	Ticks   []tlTick
	Points  []tlPoint
	Omitted int    // occurrences not drawn (over tlMaxPoints)
	Empty   string // shown instead of a chart
}

type tlLane struct {
	Y, H, LabelY int
	Label        string
	Odd          bool
}

type tlTick struct {
	X     int
	Label string
}

type tlPoint struct {
	X, Y           int
	Order          int
	Marker         string
	Kind           string
	Phase          string
	Class          string
	Required       bool
	Missing        bool
	Label          string
	LabelX, LabelY int
	Title          string
	Href           string
	At             string
}

// fmtMS renders a duration in milliseconds for axis labels and tooltips.
func fmtMS(ms int64) string {
	switch {
	case ms < 1000:
		return fmt.Sprintf("%d ms", ms)
	case ms < 60000:
		return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64) + " s"
	}
	return fmt.Sprintf("%dm%02ds", ms/60000, ms/1000%60)
}

// niceStep is a tick step of 1, 2 or 5 times a power of ten giving at most
// eight ticks over span.
func niceStep(span float64) float64 {
	if span <= 0 {
		return 1
	}
	raw := span / 8
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// buildTimeline lays out the marker occurrences of one console. phases
// orders the lanes (lanes for phases no marker has are dropped); required
// markers never seen are drawn hollow at the right end of their lane.
// anchor prefixes console line anchors ("L", "s2-L").
//
// While the run is still going (running), a required marker not seen yet
// is pending, not missing.
func buildTimeline(step int, marks []markData, phases []string, required []reqData, anchor string, running bool) timeline {
	tl := timeline{Step: step, Width: tlWidth, PlotX0: tlPlotX0, PlotX1: tlPlotX1}
	timed := true
	for _, m := range marks {
		if m.AtMS < 0 {
			timed = false
		}
	}
	seen := map[string]bool{}
	for _, m := range marks {
		seen[m.Marker] = true
	}
	var missing []reqData
	for _, r := range required {
		if !seen[r.Marker] {
			missing = append(missing, r)
		}
	}
	if len(marks) == 0 && len(missing) == 0 {
		tl.Empty = "no marker appeared"
		if running {
			tl.Empty = "no marker yet"
		}
		return tl
	}
	if len(marks) > tlMaxPoints {
		tl.Omitted = len(marks) - tlMaxPoints
		marks = marks[:tlMaxPoints]
	}
	tl.Axis = "time since the command started"
	val := func(m markData) float64 { return float64(m.AtMS) }
	if !timed {
		tl.Axis = "console line (arrival times were not recorded)"
		val = func(m markData) float64 { return float64(m.Line) }
	}
	// The axis spans the markers, not the boot before them: a guest that
	// prints its ladder within 10 ms of a 200 ms firmware start is drawn
	// readable. It starts at 0 unless the first marker is late.
	lo, hi := math.Inf(1), 1.0
	for _, m := range marks {
		lo = math.Min(lo, val(m))
		hi = math.Max(hi, val(m))
	}
	if math.IsInf(lo, 1) {
		lo = 0
	}
	span := hi - lo
	if lo < 0.25*hi || span <= 0 {
		lo, span = 0, hi
	}
	step10 := niceStep(span)
	step10 = math.Max(step10, 1) // times are whole milliseconds, lines whole lines
	lo = math.Floor((lo-span*0.05)/step10) * step10
	lo = math.Max(lo, 0)
	hi = math.Ceil((hi+span*0.02)/step10) * step10
	if hi <= lo {
		hi = lo + step10
	}
	x := func(v float64) int {
		return tlPlotX0 + int(math.Round((v-lo)/(hi-lo)*float64(tlPlotX1-tlPlotX0)))
	}

	// Lanes: the given phase order, then phases seen only in marks, then
	// one lane for markers without a phase.
	var order []string
	have := map[string]bool{}
	add := func(p string) {
		if !have[p] {
			have[p] = true
			order = append(order, p)
		}
	}
	used := map[string]bool{}
	for _, m := range marks {
		used[m.Phase] = true
	}
	for _, r := range missing {
		used[r.Phase] = true
	}
	for _, p := range phases {
		if used[p] {
			add(p)
		}
	}
	for _, m := range marks {
		add(m.Phase)
	}
	for _, r := range missing {
		add(r.Phase)
	}
	reqSet := map[string]bool{}
	for _, r := range required {
		reqSet[r.Marker] = true
	}

	type placed struct {
		pt   tlPoint
		lane string
	}
	var pts []placed
	for i, m := range marks {
		p := tlPoint{X: x(val(m)), Order: i + 1, Marker: m.Marker, Kind: m.Kind, Phase: m.Phase, Required: reqSet[m.Marker],
			Href: "#" + anchor + strconv.Itoa(m.Line)}
		p.Class = "mark " + markClass(m.Kind)
		if p.Required {
			p.Class += " required"
		}
		when := fmt.Sprintf("line %d", m.Line)
		if timed {
			p.At = fmtMS(m.AtMS)
			when = p.At + ", " + when
		}
		p.Title = fmt.Sprintf("%d. %s (%s) at %s", p.Order, m.Marker, m.Kind, when)
		p.Label = m.Marker
		pts = append(pts, placed{p, m.Phase})
	}
	for _, r := range missing {
		p := tlPoint{X: tlPlotX1, Marker: r.Marker, Phase: r.Phase, Required: true, Missing: true, Class: "mark missing required",
			Label: "missing: " + r.Marker, Title: "required marker never appeared: " + r.Marker}
		if running {
			p.Class, p.Label, p.Title = "mark pending required", "waiting: "+r.Marker, "required marker not seen yet: "+r.Marker
		}
		pts = append(pts, placed{p, r.Phase})
	}
	labels := len(pts) <= tlMaxLabels

	y := tlLaneTop
	for li, lane := range order {
		rows := []int{} // right end of the last label in each row
		var idx []int
		for i := range pts {
			if pts[i].lane == lane {
				idx = append(idx, i)
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return pts[idx[a]].pt.X < pts[idx[b]].pt.X })
		// Circles closer than their size are moved apart, in order, so
		// every occurrence stays visible; the tooltip keeps the time.
		for k := 1; k < len(idx); k++ {
			prev, cur := &pts[idx[k-1]].pt, &pts[idx[k]].pt
			if !cur.Missing && cur.X < prev.X+tlMinGap {
				cur.X = prev.X + tlMinGap
			}
		}
		for _, i := range idx {
			p := &pts[i].pt
			p.Y = y + tlLaneBase
			if !labels {
				p.Label = ""
				continue
			}
			w := 7*len([]rune(p.Label)) + 6
			lx := p.X - 4
			if p.Missing {
				lx = p.X - w + 8
			}
			lx = max(lx, tlPlotX0-4)
			if lx+w > tlWidth {
				lx = tlWidth - w
			}
			row := -1
			for r, end := range rows {
				if lx > end {
					row = r
					break
				}
			}
			if row < 0 {
				rows = append(rows, 0)
				row = len(rows) - 1
			}
			rows[row] = lx + w
			p.LabelX, p.LabelY = lx, p.Y+22+row*tlLabelRow
		}
		h := tlLaneBase + 14 + len(rows)*tlLabelRow
		label := lane
		if label == "" {
			label = "(no phase)"
		}
		tl.Lanes = append(tl.Lanes, tlLane{Y: y, H: h, LabelY: y + tlLaneBase + 4, Label: label, Odd: li%2 == 1})
		y += h
	}
	tl.AxisY = y + 6
	tl.TickY = tl.AxisY + 5
	for v := lo; v <= hi+step10/2; v += step10 {
		label := strconv.FormatFloat(v, 'f', -1, 64)
		if timed {
			label = fmtMS(int64(v))
		}
		tl.Ticks = append(tl.Ticks, tlTick{X: x(v), Label: label})
	}
	tl.Height = tl.AxisY + tlAxisH
	for _, p := range pts {
		tl.Points = append(tl.Points, p.pt)
	}
	return tl
}
