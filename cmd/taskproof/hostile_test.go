package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/evidence"
	et "github.com/taskproof/taskproof/internal/evidence/evidencetest"
	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/proofstate"
)

// maxHostileRSS is the peak resident memory a command may reach on a
// hostile bundle. The reader before the fix reached 4.5 GB on a 2 GiB one.
const maxHostileRSS = 64 << 20

// peakMain is the taskproof-peak command of the test binary: it runs
// taskproof with its arguments as a child, passing stdio through, writes
// the child's peak resident set size (KiB) to $TASKPROOF_PEAK_FILE and
// exits with the child's code. The measuring process must be small: on
// Linux a child started from a large process (go test after building a
// 48 MiB bundle) inherits that process's high-water mark into its
// ru_maxrss, since os/exec forks with CLONE_VM and exec records the shared
// memory's peak. This one is freshly exec'd, so its children start clean.
func peakMain() {
	cmd := exec.Command("taskproof", os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			fmt.Fprintf(os.Stderr, "taskproof-peak: %v\n", err)
			os.Exit(125)
		}
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if ru != nil {
		if err := os.WriteFile(os.Getenv("TASKPROOF_PEAK_FILE"), []byte(strconv.FormatInt(ru.Maxrss, 10)), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "taskproof-peak: %v\n", err)
			os.Exit(125)
		}
	}
	os.Exit(cmd.ProcessState.ExitCode())
}

// hostileRun runs the taskproof binary (testscript's copy of this test
// binary on PATH) as a child process through taskproof-peak and returns its
// exit code, output and peak resident set size in bytes.
func hostileRun(t *testing.T, dir string, env []string, args ...string) (code int, stdout, stderr string, peak int64) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("peak RSS is read from Linux's ru_maxrss (KiB)")
	}
	bin, err := exec.LookPath("taskproof-peak")
	if err != nil {
		t.Fatalf("taskproof-peak is not on PATH (testscript.Main puts it there): %v", err)
	}
	peakFile := filepath.Join(t.TempDir(), "peak")
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "TASKPROOF_PEAK_FILE=" + peakFile}, env...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("run %v: %v", args, err)
	}
	kib, err := os.ReadFile(peakFile)
	if err != nil {
		t.Fatalf("no peak RSS from taskproof-peak: %v\nstderr: %s", err, errOut.String())
	}
	n, err := strconv.ParseInt(string(kib), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String(), n << 10
}

// diskSparseBundle writes a plain ustar bundle whose files/big.log really
// holds size bytes, as a sparse file: a few KB on disk, size bytes long.
func diskSparseBundle(t *testing.T, path string, size int64) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := append(et.File(evidence.EnvelopeEntry, []byte("{}\n")), et.Header("files/big.log", '0', size, nil)...)
	if _, err := f.Write(head); err != nil {
		t.Fatal(err)
	}
	off := int64(len(head)) + (size+511)/512*512
	if _, err := f.WriteAt(et.Archive(et.File(evidence.StatementEntry, []byte("{}\n"))), off); err != nil {
		t.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// TestHostileBundleMemory is the acceptance of issue 15 on memory: a
// bundle declaring a 2 GiB entry, in three shapes, is refused by evidence
// verify, show and md, by status set under CI, and shown invalid by the
// board, each with a message saying the size, while the process's peak
// memory stays under 64 MiB.
func TestHostileBundleMemory(t *testing.T) {
	s := newStRepo(t)
	const gib2 = 2 << 30
	bundle := proofstate.BundlePath(s.root, "TASK-0001")
	if err := os.MkdirAll(filepath.Dir(bundle), 0o755); err != nil {
		t.Fatal(err)
	}
	shapes := []struct {
		name   string
		write  func() int64 // writes the bundle, returns its file size
		reason string       // the verification reason
		msg    string       // in every message about it (SIZE: the file's size)
	}{
		{
			name: "PAX sparse entry",
			write: func() int64 {
				b := et.SparseBundle(gib2)
				gittest.WriteFile(t, bundle, string(b))
				return int64(len(b))
			},
			reason: "malformed", msg: `declaring a sparse entry "files/big.log" of 2147483648 bytes`,
		},
		{
			name: "header declaring 2 GiB",
			write: func() int64 {
				b := et.DeclaredBundle(gib2)
				gittest.WriteFile(t, bundle, string(b))
				return int64(len(b))
			},
			reason: "too_large", msg: `"files/big.log" (header at byte 1024) declares 2147483648 bytes, above the limit of 67108864 bytes for one entry`,
		},
		{
			name:   "sparse file on disk",
			write:  func() int64 { return diskSparseBundle(t, bundle, gib2) },
			reason: "too_large", msg: "the bundle is SIZE bytes, above the limit of 268435456 bytes",
		},
	}
	rel := proofstate.BundleRel("TASK-0001")
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			size := sh.write()
			if size > 10<<10 && sh.name != "sparse file on disk" {
				t.Fatalf("the hostile bundle is %d bytes; it should be a few KB", size)
			}
			msg := strings.ReplaceAll(sh.msg, "SIZE", strconv.FormatInt(size, 10))
			before, _ := os.ReadFile(s.taskPath())
			for _, c := range []struct {
				args []string
				env  []string
				code int
				out  func(stdout, stderr string) string // where the size message is
			}{
				{[]string{"evidence", "verify", bundle, "--root", s.root}, nil, cli.ExitFindings, func(_, e string) string { return e }},
				{[]string{"evidence", "show", bundle, "--root", s.root}, nil, cli.ExitUsage, func(_, e string) string { return e }},
				{[]string{"evidence", "md", "TASK-0001", "--root", s.root}, nil, cli.ExitFindings, func(o, _ string) string { return o }},
				{[]string{"evidence", "recheck", bundle, "--root", s.root}, nil, cli.ExitFindings, func(_, e string) string { return e }},
				{[]string{"status", "set", "TASK-0001", "Done", "--root", s.root}, []string{"CI=true"}, cli.ExitFindings, func(_, e string) string { return e }},
				{[]string{"board", "--root", s.root, "--format", "json"}, []string{"CI=true"}, cli.ExitOK, func(o, _ string) string { return o }},
			} {
				code, stdout, stderr, peak := hostileRun(t, s.root, c.env, c.args...)
				name := strings.Join(c.args[:2], " ")
				t.Logf("%s: exit %d, peak RSS %.1f MiB", name, code, float64(peak)/(1<<20))
				if code != c.code {
					t.Errorf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", name, code, c.code, stdout, stderr)
				}
				if peak >= maxHostileRSS {
					t.Errorf("%s: peak RSS %d bytes, want under %d", name, peak, maxHostileRSS)
				}
				text := c.out(stdout, stderr)
				switch name {
				case "board --root":
					var b struct {
						InProgress []struct {
							ID    string `json:"id"`
							Proof struct{ State, Summary string }
						} `json:"in_progress"`
					}
					if err := json.Unmarshal([]byte(stdout), &b); err != nil || len(b.InProgress) != 1 {
						t.Fatalf("board JSON: %v\n%s", err, stdout)
					}
					if p := b.InProgress[0].Proof; p.State != "invalid" || p.Summary != "bundle does not verify: "+sh.reason {
						t.Errorf("board shows TASK-0001 as %+v, want invalid (%s)", p, sh.reason)
					}
				case "evidence md":
					// md states what it could not read, on stderr.
					if !strings.Contains(stderr, msg) || !strings.Contains(stderr, rel+" is not a readable bundle") {
						t.Errorf("%s: stderr lacks %q:\n%s", name, msg, stderr)
					}
				default:
					if !strings.Contains(text, msg) {
						t.Errorf("%s: output lacks %q:\n%s", name, msg, text)
					}
				}
			}
			s.expectFile(t, string(before))
		})
	}
}

