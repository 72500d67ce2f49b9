// Command verifybench supports bench/verify-vs-grep.sh: it extracts the
// marker literals of an upstream proof-manifest v2 tree, generates a
// console log of a given size, and runs internal/verify over a log,
// reporting throughput, CPU time and memory.
//
//	verifybench markers MANIFEST_DIR > markers.txt
//	verifybench gen -markers markers.txt -size 1G -out log
//	verifybench verify -markers markers.txt [-mode exact|substring] [-logprefix] LOG
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/taskproof/taskproof/internal/contract"
	"github.com/taskproof/taskproof/internal/verify"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: verifybench markers|gen|verify ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "markers":
		err = cmdMarkers(os.Args[2:])
	case "gen":
		err = cmdGen(os.Args[2:])
	case "verify":
		err = cmdVerify(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "verifybench:", err)
		os.Exit(1)
	}
}

// cmdMarkers prints every marker literal of a proof-manifest v2 tree, one
// per line: the files that manifest.toml's [include] markers glob names,
// each `[marker."LITERAL"]` table. It reads the TOML itself so that the
// benchmark does not depend on the contract reader's resolution rules.
func cmdMarkers(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: verifybench markers MANIFEST_DIR")
	}
	dir := args[0]
	var root struct {
		Include struct {
			Markers string `toml:"markers"`
		} `toml:"include"`
	}
	if _, err := toml.DecodeFile(filepath.Join(dir, "manifest.toml"), &root); err != nil {
		return err
	}
	if root.Include.Markers == "" {
		return fmt.Errorf("%s/manifest.toml: no [include] markers glob", dir)
	}
	files, err := filepath.Glob(filepath.Join(dir, root.Include.Markers))
	if err != nil {
		return err
	}
	sort.Strings(files)
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		var doc struct {
			Marker map[string]toml.Primitive `toml:"marker"`
		}
		if _, err := toml.DecodeFile(f, &doc); err != nil {
			return err
		}
		keys := make([]string, 0, len(doc.Marker))
		for k := range doc.Marker {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.ContainsAny(k, "\n\r") {
				return fmt.Errorf("%s: marker %q spans lines", f, k)
			}
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	if len(out) == 0 {
		return fmt.Errorf("%s: no markers", dir)
	}
	w := bufio.NewWriter(os.Stdout)
	for _, m := range out {
		fmt.Fprintln(w, m)
	}
	return w.Flush()
}

func readMarkers(path string) (ok, fail []string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	failWord := regexp.MustCompile(`\bFAIL\b`)
	for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if l == "" {
			continue
		}
		if failWord.MatchString(l) {
			fail = append(fail, l)
		} else {
			ok = append(ok, l)
		}
	}
	if len(ok) == 0 {
		return nil, nil, fmt.Errorf("%s: no markers", path)
	}
	return ok, fail, nil
}

// Console lines shaped like a kernel + services boot over a serial
// console: 40-100 bytes, addresses and counters, some log prefixes, CRLF.
var templates = []string{
	"PT: pool idx=%d map=0x%08x flags=rw-",
	"[INFO mm] AS-MAP: mapping KSTACK tail 0x%08x..0x%08x",
	"CAP: with_capacity slots=%d owner=%d generation=1",
	"SYSCALL install debug_putc=0x%016x slot=%d",
	"[DEBUG sched] enqueue: pid=%d qos=Normal cpu=%d runnable=3",
	"AS: activating satp=0x%016x asid=%d",
	"dbg:packagefsd: resolve req#%d buildprop len=%d found",
	"init: route vfsd lookup svc=selftest-client has_slots=Y id=%d/%d",
	"[INFO selftest] KSELFTEST: no child progress yet pid=%d satp=0x%08x",
	"Boot HART ISA Extensions    : smaia,smepmp,sscofpmf,sstc,zicntr,zihpm %d.%d",
	"[INFO sys] SPAWN: entry=0x%08x sp=0x40000000 as=%d slot=0",
	"dsoftbus:mux stream=%d window=65536 credit=%d state=open",
	"netstackd: tx queue depth=%d drops=0 rtt_us=%d",
	"logd: ring %d bytes used, %d records, 0 dropped",
}

