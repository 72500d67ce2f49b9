package verify

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fuzzSpecs exercise every index: exact map, trie, per-chunk literals,
// Aho-Corasick, regexes with and without a literal, the log prefix and a
// small line cap.
func fuzzSpecs() []*Spec {
	base := &Spec{
		Phases: []string{"boot", "run"},
		Markers: []Marker{
			{Text: "boot ok", Mode: Exact, Phase: "boot", Required: true},
			{Text: "a", Mode: Exact, Phase: "run", Required: true, Min: 2, After: []string{"boot ok"}},
			{Text: "SELF", Mode: Prefix, Phase: "run"},
			{Text: "SELFTEST: ", Mode: Prefix, Phase: "run", Max: 3},
			{Text: `^cpu[0-9]+$`, Mode: Regex, Phase: "boot", Required: true},
			{Text: `(?i)re.dy`, Mode: Regex},
			{Text: "ok!", Mode: Substring, Max: 2},
		},
		Forbidden: []Marker{
			{Text: "boot FAIL", Mode: Exact, Kind: KindFail},
			{Text: "panic", Mode: Substring},
			{Text: "FAIL:", Mode: Prefix},
			{Text: `x{3}`, Mode: Regex},
		},
		Unexpected: []Marker{
			{Text: "gpu", Mode: Substring},
			{Text: "a b", Mode: Exact},
		},
		LogPrefix:    regexp.MustCompile(`\[[A-Z]+\]`),
		MaxLineBytes: 24,
	}
	many := &Spec{Markers: []Marker{{Text: "z", Mode: Exact, Required: true}}}
	for i := range lazyLiteralMax + 4 {
		many.Markers = append(many.Markers, Marker{Text: fmt.Sprintf("s%x", i), Mode: Substring, Max: 4})
	}
	many.Forbidden = []Marker{{Text: "s1F", Mode: Substring}, {Text: "s2 ", Mode: Prefix}}
	// Long literals go through the window hash; two short ones and the
	// default panic patterns through anchors.
	long := &Spec{Markers: []Marker{{Text: "SELFTEST: end", Mode: Exact, Required: true}}}
	for i := range lazyLiteralMax + 8 {
		long.Markers = append(long.Markers, Marker{Text: fmt.Sprintf("SELFTEST: t%d ok", i), Mode: Substring, Max: 3})
	}
	long.Markers = append(long.Markers, Marker{Text: "ab", Mode: Substring}, Marker{Text: "ready!", Mode: Substring})
	for _, p := range defaultForbidden {
		long.Forbidden = append(long.Forbidden, Marker{Text: p, Mode: Regex, Kind: KindFail})
	}
	// Many literals of five to ten bytes go through the four-byte windows.
	medium := &Spec{Markers: []Marker{{Text: "end", Mode: Exact, Required: true}}}
	for i := range lazyLiteralMax + 8 {
		medium.Markers = append(medium.Markers, Marker{Text: fmt.Sprintf("m%d ok!", i), Mode: Substring})
	}
	medium.Forbidden = []Marker{{Text: "m1 ok! x", Mode: Substring}}
	// Literals of eleven to fourteen bytes: seven-byte windows probed
	// every fifth byte, the last positions of a range without the
	// eight-byte load.
	for i := range lazyLiteralMax + 4 {
		medium.Markers = append(medium.Markers, Marker{Text: fmt.Sprintf("init: up s%d", i), Mode: Substring})
	}
	medium.Markers = append(medium.Markers, Marker{Text: "init: start keystored", Mode: Substring})
	// The console-line model: glue, prefix tokens, failure lines in a
	// proof namespace, groups and order with optional markers.
	console := &Spec{
		Phases: []string{"boot", "run"},
		Markers: []Marker{
			{Text: "NEURON", Mode: Exact, Phase: "boot", Required: true},
			{Text: "Run /init", Mode: Exact, Phase: "boot", Required: true, After: []string{"NEURON"}},
			{Text: "init: start", Mode: Exact, Phase: "run"},
			{Text: "init: up", Mode: Exact, Phase: "run", AfterIfSeen: []string{"init: start"}},
			{Text: "svc: ready", Mode: Substring, Phase: "run"},
			{Text: "ok", Mode: Exact, Kind: KindDiag},
			{Text: "SELFTEST: a ok", Mode: Exact, Required: true},
			{Text: "dbg: x FAIL", Mode: Exact, Kind: KindDiag},
			{Text: "stat: ", Mode: Prefix},
			{Text: `^n[0-9]$`, Mode: Regex},
		},
		Forbidden:  []Marker{{Text: "boom FAIL", Mode: Exact, Kind: KindFail}},
		Undeclared: []string{"SELFTEST: "},
		Groups:     []Group{{ID: "svc", Members: []string{"init: start", "init: up"}, Triggers: []string{"svc: ready"}}},
	}
	strict := *console
	strict.FailureLines = FailureLinesFail
	anyOf := &Spec{
		Markers: []Marker{{Text: "end a", Mode: Exact}, {Text: "end b", Mode: Substring}, {Text: "x", Mode: Exact}},
		Groups:  []Group{{ID: "end", Members: []string{"end a", "end b"}, AnyOf: true}},
	}
	return []*Spec{base, many, long, medium, console, &strict, anyOf}
}

