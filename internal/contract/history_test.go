package contract

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/taskproof/taskproof/internal/golden"
	"github.com/taskproof/taskproof/internal/testcorpus"
	"github.com/taskproof/taskproof/internal/verify"
)

// historyRows is the table of ../shared/corpus/open-nexus/history/README.md:
// each folder, a profile, and upstream's gate.
var historyRows = []struct {
	folder, profile string
	verdict         verify.Verdict
	line            int // the failure's line, 0 when any
}{
	{"90ecdf0a", "smp", verify.Pass, 0},
	{"e40b9e38", "smp", verify.Pass, 0},
	{"adda2697", "full", verify.Pass, 0},
	{"adda2697", "smp", verify.Missing, 0},
	{"271d0c60", "visible-bootstrap", verify.Pass, 0},
	{"f24011b4", "full", verify.Forbidden, 1513},
	{"ee4ec1d2", "visible-bootstrap", verify.Missing, 0},
}

// upstreamOrdered is qemu-test.sh's order rule: order is checked among the
// init: start/up/ready and KSELFTEST: entries only.
func upstreamOrdered(entry string) bool {
	return entry == "init: start" || entry == "init: ready" || strings.HasPrefix(entry, "init: start ") ||
		strings.HasPrefix(entry, "init: up ") || strings.HasPrefix(entry, "KSELFTEST:")
}

// upstreamMetricsd is qemu-test.sh's metricsd rule: these entries are
// required only when the log shows metricsd started.
func upstreamMetricsd(entry string) bool {
	return entry == "init: start metricsd" || entry == "init: up metricsd" || strings.HasPrefix(entry, "metricsd: ") ||
		strings.HasPrefix(entry, "SELFTEST: metrics ") || entry == "SELFTEST: tracing spans ok"
}

// historyOverlay writes the overlay of one history folder from its
// ladder-<profile>.txt files: a [ladder.PROFILE] per file, entries as
// substrings, in the harness's order, with upstream's order and metricsd
// rules.
func historyOverlay(t *testing.T, dir, folder string) []byte {
	t.Helper()
	ladders, err := filepath.Glob(filepath.Join(dir, "ladder-*.txt"))
	if err != nil || len(ladders) == 0 {
		t.Fatalf("no ladders in %s: %v", dir, err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# The required ladders of open-nexus-OS at %s, one per ladder-<profile>.txt\n", folder)
	fmt.Fprintf(&b, "# of ../shared/corpus/open-nexus/history/%s (its harness's expected_sequence).\n", folder)
	b.WriteString("# Written by TestHistoryOverlays: go test ./internal/contract -run TestHistoryOverlays -update\n")
	b.WriteString("# Upstream's gate: every entry occurs as a substring of a line; order only among\n")
	b.WriteString("# init: start/up/ready and KSELFTEST: entries; metricsd entries only when the log\n")
	b.WriteString("# shows metricsd started.\n\n[contract]\nversion = 1\nextends = \"proof-manifest/manifest.toml\"\n")
	for _, path := range ladders {
		profile := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "ladder-"), ".txt")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "\n[ladder.%s]\nmatch = \"substring\"\nentries = [\n", profile)
		metricsd := false
		for _, e := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
			var attrs []string
			if upstreamOrdered(e) {
				attrs = append(attrs, "order = true")
			}
			if upstreamMetricsd(e) {
				attrs = append(attrs, `group = "metricsd"`)
				metricsd = true
			}
			if len(attrs) == 0 {
				fmt.Fprintf(&b, "  %s,\n", tomlString(e))
				continue
			}
			fmt.Fprintf(&b, "  { text = %s, %s },\n", tomlString(e), strings.Join(attrs, ", "))
		}
		b.WriteString("]\n")
		if metricsd {
			fmt.Fprintf(&b, "\n[ladder.%s.group.metricsd]\nwhen = [\"init: start metricsd\", \"metricsd: ready\"]\n", profile)
			b.WriteString("description = \"qemu-test.sh requires the metricsd entries only when the log shows metricsd started\"\n")
		}
	}
	return b.Bytes()
}

// TestHistoryOverlays keeps the overlays under testdata/history equal to
// what the corpus ladders say.
func TestHistoryOverlays(t *testing.T) {
	corpus := testcorpus.Dir(t)
	for _, folder := range historyFolders() {
		dir := filepath.Join(corpus, "history", folder)
		got := historyOverlay(t, dir, folder)
		golden.Check(t, filepath.Join("testdata", "history", folder+".toml"), got)
	}
}

func historyFolders() []string {
	var out []string
	for _, r := range historyRows {
		if !slices.Contains(out, r.folder) {
			out = append(out, r.folder)
		}
	}
	slices.Sort(out)
	return out
}