// cmdGen writes a log of about -size bytes: one line in a thousand is a
// marker (an ok/ready/stub/diag one, never a FAIL marker), the rest noise;
// SeaBIOS-style escape sequences open the log.
func cmdGen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	markers := fs.String("markers", "", "marker file (one per line)")
	size := fs.String("size", "1G", "log size (bytes, or with K, M, G)")
	out := fs.String("out", "", "output file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	n, err := parseSize(*size)
	if err != nil {
		return err
	}
	ok, _, err := readMarkers(*markers)
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	written := int64(0)
	write := func(s string) {
		w.WriteString(s)
		written += int64(len(s))
	}
	write("\x1bc\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2-debian-1.16.2-1)\r\n")
	// Every ok marker once, so that a run can pass; then noise.
	next := 0
	for written < n {
		if r.IntN(1000) == 0 || (next < len(ok) && written > n/2 && r.IntN(100) == 0) {
			var m string
			if next < len(ok) {
				m = ok[next]
				next++
			} else {
				m = ok[r.IntN(len(ok))]
			}
			write(markerLine(m))
			continue
		}
		write(fmt.Sprintf(templates[r.IntN(len(templates))], r.Uint32()%100000, r.Uint32()) + "\r\n")
	}
	for ; next < len(ok); next++ {
		write(markerLine(ok[next]))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// markerLine prints a marker as a guest does. The upstream markers that
// end in a space ("SELFTEST: reply slots ") are followed by a value.
func markerLine(m string) string {
	if strings.HasSuffix(m, " ") {
		return m + "3\r\n"
	}
	return m + "\r\n"
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return v * mult, nil
}

// cmdVerify runs the verifier over a log read in 64 KiB chunks, as a
// harness reads a pipe, and prints one line of key=value figures.
func cmdVerify(args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	markers := fs.String("markers", "", "marker file (one per line)")
	mode := fs.String("mode", "exact", "exact or substring")
	logPrefix := fs.Bool("logprefix", false, `strip the log prefix \[[A-Z]+ [^\]]+\] before matching`)
	chunk := fs.Int("chunk", 64<<10, "read size")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: verifybench verify -markers FILE [-mode exact|substring] LOG")
	}
	ok, fail, err := readMarkers(*markers)
	if err != nil {
		return err
	}
	m := verify.Exact
	switch *mode {
	case "exact":
	case "substring":
		m = verify.Substring
	default:
		return fmt.Errorf("unknown mode %q", *mode)
	}
	spec := &verify.Spec{}
	for _, t := range ok {
		mm := m
		if m == verify.Exact && strings.HasSuffix(t, " ") {
			mm = verify.Prefix // a value follows these on the line
		}
		spec.Markers = append(spec.Markers, verify.Marker{Text: t, Mode: mm, Kind: verify.KindOK, Required: true})
	}
	for _, t := range fail {
		spec.Forbidden = append(spec.Forbidden, verify.Marker{Text: t, Mode: m, Kind: verify.KindFail})
	}
	spec.Forbidden = append(spec.Forbidden, contract.DefaultForbidden()...)
	if *logPrefix {
		spec.LogPrefix = regexp.MustCompile(`\[[A-Z]+ [^\]]+\] `)
	}
	v, err := verify.New(spec, verify.Options{})
	if err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, *chunk)
	cpu0 := cpuTime()
	start := time.Now()
	for {
		n, err := f.Read(buf)
		v.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	r := v.Finish(verify.End{Exited: true})
	wall := time.Since(start).Seconds()
	cpu := cpuTime() - cpu0
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("verdict=%s markers=%d forbidden=%d lines=%d bytes=%d seen=%d wall_s=%.3f cpu_s=%.3f mb_s=%.1f mb_cpu_s=%.1f heap_inuse_kib=%d maxrss_kib=%d\n",
		r.Verdict, len(spec.Markers), len(spec.Forbidden), r.Lines, r.Bytes, len(r.Seen)+r.SeenDropped,
		wall, cpu, float64(r.Bytes)/wall/1e6, float64(r.Bytes)/cpu/1e6, ms.HeapInuse>>10, ru.Maxrss)
	if r.Verdict != verify.Pass {
		return fmt.Errorf("verdict %s: %+v", r.Verdict, r.Failure)
	}
	return nil
}

func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