func FuzzVerifier(f *testing.F) {
	seeds := []string{
		"",
		"boot ok\ncpu0\na\na\n",
		"boot ok\r\n\x1b[32mcpu1\x1b[0m\r\na\ra\n",
		"[INFO] boot ok\n[WARN]  cpu7\n\x00a\x00\na",
		"a\nboot ok\n",
		"boot ok\ncpu0\nSELFTEST: x\nSELFTEST: y\nSELFTEST: z\nSELFTEST: w\n",
		"boot ok\nkernel panic\n",
		"FAIL: it\n",
		"xx\x1b[1mx\n",
		"a b\n",
		"gpu ready\n",
		"ok! ok!\nok!\n",
		"012345678901234567890123456789 panic\n",
		"\x1b]0;title\x07boot ok\x1b\\\n\x1b(B\x1bcREADY\n",
		"\xff\xfe\xc3(\n\r\r\n",
		"s0 s1 s2 s3\ns4\x1b[0ms5 s6 s7 s8 s9 sa sb sc sd\nse sf s10\ns1F\nz",
		"x SELFTEST: t3 ok\nSELFTEST: t1\x1b[1m2 ok ab\nready! SELFTEST: t19 okSELFTEST: t3 ok\nSELFTEST: end\n",
		"SELFTEST: t0 ok\n[FATAL] x\n",
		"a PANIC b\n",
		"\x1b[31mpanic: x\n",
		"thread panicked at src\rKernel panic\n",
		"m1 ok!m2 ok! m13 ok!\x1b[0m\nm1 ok! x\nend",
		"xinit: up s3\n  init: up s12 init: start keystored\ninit: up s1\rinit: up s15\nend\n",
		"Booting from ROM..NEURON\r\n[    3.544346] Run /init\r\nSELFTEST: a ok\n",
		"xNEURON\nNEURON FAIL\n[ERROR x] Run /init\nwaiting for Run /init\n<6>[ 1.0] Run /init\n",
		"svc: ready\ninit: up\ninit: start\n\x1b[1mpolicyd: audit emit FAIL\x1b[0m\ninit: rollback fail\n",
		"SELFTEST: a ok FAIL\nSELFTEST: net 3 error x\n[INFO t] SELFTEST: b FAIL 2\ndbg: x FAIL\nboom FAIL\n",
		"12:00:01 INFO stat: 1\nstat: x failed\n[DEBUG y]n4\nUB[DEBUG sched] init: start\n",
		"end b FAIL\nend a\n",
	}
	for i, s := range seeds {
		f.Add([]byte(s), []byte{byte(i), 3, 1, 7}, uint8(i))
		f.Add([]byte(s), []byte{9, byte(i)}, uint8(i+1))
	}
	specs := fuzzSpecs()
	f.Fuzz(func(t *testing.T, data, cuts []byte, mode uint8) {
		spec := specs[int(mode)%len(specs)]
		end := []End{{}, {Exited: true}, {Exited: true, ExitCode: 3}, {TimedOut: true}, {Signal: "SIGKILL"}}[int(mode/2)%5]
		whole := verifyChunks(t, spec, Options{}, data, nil, end)

		// Invariants.
		if !slices.Contains([]Verdict{Pass, Missing, Order, Count, Forbidden, Unexpected, Timeout, NoOutput, Crash}, whole.Verdict) {
			t.Fatalf("verdict %q outside the vocabulary", whole.Verdict)
		}
		wantLines := bytes.Count(data, []byte{'\n'})
		if len(data) > 0 && data[len(data)-1] != '\n' {
			wantLines++
		}
		if whole.Lines != wantLines || whole.Bytes != int64(len(data)) {
			t.Fatalf("lines %d bytes %d, want %d and %d", whole.Lines, whole.Bytes, wantLines, len(data))
		}
		if (whole.Verdict == Pass) != (whole.Failure == nil) {
			t.Fatalf("verdict %s with failure %+v", whole.Verdict, whole.Failure)
		}
		if whole.Failure != nil && len(whole.Failure.Excerpt) > DefaultExcerptLines+1 {
			t.Fatalf("excerpt of %d lines", len(whole.Failure.Excerpt))
		}

		// Chunking does not matter.
		var at []int
		pos := 0
		for _, c := range cuts {
			pos += int(c%32) + 1
			if pos >= len(data) {
				break
			}
			at = append(at, pos)
		}
		if diff := compareResults(whole, verifyChunks(t, spec, Options{}, data, at, end)); diff != "" {
			t.Fatalf("chunked at %v: %s", at, diff)
		}
		// Two-stage matching of large writes (forced on every write here)
		// is the sequential pass.
		for _, w := range []int{2, 3} {
			par := Options{parallelMin: 1, workers: w}
			if diff := compareResults(whole, verifyChunks(t, spec, par, data, nil, end)); diff != "" {
				t.Fatalf("%d workers: %s", w, diff)
			}
			if diff := compareResults(whole, verifyChunks(t, spec, par, data, at, end)); diff != "" {
				t.Fatalf("%d workers, chunked at %v: %s", w, at, diff)
			}
		}

		// The indexes agree with a plain reading of the rules, also when
		// matching goes on after a failure.
		keep := verifyChunks(t, spec, Options{KeepMatching: true}, data, nil, end)
		if diff := compareResults(keep, verifyChunks(t, spec, Options{KeepMatching: true}, data, at, end)); diff != "" {
			t.Fatalf("keep matching, chunked at %v: %s", at, diff)
		}
		if diff := compareResults(keep, verifyChunks(t, spec, Options{KeepMatching: true, parallelMin: 1, workers: 2}, data, at, end)); diff != "" {
			t.Fatalf("keep matching, 2 workers, chunked at %v: %s", at, diff)
		}
		for _, c := range []struct {
			r    Result
			keep bool
		}{{whole, false}, {keep, true}} {
			ref := reference(spec, data, end, c.keep)
			got := refResult{verdict: c.r.Verdict}
			if c.r.Failure != nil {
				got.marker, got.line = c.r.Failure.Marker, c.r.Failure.Line
			}
			for _, o := range c.r.Seen {
				got.seen = append(got.seen, fmt.Sprintf("%d:%s", o.Line, o.Marker))
			}
			for _, w := range c.r.Warnings {
				got.warnings = append(got.warnings, fmt.Sprintf("%d:%s", w.Line, w.Word))
			}
			if got.verdict != ref.verdict || got.marker != ref.marker || got.line != ref.line || !slices.Equal(got.seen, ref.seen) || !slices.Equal(got.warnings, ref.warnings) {
				t.Fatalf("keep=%v\nverifier  %+v\nreference %+v", c.keep, got, ref)
			}
		}
	})
}

