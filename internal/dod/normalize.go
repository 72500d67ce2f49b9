package dod

import (
	"bytes"
	"regexp"
	"sync"
)

// TimingPlaceholder replaces a duration in a normalised test log.
const TimingPlaceholder = "<t>"

// Compiled on first use, not at package init: init runs in every taskproof
// process, most of which never need these.
var (
	// test2json's per-event clock and elapsed time, as go test -json
	// writes them (compact JSON, Time first, Elapsed before Output).
	jsonTime    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"Time":"[^"\\]*",?`) })
	jsonElapsed = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`,?"Elapsed":-?[0-9][0-9.eE+-]*`) })
	// A duration after a blank, a tab (also JSON-escaped) or "(":
	// "(0.00s)", "ok  pkg\t0.003s", "finished in 1.25s", "took 3ms".
	duration = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`((?:\\t|[\t (]))[0-9]+(?:\.[0-9]+)?(?:ns|µs|us|ms|s|m)\b`)
	})
	// go test's result for a package whose result came from the cache.
	cached = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\(cached\)`) })
)

// NormalizeTestLog removes what differs between two runs of the same tests
// from a test runner's console: the Time and Elapsed fields of test2json
// events, durations ("(0.01s)", "\t0.003s", "in 1.2s") and "(cached)",
// each replaced by TimingPlaceholder. Everything else is kept byte for
// byte, so the log still parses as the format it was.
func NormalizeTestLog(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i+1], data[i+1:]
		} else {
			data = nil
		}
		if bytes.HasPrefix(bytes.TrimSpace(line), []byte(`{"Time":`)) || bytes.Contains(line, []byte(`"Action":`)) {
			line = jsonTime().ReplaceAll(line, nil)
			line = jsonElapsed().ReplaceAll(line, nil)
		}
		line = duration().ReplaceAll(line, []byte("${1}"+TimingPlaceholder))
		line = cached().ReplaceAll(line, []byte(TimingPlaceholder))
		out = append(out, line...)
	}
	return out
}
