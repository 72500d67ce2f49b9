package verify

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"runtime"
	"syscall"
	"testing"
)

// cpuTime returns the user+system CPU seconds this process used.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// Console lines shaped like a real kernel + services boot log: addresses,
// counters, log prefixes, 40-100 bytes, CRLF endings.
var consoleTemplates = []string{
	"PT: pool idx=%d",
	"[INFO mm] AS-MAP: mapping KSTACK tail 0x%08x..0x%08x",
	"CAP: with_capacity slots=%d",
	"SYSCALL install debug_putc=0x%016x",
	"[DEBUG sched] enqueue: pid=%d qos=Normal",
	"AS: activating satp=0x%016x",
	"dbg:packagefsd: resolve req#%d buildprop",
	"init: route vfsd lookup svc=selftest-client has_slots=Y id=%d",
	"[INFO selftest] KSELFTEST: no child progress yet pid=%d satp=0x800010000008059c",
	"Boot HART ISA Extensions    : smaia,smepmp,smstateen,sscofpmf,sstc,zicntr,zihpm,zkr %d",
	"[INFO sys] SPAWN: entry=0x%08x sp=0x40000000 as=2 slot=0 gp=0x803d8510",
	"dsoftbus:mux session up stream=%d window=65536 credit=4096",
}

var markerWords = []string{"vfs", "ipc", "net", "mux", "ota", "policy", "exec", "logd", "route",
	"quic", "icmp", "stat", "read", "bulk", "ping", "audit", "spawn", "vmo", "map", "cap"}

// benchMarkers returns n marker texts shaped like upstream ones
// ("SELFTEST: vfs read 12 ok"); every seventh is a FAIL marker.
func benchMarkers(n int) (ok, fail []string) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		w1, w2 := markerWords[r.IntN(len(markerWords))], markerWords[r.IntN(len(markerWords))]
		switch {
		case i%7 == 6:
			fail = append(fail, fmt.Sprintf("SELFTEST: %s %s FAIL (%d)", w1, w2, i))
		case i%3 == 0:
			ok = append(ok, fmt.Sprintf("KSELFTEST: %s %s %d ok", w1, w2, i))
		default:
			ok = append(ok, fmt.Sprintf("SELFTEST: %s %s %d ok", w1, w2, i))
		}
	}
	return ok, fail
}

// defaultForbidden mirrors contract.DefaultForbidden (which this package
// cannot import): the panic and fatal patterns every contract forbids.
var defaultForbidden = []string{`^panic\b`, `\bPANIC\b`, `Kernel panic`, `\bpanicked at\b`, `\[FATAL[\] ]`}

// genLog builds about size bytes of console output with one marker line
// per thousand lines; ansi colours every log prefix.
func genLog(size int, markers []string, ansi bool) []byte {
	r := rand.New(rand.NewPCG(3, 4))
	var b bytes.Buffer
	b.Grow(size + 256)
	for b.Len() < size {
		if r.IntN(1000) == 0 {
			fmt.Fprintf(&b, "%s\r\n", markers[r.IntN(len(markers))])
			continue
		}
		line := fmt.Sprintf(consoleTemplates[r.IntN(len(consoleTemplates))], r.Uint32(), r.Uint32())
		if i := bytes.IndexByte([]byte(line), '%'); i >= 0 {
			line = line[:i] // templates with one verb leave "%!(EXTRA ...)"
		}
		if ansi {
			fmt.Fprintf(&b, "\x1b[0;3%dm%s\x1b[0m\x1b[K\r\n", r.IntN(8), line)
		} else {
			b.WriteString(line)
			b.WriteString("\r\n")
		}
	}
	return b.Bytes()
}

// benchSpec builds the 660-marker spec in the given mode.
func benchSpec(mode Mode, markers int) (*Spec, []string) {
	ok, fail := benchMarkers(markers)
	spec := &Spec{}
	for i, t := range ok {
		text := t
		if mode == Regex {
			text = "^" + regexp.QuoteMeta(t) + `( \(.*\))?$`
		}
		spec.Markers = append(spec.Markers, Marker{Text: text, Mode: mode, Kind: KindOK, Required: i%2 == 0})
	}
	for _, t := range fail {
		spec.Forbidden = append(spec.Forbidden, Marker{Text: t, Mode: mode, Kind: KindFail})
	}
	for _, p := range defaultForbidden {
		spec.Forbidden = append(spec.Forbidden, Marker{Text: p, Mode: Regex, Kind: KindFail})
	}
	return spec, ok
}