// overlayFS is a history folder of the corpus with the folder's overlay
// beside its proof-manifest tree, the way a project keeps both.
func overlayFS(t *testing.T, folder string) fs.FS {
	t.Helper()
	corpus := testcorpus.Dir(t)
	data, err := os.ReadFile(filepath.Join("testdata", "history", folder+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{"overlay.toml": {Data: data}}
	base := filepath.Join(corpus, "history", folder)
	err = filepath.WalkDir(filepath.Join(base, "proof-manifest"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(base, p)
		b, err := os.ReadFile(p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func historyLog(t *testing.T, folder string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testcorpus.Dir(t), "history", folder, "uart.log"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// verifyLog runs the verifier the way `taskproof verify` does: the whole
// log, matching on after a failure.
func verifyLog(t *testing.T, spec *verify.Spec, data []byte) verify.Result {
	t.Helper()
	v, err := verify.New(spec, verify.Options{KeepMatching: true, MaxSeen: -1})
	if err != nil {
		t.Fatalf("verify.New: %v", err)
	}
	for r := bytes.NewReader(data); r.Len() > 0; {
		buf := make([]byte, 8191)
		n, _ := r.Read(buf)
		v.Write(buf[:n])
	}
	return v.Finish(verify.End{})
}

// TestHistoryGate reproduces upstream's gate for every row of the history
// table with the folder's overlay.
func TestHistoryGate(t *testing.T) {
	for _, row := range historyRows {
		t.Run(row.folder+"/"+row.profile, func(t *testing.T) {
			c, err := Load(overlayFS(t, row.folder), "overlay.toml")
			if err != nil {
				t.Fatal(err)
			}
			if f := Lint(c); len(f) != 0 {
				t.Errorf("lint: %v", f)
			}
			spec, err := c.Resolve(row.profile)
			if err != nil {
				t.Fatal(err)
			}
			r := verifyLog(t, spec, historyLog(t, row.folder))
			if r.Verdict != row.verdict {
				t.Fatalf("verdict %s, want %s: %+v", r.Verdict, row.verdict, r.Failure)
			}
			switch row.verdict {
			case verify.Pass:
				if r.Found != r.Required || r.Required < 100 {
					t.Errorf("%d of %d required", r.Found, r.Required)
				}
			case verify.Missing:
				if row.profile == "smp" && !strings.HasPrefix(r.Failure.Marker, "KINIT: cpu1") && !strings.HasPrefix(r.Failure.Marker, "KSELFTEST: ") {
					t.Errorf("MISSING %q, want a smp marker", r.Failure.Marker)
				}
			case verify.Forbidden:
				if r.Failure.Line != row.line {
					t.Errorf("FORBIDDEN at line %d, want %d", r.Failure.Line, row.line)
				}
			}
			t.Logf("%s %s: %s %d/%d required, %d warnings; failure %+v", row.folder, row.profile, r.Verdict, r.Found, r.Required, len(r.Warnings), r.Failure)
		})
	}
}

// TestHistoryManifestAlone: with the manifest of the folder alone no pass
// row fails, and the one-hart boot fails smp (its REQUIRE_SMP gate).
func TestHistoryManifestAlone(t *testing.T) {
	corpus := testcorpus.Dir(t)
	for _, row := range historyRows {
		if row.verdict != verify.Pass && !(row.folder == "adda2697" && row.profile == "smp") {
			continue
		}
		t.Run(row.folder+"/"+row.profile, func(t *testing.T) {
			spec := resolveFS(t, os.DirFS(filepath.Join(corpus, "history", row.folder, "proof-manifest")), "manifest.toml", row.profile)
			r := verifyLog(t, spec, historyLog(t, row.folder))
			if r.Verdict != row.verdict {
				t.Fatalf("verdict %s, want %s: %+v", r.Verdict, row.verdict, r.Failure)
			}
			if r.Verdict == verify.Missing && r.Failure.Marker != "KINIT: cpu1 online" {
				t.Errorf("MISSING %q, want the first smp marker", r.Failure.Marker)
			}
		})
	}
}

// ladderEntries returns the entries of a ladder file.
func ladderEntries(t *testing.T, folder, profile string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testcorpus.Dir(t), "history", folder, "ladder-"+profile+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

// TestHistoryMutations: mutations of the passing logs, generated here,
// fail with the overlay and name their cause.
func TestHistoryMutations(t *testing.T) {
	for _, row := range historyRows {
		if row.verdict != verify.Pass {
			continue
		}
		t.Run(row.folder+"/"+row.profile, func(t *testing.T) {
			spec := resolveFS(t, overlayFS(t, row.folder), "overlay.toml", row.profile)
			data := historyLog(t, row.folder)
			lines := strings.SplitAfter(string(data), "\n")
			run := func(ls []string) verify.Result { return verifyLog(t, spec, []byte(strings.Join(ls, ""))) }
			entries := ladderEntries(t, row.folder, row.profile)

			// Any single ladder entry removed: every line holding it goes.
			for _, e := range entries {
				var kept []string
				for _, l := range lines {
					if !strings.Contains(l, e) {
						kept = append(kept, l)
					}
				}
				if len(kept) == len(lines) {
					t.Fatalf("entry %q is not in the passing log", e)
				}
				r := run(kept)
				if r.Verdict == verify.Pass {
					t.Errorf("without %q: PASS", e)
					continue
				}
				// The failure names the entry, or a longer entry whose lines
				// went with it ("init: start" takes "init: start keystored").
				if r.Failure.Marker != e && !strings.Contains(r.Failure.Marker, e) {
					t.Errorf("without %q: %s names %q: %s", e, r.Verdict, r.Failure.Marker, r.Failure.Message)
				}
			}

			// The log cut before SELFTEST: end.
			end := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "SELFTEST: end") })
			if r := run(lines[:end]); r.Verdict != verify.Missing || r.Failure.Marker != "SELFTEST: end" {
				t.Errorf("cut before SELFTEST: end: %s %+v", r.Verdict, r.Failure)
			}

			// An init: up service line moved after init: ready.
			ready := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "init: ready") })
			moved := 0
			for _, e := range entries {
				if !strings.HasPrefix(e, "init: up ") {
					continue
				}
				at := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, e) })
				if at < 0 || at > ready {
					t.Fatalf("%q not before init: ready", e)
				}
				ls := slices.Clone(lines)
				line := ls[at]
				ls = slices.Delete(ls, at, at+1)
				ls = slices.Insert(ls, ready, line) // after init: ready, which moved up by one
				r := run(ls)
				if r.Verdict != verify.Order || (r.Failure.Marker != e && !strings.Contains(r.Failure.Message, e)) {
					t.Errorf("%q moved after init: ready: %s %+v", e, r.Verdict, r.Failure)
				}
				moved++
			}
			if moved < 10 {
				t.Errorf("only %d init: up lines moved", moved)
			}
		})
	}
}

