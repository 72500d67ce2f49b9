package verify

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
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
	return []*Spec{base, many, long, medium}
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

		// The indexes agree with a plain reading of the rules, also when
		// matching goes on after a failure.
		keep := verifyChunks(t, spec, Options{KeepMatching: true}, data, nil, end)
		if diff := compareResults(keep, verifyChunks(t, spec, Options{KeepMatching: true}, data, at, end)); diff != "" {
			t.Fatalf("keep matching, chunked at %v: %s", at, diff)
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
			if got.verdict != ref.verdict || got.marker != ref.marker || got.line != ref.line || !slices.Equal(got.seen, ref.seen) {
				t.Fatalf("keep=%v\nverifier  %+v\nreference %+v", c.keep, got, ref)
			}
		}
	})
}

type refResult struct {
	verdict Verdict
	marker  string
	line    int
	seen    []string
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
				continue
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
					fail(Order) // and not counted
					continue
				}
				counts[m.id]++
				if m.max > 0 && counts[m.id] > m.max {
					fail(Count)
				}
			}
		}
	}
	if failed {
		// A required predecessor that never appeared is MISSING, not ORDER.
		if res.verdict == Order && pred != "" && counts[pred] == 0 {
			res.verdict, res.marker = Missing, pred
		}
		return res
	}
	// The verdict table.
	var short, missing *cmarker
	for _, p := range v.phases {
		for i := range v.ms {
			m := &v.ms[i]
			if m.phase != p || !m.required {
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

// refMatch returns the marker a segment is an occurrence of: forbidden
// first, then allowed, then unexpected; by mode, then the longest prefix
// or substring text, then declaration order.
func refMatch(v *Verifier, s []byte, segCut bool) *cmarker {
	for _, class := range []int{classForbidden, classAllowed, classUnexpected} {
		for _, mode := range []Mode{Exact, Prefix, Regex, Substring} {
			var best *cmarker
			for i := range v.ms {
				m := &v.ms[i]
				if m.class != class || m.mode != mode {
					continue
				}
				var ok bool
				switch mode {
				case Exact:
					ok = !segCut && string(s) == m.text
				case Prefix:
					ok = bytes.HasPrefix(s, []byte(m.text))
				case Regex:
					ok = m.re.Match(s)
				case Substring:
					ok = bytes.Contains(s, []byte(m.text))
				}
				if ok && (best == nil || (mode == Prefix || mode == Substring) && len(m.text) > len(best.text)) {
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