type refResult struct {
	verdict  Verdict
	marker   string
	line     int
	seen     []string
	warnings []string
}

// reference is a deliberately naive implementation of the matching rules
// in the package documentation: every line, every marker, no indexes.
// keep is Options.KeepMatching.
func reference(spec *Spec, data []byte, end End, keep bool) refResult {
	v, err := New(spec, Options{}) // for the compiled markers only
	if err != nil {
		panic(err)
	}
	var res refResult
	counts := map[string]int{}
	sawText := false
	lines := bytes.SplitAfter(data, []byte{'\n'})
	failed := false
	pred := "" // a required predecessor missing when an ORDER failure happened
	stop := func() bool { return failed && !keep && !(pred != "" && counts[pred] == 0) }
	for i, line := range lines {
		if stop() {
			break
		}
		if len(line) == 0 {
			continue
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		cut := len(line) > v.maxLine
		if cut {
			line = line[:v.maxLine]
		}
		c := trimLineEnd(cleanLine(nil, line))
		segs := bytes.Split(c, []byte{'\r'})
		for k, s := range segs {
			if stop() {
				break
			}
			s = trimBlank(s)
			if len(s) == 0 {
				continue
			}
			sawText = true
			if v.logPrefix != nil {
				if loc := v.logPrefix.re.FindIndex(s); loc != nil && loc[0] == 0 && loc[1] > 0 {
					s = trimBlank(s[loc[1]:])
					if len(s) == 0 {
						continue
					}
				}
			}
			segCut := cut && k == len(segs)-1
			m := refMatch(v, s, segCut)
			if m == nil {
				m = refUnmatched(spec, s)
				if m == nil {
					continue
				}
				if m.kind == "" { // a warning, not a marker
					res.warnings = append(res.warnings, fmt.Sprintf("%d:%s", i+1, m.id))
					continue
				}
			}
			res.seen = append(res.seen, fmt.Sprintf("%d:%s", i+1, m.id))
			fail := func(kind Verdict) {
				if !failed {
					res.verdict, res.marker, res.line = kind, m.id, i+1
					failed = true
				}
			}
			switch m.class {
			case classForbidden:
				fail(Forbidden)
			case classUnexpected:
				fail(Unexpected)
			default:
				if counts[m.id] == 0 && slices.ContainsFunc(m.afterIDs, func(a string) bool { return counts[a] == 0 }) {
					if !failed {
						for _, a := range m.afterIDs {
							if counts[a] == 0 {
								if v.ms[slices.IndexFunc(v.ms, func(c cmarker) bool { return c.id == a && c.class == classAllowed })].required {
									pred = a
								}
								break
							}
						}
					}
					fail(Order) // and counted: it did appear
				}
				if counts[m.id] == 0 && slices.ContainsFunc(spec.Markers, func(o Marker) bool {
					return slices.Contains(o.AfterIfSeen, m.id) && counts[refID(o)] > 0
				}) {
					fail(Order)
				}
				counts[m.id]++
				if m.max > 0 && counts[m.id] > m.max {
					fail(Count)
				}
			}
		}
	}
	if failed {
		// A required predecessor that never appeared is MISSING, not ORDER;
		// the first missing required marker (phase, then declaration order)
		// is named.
		if res.verdict == Order && pred != "" && counts[pred] == 0 {
			res.verdict, res.marker = Missing, pred
			groupReq, _ := refGroups(spec, counts)
			for _, p := range v.phases {
				found := false
				for i := range v.ms {
					if m := &v.ms[i]; m.phase == p && (m.required || groupReq[m.id]) && counts[m.id] == 0 {
						res.marker, found = m.id, true
						break
					}
				}
				if found {
					break
				}
			}
		}
		return res
	}
	// The verdict table. A member of an applying all-of group counts as
	// required.
	groupReq, anyOfShort := refGroups(spec, counts)
	var short, missing *cmarker
	for _, p := range v.phases {
		for i := range v.ms {
			m := &v.ms[i]
			if m.phase != p || !m.required && !groupReq[m.id] {
				continue
			}
			if short == nil && counts[m.id] < m.min {
				short = m
			}
			if missing == nil && counts[m.id] == 0 {
				missing = m
			}
		}
	}
	if short == nil && anyOfShort != "" {
		for i := range v.ms {
			if v.ms[i].id == anyOfShort {
				short, missing = &v.ms[i], &v.ms[i]
			}
		}
	}
	crash := end.Signal != "" || (end.Exited && !okExit(end))
	switch {
	case end.StartErr != nil:
		res.verdict = Infra
	case short == nil:
		res.verdict = Pass
	case end.TimedOut:
		res.verdict, res.marker = Timeout, short.id
	case crash:
		res.verdict, res.marker = Crash, short.id
	case !sawText:
		res.verdict, res.marker = NoOutput, short.id
	case missing != nil:
		res.verdict, res.marker = Missing, missing.id
	default:
		res.verdict, res.marker = Count, short.id
	}
	return res
}

// refGroups returns the members of applying all-of groups, and the first
// member of an applying any-of group that has none of its members.
func refGroups(spec *Spec, counts map[string]int) (map[string]bool, string) {
	groupReq := map[string]bool{}
	anyOfShort := ""
	for _, g := range spec.Groups {
		active := len(g.Triggers) == 0 || slices.ContainsFunc(g.Triggers, func(t string) bool { return counts[t] > 0 })
		if !active {
			continue
		}
		if !g.AnyOf {
			for _, id := range g.Members {
				groupReq[id] = true
			}
		} else if !slices.ContainsFunc(g.Members, func(id string) bool { return counts[id] > 0 }) && anyOfShort == "" {
			anyOfShort = g.Members[0]
		}
	}
	return groupReq, anyOfShort
}

// refID is a spec marker's id as the verifier computes it.
func refID(m Marker) string {
	if m.ID != "" {
		return m.ID
	}
	if m.Mode == Exact {
		return strings.Trim(m.Text, " \t")
	}
	if m.Mode == Prefix {
		return strings.TrimLeft(m.Text, " \t")
	}
	return m.Text
}

// refUnmatched handles a segment no marker matched: a value-free line in
// an undeclared namespace is unexpected; a failure line is a warning
// (returned as a marker without kind, its id the failure word) or, under
// FailureLinesFail, the forbidden "failure-line".
func refUnmatched(spec *Spec, s []byte) *cmarker {
	for _, p := range spec.Undeclared {
		if bytes.HasPrefix(s, []byte(p)) {
			if bytes.IndexAny(s, "0123456789=") >= 0 {
				break
			}
			return &cmarker{id: string(s), kind: KindDiag, class: classUnexpected}
		}
	}
	w := lastWordFailure(s)
	if w == nil {
		b := s[leadingTokens(s):]
		for _, p := range spec.Undeclared {
			if bytes.HasPrefix(b, []byte(p)) {
				w = failureWordIn(b[len(p):])
				break
			}
		}
	}
	if w == nil {
		return nil
	}
	if spec.FailureLines == FailureLinesFail {
		return &cmarker{id: "failure-line", kind: KindFail, class: classForbidden}
	}
	return &cmarker{id: string(w)}
}

// refMatch returns the marker a segment is an occurrence of: forbidden
// first, then allowed, then unexpected; by mode (exact, prefix, regex,
// substring), then the longest text (regexes: declaration order), then
// declaration order. It applies the console-line model naively: an exact
// text may end the segment after an acceptable lead, a prefix text may
// start its body (the segment after prefix tokens), a regex matches the
// segment as it is, and a success marker is never seen on a line that
// reports a failure outside its text.
func refMatch(v *Verifier, s []byte, segCut bool) *cmarker {
	body := s
	if k := leadingTokens(s); k > 0 && k < len(s) {
		body = s[k:]
	}
	for _, class := range []int{classForbidden, classAllowed, classUnexpected} {
		for _, mode := range []Mode{Exact, Prefix, Regex, Substring} {
			var best *cmarker
			for i := range v.ms {
				m := &v.ms[i]
				if m.class != class || m.mode != mode {
					continue
				}
				claims := m.class == classAllowed && m.claims
				var ok bool
				switch mode {
				case Exact:
					if segCut || !bytes.HasSuffix(s, []byte(m.text)) {
						break
					}
					ok = len(s) == len(m.text) || checkLead(s[:len(s)-len(m.text)], m.firstWord, claims) == leadOK
				case Prefix:
					for _, seg := range [][]byte{s, body} {
						if bytes.HasPrefix(seg, []byte(m.text)) && !(claims && reportsFailure(seg[len(m.text):])) {
							ok = true
						}
					}
				case Regex:
					if loc := m.re.FindIndex(s); loc != nil {
						ok = !(claims && (reportsFailure(s[:loc[0]]) || reportsFailure(s[loc[1]:])))
					}
				case Substring:
					if i := bytes.Index(s, []byte(m.text)); i >= 0 {
						ok = !(claims && (reportsFailure(s[:i]) || reportsFailure(s[i+len(m.text):])))
					}
				}
				if ok && (best == nil || mode != Regex && len(m.text) > len(best.text)) {
					best = m
				}
			}
			if best != nil {
				return best
			}
		}
	}
	return nil
}

// TestTwoStageRegionsDiffer checks the second stage's per-region state: a
// chunk cut into many regions where only some hold an ESC, a NUL or a CR
// inside a line, each beside marker lines, matches as the sequential pass
// does, and the dirty marker lines are seen.
func TestTwoStageRegionsDiffer(t *testing.T) {
	spec, ok := benchSpec(Substring, 660)
	var b bytes.Buffer
	dirty := map[int]string{} // line -> marker expected there
	line := 0
	add := func(s string) {
		b.WriteString(s)
		b.WriteString("\r\n")
		line++
	}
	for region := range 12 {
		for i := range 1200 { // about 60 KB a region
			add(fmt.Sprintf("[INFO mm] AS-MAP: mapping KSTACK tail 0x%08x region %d", i, region))
			if i%300 == 150 {
				add(ok[(region*7+i)%len(ok)])
			}
		}
		m := ok[region%len(ok)]
		switch region % 4 {
		case 0: // clean
			add(m)
		case 1: // a colour escape around the marker
			add("\x1b[0;32m" + m + "\x1b[0m")
		case 2: // a NUL glued before it
			add("\x00" + m)
		case 3: // a progress line rewritten with a CR
			add("loading 42%\r" + m)
		}
		dirty[line] = m
	}
	data := b.Bytes()
	seq := verifyChunks(t, spec, Options{KeepMatching: true, parallelMin: 1 << 30}, data, nil, End{Exited: true})
	seen := map[int]bool{}
	for _, o := range seq.Seen {
		seen[o.Line] = true
	}
	for l, m := range dirty {
		if !seen[l] {
			t.Fatalf("sequential pass did not see %q at line %d: the test exercises nothing", m, l)
		}
	}
	for _, w := range []int{2, 3} {
		for _, cuts := range [][]int{nil, {len(data) / 3, 2 * len(data) / 3}} {
			par := verifyChunks(t, spec, Options{KeepMatching: true, parallelMin: 1, workers: w}, data, cuts, End{Exited: true})
			if diff := compareResults(seq, par); diff != "" {
				t.Fatalf("%d workers, cuts %v: %s", w, cuts, diff)
			}
		}
	}
}