// TestHistoryWarnings: the undeclared failure lines of 90ecdf0a and
// e40b9e38 are warnings with their line numbers, and fail the run under
// failure_lines = "fail".
func TestHistoryWarnings(t *testing.T) {
	for _, tc := range []struct {
		folder string
		want   []string // line:text
	}{
		{"90ecdf0a", []string{"934:policyd: audit emit FAIL", "994:policyd: audit emit FAIL", "1002:policyd: audit emit FAIL", "1017:policyd: audit emit FAIL", "1025:policyd: audit emit FAIL", "1143:init: rollback fail"}},
		{"e40b9e38", []string{"934:policyd: audit emit FAIL", "994:policyd: audit emit FAIL", "1002:policyd: audit emit FAIL", "1017:policyd: audit emit FAIL", "1025:policyd: audit emit FAIL", "1144:init: rollback fail", "1196:netstackd: net dns proof fail"}},
	} {
		t.Run(tc.folder, func(t *testing.T) {
			fsys := overlayFS(t, tc.folder).(fstest.MapFS)
			spec := resolveFS(t, fsys, "overlay.toml", "smp")
			r := verifyLog(t, spec, historyLog(t, tc.folder))
			var got []string
			for _, w := range r.Warnings {
				got = append(got, fmt.Sprintf("%d:%s", w.Line, w.Text))
			}
			if r.Verdict != verify.Pass || !slices.Equal(got, tc.want) {
				t.Fatalf("%s, warnings %q; want PASS with %q", r.Verdict, got, tc.want)
			}

			// failure_lines = "fail": the first one fails the run.
			strict := bytes.Replace(fsys["overlay.toml"].Data, []byte("version = 1\n"), []byte("version = 1\nfailure_lines = \"fail\"\n"), 1)
			fsys["overlay.toml"] = &fstest.MapFile{Data: strict}
			spec = resolveFS(t, fsys, "overlay.toml", "smp")
			r = verifyLog(t, spec, historyLog(t, tc.folder))
			if r.Verdict != verify.Forbidden || r.Failure.Line != 934 || r.Failure.Marker != "failure-line" {
				t.Fatalf("strict: %s %+v", r.Verdict, r.Failure)
			}

			// A diag marker declared in the overlay silences its line.
			silenced := bytes.Replace(fsys["overlay.toml"].Data, []byte("\n[ladder.full]"), []byte("\n[[marker]]\ntext = \"policyd: audit emit FAIL\"\nkind = \"diag\"\n\n[[marker]]\ntext = \"rollback fail\"\nmatch = \"substring\"\nkind = \"diag\"\n\n[[marker]]\ntext = \"netstackd: net dns proof fail\"\nkind = \"diag\"\n\n[ladder.full]"), 1)
			fsys["overlay.toml"] = &fstest.MapFile{Data: silenced}
			spec = resolveFS(t, fsys, "overlay.toml", "smp")
			if r := verifyLog(t, spec, historyLog(t, tc.folder)); r.Verdict != verify.Pass || len(r.Warnings) != 0 {
				t.Fatalf("with diag markers: %s %+v warnings %+v", r.Verdict, r.Failure, r.Warnings)
			}
		})
	}
}

// resolveFS loads name from fsys and resolves profile.
func resolveFS(t *testing.T, fsys fs.FS, name, profile string) *verify.Spec {
	t.Helper()
	c, err := Load(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := c.Resolve(profile)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}
