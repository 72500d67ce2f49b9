package contract

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/testcorpus"
	"github.com/taskproof/taskproof/internal/verify"
)

func loadCorpusManifest(t *testing.T, tree string) (*Contract, string) {
	t.Helper()
	dir := filepath.Join(testcorpus.Dir(t), tree)
	c, err := Load(os.DirFS(dir), "manifest.toml")
	if err != nil {
		t.Fatalf("Load %s: %v", tree, err)
	}
	return c, dir
}

// The corpus README's measured facts: 660 markers and 15 profiles at head,
// 460 markers at 90ecdf0a.
func TestCorpusManifests(t *testing.T) {
	tests := []struct {
		tree              string
		markers, profiles int
		files             int
	}{
		{"proof-manifest-head", 660, 15, 17},
		{"proof-manifest-90ecdf0a", 460, 11, 16},
	}
	for _, tt := range tests {
		t.Run(tt.tree, func(t *testing.T) {
			c, dir := loadCorpusManifest(t, tt.tree)
			if c.Format() != FormatManifestV2 {
				t.Errorf("format %s", c.Format())
			}
			if len(c.markers) != tt.markers || len(c.Profiles()) != tt.profiles || len(c.Files()) != tt.files {
				t.Errorf("%d markers, %d profiles, %d files; want %d, %d, %d", len(c.markers), len(c.Profiles()), len(c.Files()), tt.markers, tt.profiles, tt.files)
			}
			if c.DefaultProfile() != "full" {
				t.Errorf("default profile %q", c.DefaultProfile())
			}
			if len(c.problems) != 0 {
				t.Errorf("load problems: %v", c.problems)
			}
			// Every marker's position points at its own [marker."..."] header.
			fileLines := map[string][]string{}
			for _, m := range c.markers {
				lines, ok := fileLines[m.File]
				if !ok {
					data, err := os.ReadFile(filepath.Join(dir, m.File))
					if err != nil {
						t.Fatal(err)
					}
					lines = strings.Split(string(data), "\n")
					fileLines[m.File] = lines
				}
				if m.Line < 1 || m.Line > len(lines) || !strings.HasPrefix(lines[m.Line-1], "[marker.") || !strings.Contains(lines[m.Line-1], m.Text) {
					t.Errorf("marker %q at %s:%d does not point at its header", m.Text, m.File, m.Line)
					break
				}
			}
			// Every profile resolves and requires something.
			for _, p := range c.Profiles() {
				spec, err := c.Resolve(p)
				if err != nil {
					t.Errorf("Resolve(%s): %v", p, err)
					continue
				}
				n := len(spec.Markers) + len(spec.Unexpected) + len(spec.Forbidden) - len(DefaultForbidden())
				if n != tt.markers {
					t.Errorf("profile %s partitions %d markers, want %d", p, n, tt.markers)
				}
			}
			// Lint is clean: "init: start" inside "init: start keystored"
			// changes nothing (a line counts as its most specific marker),
			// and no forbidden text hides inside a marker that must appear.
			for _, f := range Lint(c) {
				t.Errorf("unexpected finding %s", f)
			}
		})
	}
}

