package evidence

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/golden"
)

func TestRoundTrip(t *testing.T) {
	key := testKey("A")
	files, pred := sampleFiles(), samplePredicate()
	bundle := mustBuild(t, files, pred, key)
	v, err := Verify(bundle, pubOf(key), VerifyOptions{Commit: commitA})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !reflect.DeepEqual(v.Predicate, pred) {
		t.Errorf("predicate round trip:\n got %+v\nwant %+v", v.Predicate, pred)
	}
	if v.KeyID != KeyID(pubOf(key)) {
		t.Errorf("KeyID = %s, want %s", v.KeyID, KeyID(pubOf(key)))
	}
	if v.Digest != BundleDigest(bundle) {
		t.Errorf("Digest = %s, want %s", v.Digest, BundleDigest(bundle))
	}
	want := map[string]string{}
	for _, f := range files {
		want[f.Name] = string(f.Data)
	}
	if len(v.Files) != len(files) {
		t.Fatalf("got %d files, want %d", len(v.Files), len(files))
	}
	for i, f := range v.Files {
		if i > 0 && v.Files[i-1].Name >= f.Name {
			t.Errorf("files not sorted: %s before %s", v.Files[i-1].Name, f.Name)
		}
		data, err := v.ReadFile(f.Name)
		if err != nil {
			t.Fatalf("ReadFile(%s): %v", f.Name, err)
		}
		if want[f.Name] != string(data) || f.Size != int64(len(data)) || f.SHA256 != sha256Hex(data) {
			t.Errorf("file %s: got %q (%+v), want %q", f.Name, data, f, want[f.Name])
		}
	}
	if len(v.Statement.Subject) != len(files) || v.Statement.Subject[0].Name != "files/config.json" {
		t.Errorf("subjects = %+v", v.Statement.Subject)
	}
}

func TestBuildDeterministic(t *testing.T) {
	key := testKey("A")
	a := mustBuild(t, sampleFiles(), samplePredicate(), key)
	b := mustBuild(t, sampleFiles(), samplePredicate(), key)
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same inputs differ")
	}
	// Input order does not matter: entries are sorted.
	files := sampleFiles()
	for i, j := 0, len(files)-1; i < j; i, j = i+1, j-1 {
		files[i], files[j] = files[j], files[i]
	}
	if c := mustBuild(t, files, samplePredicate(), key); !bytes.Equal(a, c) {
		t.Fatal("reordering the input files changed the bundle")
	}
	// Any content change changes the bytes.
	files = sampleFiles()
	files[0].Data = append(files[0].Data, '\n')
	if c := mustBuild(t, files, samplePredicate(), key); bytes.Equal(a, c) {
		t.Fatal("changing a file did not change the bundle")
	}
}