// TestBundleLimitFromConfig: the limit is taskproof.toml's; a genuine
// bundle exactly at it sets Done, one byte less refuses it as too large.
func TestBundleLimitFromConfig(t *testing.T) {
	s := newStRepo(t)
	s.prove(t, s.priv, evidence.Proven, "")
	st, err := os.Stat(proofstate.BundlePath(s.root, "TASK-0001"))
	if err != nil {
		t.Fatal(err)
	}
	config := func(n int64) {
		gittest.WriteFile(t, filepath.Join(s.root, "taskproof.toml"), fmt.Sprintf("[evidence]\nmax_bundle_bytes = %d\nmax_entry_bytes = 4096\n", n))
	}
	config(st.Size() - 1)
	s.expectRefused(t, "Done", "the evidence is invalid",
		fmt.Sprintf("the bundle is %d bytes, above the limit of %d bytes (max_bundle_bytes in the [evidence] table of taskproof.toml)", st.Size(), st.Size()-1))
	config(st.Size())
	s.expectSet(t, "Done")
	s.expectFile(t, withStatus("Done"))
}

// TestLargeBundleFlatMemory: a genuine bundle with a 48 MiB console log,
// within the default limits, is verified, shown, rendered by md (its log
// tail), accepted by status set and counted proven by the board, each
// with a peak resident memory under 64 MiB: files are hashed and tailed as
// streams, never held whole. (Holding the log once would already exceed
// the bound with the process's own ~11 MiB.)
func TestLargeBundleFlatMemory(t *testing.T) {
	s := newStRepo(t)
	var log bytes.Buffer
	for i := 0; log.Len() < 48<<20; i++ {
		fmt.Fprintf(&log, "[%8d.000000] guest: filler line %d of a long boot log\r\n", i, i)
	}
	log.WriteString("boot: ok\n")
	s.proveFiles(t, s.priv, evidence.Proven, "", []evidence.File{
		{Name: "config.json", Data: []byte(`{"steps":[{"n":1,"command":"taskproof run -- ./qemu.sh pass"}]}`)},
		{Name: "reports/1.json", Data: []byte(`{"verdict":"passed","command":["./qemu.sh","pass"],"log":"logs/1.log"}`)},
		{Name: "logs/1.log", Data: log.Bytes()},
	})
	log = bytes.Buffer{}
	bundle := proofstate.BundlePath(s.root, "TASK-0001")
	for _, c := range []struct {
		args []string
		want string // in stdout
	}{
		{[]string{"evidence", "verify", bundle, "--root", s.root}, "files:   3, every sha256 matches the signed statement"},
		{[]string{"evidence", "show", bundle, "--root", s.root}, "signature:"},
		{[]string{"evidence", "md", "TASK-0001", "--root", s.root}, "Last 15 line(s) of `logs/1.log`"},
		{[]string{"status", "set", "TASK-0001", "Done", "--root", s.root}, `"In Progress" -> "Done"`},
		{[]string{"board", "--root", s.root, "--format", "json"}, `"state": "proven"`},
	} {
		code, stdout, stderr, peak := hostileRun(t, s.root, []string{"CI=true"}, c.args...)
		name := strings.Join(c.args[:2], " ")
		t.Logf("%s: exit %d, peak RSS %.1f MiB", name, code, float64(peak)/(1<<20))
		if code != cli.ExitOK || !strings.Contains(stdout, c.want) {
			t.Errorf("%s: exit %d, stdout lacks %q\nstdout: %.2000s\nstderr: %s", name, code, c.want, stdout, stderr)
		}
		if peak >= maxHostileRSS {
			t.Errorf("%s: peak RSS %d bytes, want under %d", name, peak, maxHostileRSS)
		}
	}
}