func TestCorpusSmpProfile(t *testing.T) {
	head, _ := loadCorpusManifest(t, "proof-manifest-head")
	old, _ := loadCorpusManifest(t, "proof-manifest-90ecdf0a")

	env, err := head.Env("smp")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"QEMU_DISPLAY_BACKEND": "none", "QEMU_NO_ICOUNT": "1", "REQUIRE_SMP": "1", "SMP": "2"}
	if diff := diffOf(want, env); diff != "" {
		t.Errorf("head smp env: %s", diff)
	}
	env, _ = old.Env("smp")
	if diff := diffOf(map[string]string{"REQUIRE_SMP": "1", "SMP": "2"}, env); diff != "" {
		t.Errorf("90ecdf0a smp env: %s", diff)
	}

	spec, err := old.Resolve("smp")
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, m := range spec.Markers {
		status[m.ID] = map[bool]string{true: "required", false: "allowed"}[m.Required]
	}
	for _, m := range spec.Forbidden {
		status[m.ID] = "forbidden"
	}
	for _, m := range spec.Unexpected {
		status[m.ID] = "unexpected"
	}
	checks := map[string]string{
		"KSELFTEST: smp online ok":                        "required",   // emit_when smp, and smp sets REQUIRE_SMP=1
		"SELFTEST: net ping ok":                           "allowed",    // proves is documentation
		"neuron vers.":                                    "allowed",    // proves, but not an ok/ready claim
		"SELFTEST: vfs FAIL":                              "forbidden",  // a failure line
		"dsoftbusd: cross-vm session ok":                  "unexpected", // emit_when os2vm
		"dsoftbusd: transport selected tcp":               "allowed",    // forbidden only under quic-required
		"SELFTEST: mux crossvm backpressure ok":           "unexpected",
		"default:panicked-at":                             "forbidden",
		"SELFTEST: device key private export rejected ok": "allowed",
	}
	for id, want := range checks {
		if status[id] != want {
			t.Errorf("90ecdf0a smp: %q is %q, want %q", id, status[id], want)
		}
	}
	quic, _ := old.Resolve("quic-required")
	found := false
	for _, m := range quic.Forbidden {
		found = found || m.ID == "dsoftbusd: transport selected tcp"
	}
	if !found {
		t.Errorf("quic-required does not forbid the TCP fallback")
	}
}

// runLog verifies the smp UART capture against a resolved profile.
func runLog(t *testing.T, spec *verify.Spec) verify.Result {
	t.Helper()
	return runLogWith(t, spec, verify.Options{MaxSeen: -1})
}

func runLogWith(t *testing.T, spec *verify.Spec, opts verify.Options) verify.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testcorpus.Dir(t), "uart-90ecdf0a-smp.log"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := verify.New(spec, opts)
	if err != nil {
		t.Fatalf("verify.New: %v", err)
	}
	// Feed in odd-sized chunks, the way a pipe delivers them.
	for r := bytes.NewReader(data); r.Len() > 0; {
		buf := make([]byte, 4093)
		n, _ := r.Read(buf)
		if _, err := v.Write(buf[:n]); err != nil {
			t.Fatal(err)
		}
	}
	return v.Finish(verify.End{Exited: true})
}

// The acceptance: the smp capture verified against the manifest it was
// committed with passes: nothing unexpected, nothing forbidden, every
// required marker seen.
func TestCorpusSmpLogPassesAt90ecdf0a(t *testing.T) {
	c, _ := loadCorpusManifest(t, "proof-manifest-90ecdf0a")
	spec, err := c.Resolve("smp")
	if err != nil {
		t.Fatal(err)
	}
	r := runLog(t, spec)
	if r.Verdict != verify.Pass {
		t.Fatalf("verdict %s: %+v", r.Verdict, r.Failure)
	}
	if r.Required == 0 || r.Found != r.Required {
		t.Errorf("found %d of %d required markers", r.Found, r.Required)
	}
}