// TestDeterminismExceptRun: two proofs that differ only in run-specific
// fields yield different bundles whose files and predicates without Run
// are equal, which is the determinism contract prove relies on.
func TestDeterminismExceptRun(t *testing.T) {
	key := testKey("A")
	p1, p2 := samplePredicate(), samplePredicate()
	p2.Run = Run{StartedAt: "2026-03-05T08:00:00Z", DurationMS: 950, Host: "laptop", Tools: []Tool{{Name: "qemu-system-x86_64", Version: "9.0.0"}}}
	b1, b2 := mustBuild(t, sampleFiles(), p1, key), mustBuild(t, sampleFiles(), p2, key)
	if bytes.Equal(b1, b2) {
		t.Fatal("different run fields gave identical bundles")
	}
	v1, err := Verify(b1, pubOf(key), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := Verify(b2, pubOf(key), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v1.Files, v2.Files) {
		t.Error("files differ between the two proofs")
	}
	if !reflect.DeepEqual(v1.Predicate.WithoutRun(), v2.Predicate.WithoutRun()) {
		t.Errorf("predicates without run differ:\n%+v\n%+v", v1.Predicate.WithoutRun(), v2.Predicate.WithoutRun())
	}
	p3 := samplePredicate()
	p3.Items[0].Reason = "seen at line 9"
	if reflect.DeepEqual(p1.WithoutRun(), p3.WithoutRun()) {
		t.Error("WithoutRun hides a change outside run")
	}
}

// TestBuildLayout pins the archive layout (every header field that makes
// the bundle deterministic) and the statement of a small bundle.
func TestBuildLayout(t *testing.T) {
	bundle := mustBuild(t, sampleFiles(), samplePredicate(), testKey("A"))
	var b strings.Builder
	for _, e := range untar(t, bundle) {
		h := e.hdr
		fmt.Fprintf(&b, "%-28s type=%c mode=%04o uid=%d gid=%d uname=%q gname=%q mtime=%d size=%d format=%v\n",
			h.Name, h.Typeflag, h.Mode, h.Uid, h.Gid, h.Uname, h.Gname, h.ModTime.Unix(), h.Size, h.Format)
	}
	fmt.Fprintf(&b, "bundle %d bytes %s\n", len(bundle), BundleDigest(bundle))
	golden.Check(t, "testdata/layout.golden", []byte(b.String()))
	golden.Check(t, "testdata/statement.golden", entryData(t, bundle, StatementEntry))
	golden.Check(t, "testdata/envelope.golden", entryData(t, bundle, EnvelopeEntry))
}

func TestBuildRejectsNames(t *testing.T) {
	long := strings.Repeat("a", 101)
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"empty", []string{""}, "file name is empty"},
		{"absolute", []string{"/etc/passwd"}, `"/etc/passwd" is absolute`},
		{"dotdot", []string{"../x"}, `contains ".."`},
		{"inner dotdot", []string{"a/../../x"}, `contains ".."`},
		{"dot", []string{"./x"}, `contains "."`},
		{"double slash", []string{"a//b"}, "empty path element"},
		{"trailing slash", []string{"a/"}, "empty path element"},
		{"backslash", []string{`a\b`}, "printable ASCII"},
		{"non-ascii", []string{"naïve.log"}, "printable ASCII"},
		{"newline", []string{"a\nb"}, "printable ASCII"},
		{"duplicate", []string{"a.log", "b.log", "a.log"}, `"a.log" appears twice`},
		{"file and dir", []string{"logs", "logs/qemu.log"}, `"logs" is also the directory of "logs/qemu.log"`},
		{"too long", []string{long}, "too long for a ustar entry"},
		{"too long split", []string{strings.Repeat("d", 150) + "/" + strings.Repeat("f", 101)}, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var files []File
			for _, n := range tt.files {
				files = append(files, File{Name: n, Data: []byte("x")})
			}
			_, err := Build(files, samplePredicate(), testKey("A"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	// Long names that fit ustar's prefix/name split are accepted.
	ok := strings.Repeat("d", 140) + "/" + strings.Repeat("f", 100)
	bundle, err := Build([]File{{Name: ok, Data: []byte("x")}}, samplePredicate(), testKey("A"))
	if err != nil {
		t.Fatalf("long splittable name: %v", err)
	}
	if _, err := Verify(bundle, pubOf(testKey("A")), VerifyOptions{}); err != nil {
		t.Fatalf("long splittable name: %v", err)
	}
	if _, err := Build(nil, samplePredicate(), testKey("A")); err == nil || !strings.Contains(err.Error(), "no files") {
		t.Fatalf("no files: err = %v", err)
	}
}

func TestBuildRejectsPredicate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Predicate)
		want string
	}{
		{"no task", func(p *Predicate) { p.TaskID = " " }, "task_id is empty"},
		{"short commit", func(p *Predicate) { p.Commit = "0123456" }, "not a full lowercase hex object id"},
		{"upper commit", func(p *Predicate) { p.Commit = strings.ToUpper(commitA) }, "not a full lowercase hex"},
		{"bad hash", func(p *Predicate) { p.AllowlistHash = "abc" }, "allowlist_hash \"abc\" is not ALGO:HEX"},
		{"no items", func(p *Predicate) { p.Items = nil }, "no items"},
		{"empty item", func(p *Predicate) { p.Items[1].Item = "" }, "item 2 has empty text"},
		{"bad kind", func(p *Predicate) { p.Items[0].Kind = "vibes" }, `kind "vibes"`},
		{"bad item verdict", func(p *Predicate) { p.Items[0].Verdict = "PASS" }, `verdict "PASS"`},
		{"bad verdict", func(p *Predicate) { p.Verdict = "ok" }, `verdict "ok" is not proven or failed`},
		{"proven over failure", func(p *Predicate) { p.Items[2].Verdict = Failed }, "not every item is proven"},
		{"proven over not run", func(p *Predicate) { p.Items[2].Verdict = NotRun }, "not every item is proven"},
		{"failed over success", func(p *Predicate) { p.Verdict = Failed }, "verdict is failed but every item is proven"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := samplePredicate()
			tt.edit(&p)
			_, err := Build(sampleFiles(), p, testKey("A"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	// An empty contract hash is allowed (no contract applies).
	p := samplePredicate()
	p.ContractHash = ""
	if _, err := Build(sampleFiles(), p, testKey("A")); err != nil {
		t.Fatalf("empty contract hash: %v", err)
	}
}

func TestBuildRejectsBadKey(t *testing.T) {
	if _, err := Build(sampleFiles(), samplePredicate(), ed25519.PrivateKey{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "signing key has 3 bytes") {
		t.Fatalf("short key: err = %v", err)
	}
	k := append(ed25519.PrivateKey(nil), testKey("A")...)
	k[40] ^= 1 // public half no longer matches the seed
	if _, err := Build(sampleFiles(), samplePredicate(), k); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("corrupt key: err = %v", err)
	}
}

func TestRead(t *testing.T) {
	bundle := mustBuild(t, sampleFiles(), samplePredicate(), testKey("A"))
	c, err := Read(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if c.Statement.Predicate.TaskID != "TASK-0007" || len(c.Files) != 4 || len(c.Envelope.Signatures) != 1 {
		t.Errorf("Read = %+v", c)
	}
	// Read checks nothing: an edited statement is read as is.
	edited := rewrite(t, bundle, replaceEntry(StatementEntry, bytes.Replace(entryData(t, bundle, StatementEntry), []byte("TASK-0007"), []byte("TASK-0666"), 1)))
	c, err = Read(edited)
	if err != nil {
		t.Fatal(err)
	}
	if c.Statement.Predicate.TaskID != "TASK-0666" {
		t.Errorf("task = %s", c.Statement.Predicate.TaskID)
	}
}