func benchVerify(b *testing.B, spec *Spec, log []byte) {
	v := mustNew(b, spec, Options{})
	const chunk = 64 << 10
	b.SetBytes(int64(len(log)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		for p := log; len(p) > 0; {
			k := min(chunk, len(p))
			v.Write(p[:k])
			p = p[k:]
		}
	}
	b.StopTimer()
	// MB/s is wall time; on a shared machine the process's own CPU time
	// says more about the code.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(len(log))*float64(b.N)/cpu/1e6, "MB/cpu-s")
	}
	r := v.Finish(End{})
	if r.Verdict != Pass && r.Verdict != Missing {
		b.Fatalf("verdict %s %+v", r.Verdict, r.Failure)
	}
	if len(r.Seen) == 0 {
		b.Fatal("no marker seen: the benchmark log does not exercise matching")
	}
}

func BenchmarkVerifyExact660(b *testing.B) {
	spec, ok := benchSpec(Exact, 660)
	benchVerify(b, spec, genLog(8<<20, ok, false))
}

func BenchmarkVerifyExact660LogPrefix(b *testing.B) {
	spec, ok := benchSpec(Exact, 660)
	spec.LogPrefix = regexp.MustCompile(`\[[A-Z]+ [^\]]+\] `)
	benchVerify(b, spec, genLog(8<<20, ok, false))
}

func BenchmarkVerifyPrefix660(b *testing.B) {
	spec, ok := benchSpec(Prefix, 660)
	benchVerify(b, spec, genLog(8<<20, ok, false))
}

func BenchmarkVerifyRegex660(b *testing.B) {
	spec, ok := benchSpec(Regex, 660)
	benchVerify(b, spec, genLog(8<<20, ok, false))
}

func BenchmarkVerifySubstring660(b *testing.B) {
	spec, ok := benchSpec(Substring, 660)
	benchVerify(b, spec, genLog(8<<20, ok, false))
}

func BenchmarkVerifyExact660ANSI(b *testing.B) {
	spec, ok := benchSpec(Exact, 660)
	benchVerify(b, spec, genLog(8<<20, ok, true))
}

// TestMemoryBounded streams 200 MB and checks that the heap in use does
// not grow with the stream once the verifier is warm.
func TestMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 200 MB")
	}
	spec, ok := benchSpec(Exact, 660)
	// A long line and a partial line keep the carry buffer busy too.
	log := append(genLog(4<<20, ok, true), bytes.Repeat([]byte("x"), 300<<10)...)
	// Seen is capped by MaxSeen (see TestObservations); keeping none here
	// leaves nothing that may legitimately grow, so any per-line leak shows.
	v := mustNew(t, spec, Options{MaxSeen: -1})
	const total = 200 << 20
	const chunk = 61 << 10 // not a divisor of the log: lines straddle writes
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	written := 0
	var warm uint64
	for written < total {
		for p := log; len(p) > 0 && written < total; {
			k := min(chunk, len(p), total-written)
			v.Write(p[:k])
			p = p[k:]
			written += k
		}
		if warm == 0 && written >= 20<<20 {
			warm = heap()
		}
	}
	after := heap()
	runtime.KeepAlive(log) // measured in both readings, so it cancels out
	r := v.Finish(End{})
	if r.Bytes != total || r.LongLines == 0 {
		t.Fatalf("bytes %d long lines %d", r.Bytes, r.LongLines)
	}
	// Between 20 MB and 200 MB (2.4 million lines) nothing may grow; 512
	// KiB of slack for the runtime, so a leak of a byte in every few lines
	// fails.
	const budget = 512 << 10
	if after > warm && after-warm > budget {
		t.Fatalf("heap grew from %d to %d bytes (budget %d) while streaming", warm, after, budget)
	}
	t.Logf("heap in use: %d KiB after 20 MB, %d KiB after 200 MB; %d lines, %d observations",
		warm>>10, after>>10, r.Lines, r.SeenDropped)
}

// BenchmarkLineSplit is the floor: finding the line ends of the same log
// with bytes.IndexByte and nothing else. On a shared machine, the ratio of
// a verifier benchmark to this one is steadier than either figure.
func BenchmarkLineSplit(b *testing.B) {
	_, ok := benchSpec(Exact, 660)
	log := genLog(8<<20, ok, false)
	b.SetBytes(int64(len(log)))
	cpu0 := cpuTime()
	lines := 0
	for range b.N {
		for p := log; len(p) > 0; {
			i := bytes.IndexByte(p, '\n')
			if i < 0 {
				break
			}
			lines++
			p = p[i+1:]
		}
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(len(log))*float64(b.N)/cpu/1e6, "MB/cpu-s")
	}
	if lines == 0 {
		b.Fatal("no lines")
	}
}