// The same capture against the newer manifest. Head no longer declares 17
// literals the capture prints; 11 of them are in the upper-case proof
// namespace SELFTEST: and carry no value, and 10 of those match no head
// marker ("SELFTEST: mmio map ok" contains head's substring marker
// "SELFTEST: mmio "), so upstream's deny-by-default rule
// (verify.Spec.Undeclared) reports those 10 as unexpected for smp. No
// gated marker is unexpected and nothing is forbidden; head's smp gate
// (REQUIRE_SMP=1) also requires 15 smp markers the two-hart capture lacks
// (KINIT: cpu2 online first).
func TestCorpusSmpLogAgainstHead(t *testing.T) {
	c, _ := loadCorpusManifest(t, "proof-manifest-head")
	old, _ := loadCorpusManifest(t, "proof-manifest-90ecdf0a")
	spec, err := c.Resolve("smp")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(spec.Undeclared, []string{"KINIT: ", "KSELFTEST: ", "SELFTEST: "}) {
		t.Errorf("undeclared namespaces %q", spec.Undeclared)
	}
	r := runLogWith(t, spec, verify.Options{KeepMatching: true})
	if r.Verdict != verify.Unexpected || r.Failure == nil || r.Failure.Marker != "SELFTEST: child exit ok" {
		t.Fatalf("verdict %s %+v; want UNEXPECTED naming SELFTEST: child exit ok", r.Verdict, r.Failure)
	}
	var flagged []string
	for _, o := range r.Seen {
		if o.Kind == verify.KindFail {
			t.Errorf("a failure marker was seen: %+v", o)
		}
		if o.Class == "unexpected" {
			flagged = append(flagged, o.Marker)
		}
	}
	wantFlagged := []string{
		"SELFTEST: child exit ok", "SELFTEST: crash report ok", "SELFTEST: minidump ok",
		"SELFTEST: minidump forged metadata rejected", "SELFTEST: minidump no-artifact metadata rejected",
		"SELFTEST: minidump mismatched build_id rejected", "SELFTEST: exec denied ok",
		"SELFTEST: execd malformed ok", "SELFTEST: cap query mmio ok", "SELFTEST: end",
	}
	if !slices.Equal(flagged, wantFlagged) {
		t.Errorf("unexpected for smp at head:\n got %q\nwant %q", flagged, wantFlagged)
	}

	data, err := os.ReadFile(filepath.Join(testcorpus.Dir(t), "uart-90ecdf0a-smp.log"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	var unexpected, forbidden, missing, undeclared []string
	for _, m := range spec.Unexpected {
		if strings.Contains(text, m.Text) {
			unexpected = append(unexpected, m.ID)
		}
	}
	for _, m := range spec.Forbidden {
		if m.Mode == verify.Substring && strings.Contains(text, m.Text) {
			forbidden = append(forbidden, m.ID)
		}
	}
	for _, m := range spec.Markers {
		if m.Required && !strings.Contains(text, m.Text) {
			missing = append(missing, m.ID)
		}
	}
	for _, m := range old.markers {
		if _, ok := c.byID[m.ID]; !ok && strings.Contains(text, m.Text) {
			undeclared = append(undeclared, m.ID)
		}
	}
	if len(unexpected) != 0 || len(forbidden) != 0 {
		t.Errorf("unexpected %q, forbidden %q; want none", unexpected, forbidden)
	}
	if len(missing) != 15 || r.Required-r.Found != 15 {
		t.Errorf("%d required markers absent (verifier: %d of %d found); want 15", len(missing), r.Found, r.Required)
	}
	if r.Failure.NearMisses != nil {
		t.Errorf("near misses %+v", r.Failure.NearMisses)
	}
	sort.Strings(undeclared)
	if i := sort.SearchStrings(undeclared, "SELFTEST: end"); len(undeclared) != 17 || i == len(undeclared) || undeclared[i] != "SELFTEST: end" {
		t.Errorf("no longer declared at head: %q; want 17 including SELFTEST: end", undeclared)
	}
	t.Logf("missing at head: %s", strings.Join(missing, " | "))
	t.Logf("no longer declared at head: %s", strings.Join(undeclared, " | "))
}

// The passing spec is not vacuous: a failure line or another profile's
// marker added to the same capture fails it.
func TestCorpusSmpLogMutations(t *testing.T) {
	c, _ := loadCorpusManifest(t, "proof-manifest-90ecdf0a")
	spec, err := c.Resolve("smp")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(testcorpus.Dir(t), "uart-90ecdf0a-smp.log"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, insert string
		want         verify.Verdict
		marker       string
	}{
		{"fail line", "SELFTEST: vfs FAIL\r\n", verify.Forbidden, "SELFTEST: vfs FAIL"},
		{"os2vm marker under smp", "dsoftbusd: cross-vm session ok\r\n", verify.Unexpected, "dsoftbusd: cross-vm session ok"},
		{"rust panic", "thread 'main' panicked at src/main.rs:1:1:\r\n", verify.Forbidden, "default:panicked-at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := bytes.Index(data, []byte("SELFTEST: vfs stat ok"))
			mutated := append(append(append([]byte{}, data[:at]...), tt.insert...), data[at:]...)
			v, err := verify.New(spec, verify.Options{})
			if err != nil {
				t.Fatal(err)
			}
			v.Write(mutated)
			r := v.Finish(verify.End{Exited: true})
			if r.Verdict != tt.want || r.Failure == nil || r.Failure.Marker != tt.marker {
				t.Errorf("verdict %s %+v; want %s on %q", r.Verdict, r.Failure, tt.want, tt.marker)
			}
		})
	}
}
