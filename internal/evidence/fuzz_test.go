package evidence

// Fuzzing is split by layer. A fuzzer cannot forge an ed25519 signature,
// and Go's minimizer is quadratic in the input's length, so one target fed
// whole signed bundles (about 10 KB each) found an input, then spent its
// time minimizing it and never reached the parser again:
//
//   - FuzzOpen fuzzes the archive layer (ustar.go, read.go) with archives
//     written compactly (zeroRuns) whose header checksums it can fix, so
//     mutations reach past the checksum; whatever it accepts, archive/tar
//     must read the same way.
//   - FuzzVerifySigned fuzzes what comes after the signature: it signs the
//     fuzzed statement itself, so every input reaches the statement,
//     subject and predicate checks.
//
// Seed corpora are committed under testdata/fuzz (TestFuzzSeedCorpus keeps
// them in step with the seeds below; -update rewrites them).

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	et "github.com/taskproof/taskproof/internal/evidence/evidencetest"
	"github.com/taskproof/taskproof/internal/golden"
)

// maxFuzzArchive caps FuzzOpen's compact input; the seeds are below 1 KB.
const maxFuzzArchive = 1536

// fuzzLimits keep the fuzzer's archives small and exercise the limit checks.
var fuzzLimits = Limits{MaxBundleBytes: 1 << 20, MaxEntryBytes: 64 << 10}

// zeroRuns expands the compact form FuzzOpen takes: a zero byte followed by
// a byte n stands for n+1 zero bytes (a lone trailing zero for one); every
// other byte stands for itself. Tar archives are mostly zero padding, so a
// 3 KB archive is about 300 bytes in this form.
func zeroRuns(enc []byte) []byte {
	var out []byte
	for i := 0; i < len(enc); i++ {
		if enc[i] != 0 {
			out = append(out, enc[i])
			continue
		}
		n := 1
		if i+1 < len(enc) {
			i++
			n = int(enc[i]) + 1
		}
		out = append(out, make([]byte, n)...)
	}
	return out
}

// compactZeros is zeroRuns' inverse, for writing seeds.
func compactZeros(raw []byte) []byte {
	var out []byte
	for i := 0; i < len(raw); {
		if raw[i] != 0 {
			out = append(out, raw[i])
			i++
			continue
		}
		n := 0
		for i+n < len(raw) && raw[i+n] == 0 && n < 256 {
			n++
		}
		out = append(out, 0, byte(n-1))
		i += n
	}
	return out
}

// fixChecksums rewrites the checksum of every block the reader takes for a
// header, walking the archive as scanUSTAR does, so that mutated headers
// are judged on their other fields.
func fixChecksums(a []byte) {
	for off := 0; off+blockSize <= len(a); {
		b := a[off : off+blockSize]
		if isZero(b) {
			return
		}
		copy(b[148:], fmt.Sprintf("%06o\x00 ", headerChecksum(b)))
		size, err := octalField(b[124:136])
		if err != nil || size > int64(len(a)) {
			return
		}
		off += blockSize + int(size+blockSize-1)/blockSize*blockSize
	}
}

// fuzzOpenSeeds are archives of every shape the reader must judge.
func fuzzOpenSeeds() map[string][]byte {
	env, st := et.File(EnvelopeEntry, []byte("{}\n")), et.File(StatementEntry, []byte("{}\n"))
	withDirs := et.Archive(et.Header("files/", '5', 0, nil), et.Header("files/d/", '5', 0, nil), env, et.File("files/d/a.log", []byte("boot: ok\n")), st)
	prefixed := et.Archive(env, et.Header("a.log", '0', 2, func(b []byte) { copy(b[345:], "files/logs") }), et.Data([]byte("ok")), st)
	return map[string][]byte{
		"minimal":       et.Archive(env, et.File("files/a", []byte("x")), st),
		"dirs":          withDirs,
		"prefix":        prefixed,
		"pax-sparse":    et.SparseBundle(2 << 30),
		"pax-path":      et.Archive(env, et.PAX('x', map[string]string{"path": "files/p"}), et.File("files/a", nil), st),
		"gnu-longname":  et.Archive(env, et.Header("././@LongLink", 'L', 8, nil), et.Data([]byte("files/l")), et.File("files/a", nil), st),
		"gnu-sparse":    et.Archive(env, et.Header("files/s", 'S', 0, nil), st),
		"gnu-magic":     et.Archive(et.Header(EnvelopeEntry, '0', 3, func(b []byte) { copy(b[257:], "ustar  \x00") }), et.Data([]byte("{}\n")), st),
		"symlink":       et.Archive(env, et.Header("files/l", '2', 0, func(b []byte) { copy(b[157:], "/etc/passwd") }), st),
		"declared-2gib": et.DeclaredBundle(2 << 30),
		"duplicate":     et.Archive(env, et.File("files/a", []byte("1")), et.File("files/a", []byte("2")), st),
		"trailing":      append(et.Archive(env, st), 'x'),
		"no-end":        append(append([]byte(nil), env...), st...),
	}
}

// tarSeen is an entry as archive/tar reads it.
type tarSeen struct {
	name string
	dir  bool
	data string
}

func readWithArchiveTar(a []byte) ([]tarSeen, error) {
	tr := tar.NewReader(bytes.NewReader(a))
	var out []tarSeen
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(tr, int64(len(a))+1))
		if err != nil {
			return nil, err
		}
		out = append(out, tarSeen{name: h.Name, dir: h.Typeflag == tar.TypeDir, data: string(data)})
	}
}

// FuzzOpen: no archive makes the reader panic or fail with anything but a
// *VerifyError, and an archive it accepts is one archive/tar reads to the
// same entries with the same content, whose digests and ReadFile agree.
func FuzzOpen(f *testing.F) {
	for _, name := range sortedKeys(fuzzOpenSeeds()) {
		f.Add(compactZeros(fuzzOpenSeeds()[name]), true)
	}
	f.Fuzz(func(t *testing.T, enc []byte, fix bool) {
		if len(enc) > maxFuzzArchive {
			return // minimizing a longer input would take minutes (the minimizer is quadratic)
		}
		a := zeroRuns(enc)
		if fix {
			fixChecksums(a)
		}
		b, err := OpenBytes(a, fuzzLimits)
		if err != nil {
			var ve *VerifyError
			if !errors.As(err, &ve) || (ve.Reason != Malformed && ve.Reason != TooLarge) {
				t.Fatalf("error of another kind: %#v", err)
			}
			return
		}
		seen, err := readWithArchiveTar(a)
		if err != nil {
			t.Fatalf("accepted an archive archive/tar cannot read: %v", err)
		}
		files := map[string]string{}
		for _, e := range seen {
			switch {
			case e.dir:
			case e.name == EnvelopeEntry:
				if e.data != string(b.EnvelopeJSON) {
					t.Fatalf("envelope.json %q, archive/tar reads %q", b.EnvelopeJSON, e.data)
				}
			case e.name == StatementEntry:
				if e.data != string(b.StatementJSON) {
					t.Fatalf("statement.json %q, archive/tar reads %q", b.StatementJSON, e.data)
				}
			default:
				name, ok := strings.CutPrefix(e.name, FilesPrefix)
				if !ok {
					t.Fatalf("accepted entry %q that archive/tar names so", e.name)
				}
				files[name] = e.data
			}
		}
		if len(files) != len(b.Files) {
			t.Fatalf("%d files read, archive/tar reads %d", len(b.Files), len(files))
		}
		for _, e := range b.Files {
			data, err := b.ReadFile(e.Name)
			if err != nil {
				t.Fatal(err)
			}
			if want, ok := files[e.Name]; !ok || string(data) != want || e.Size != int64(len(data)) || e.SHA256 != sha256Hex(data) {
				t.Fatalf("file %s: read %q (%+v), archive/tar reads %q", e.Name, data, e, want)
			}
		}
		if b.Digest != BundleDigest(a) {
			t.Fatalf("digest %s, want %s", b.Digest, BundleDigest(a))
		}
		_, _ = b.Contents()
		_, _ = b.Verify(pubOf(testKey("A")), VerifyOptions{})
	})
}

// signedCase is one FuzzVerifySigned input: a statement built from small
// fields, what is stored as statement.json, and the one evidence file the
// archive holds. Enumerated fields are bytes (the minimizer leaves them
// alone) and strings are capped at maxFuzzField, so a new input minimizes
// in a second, not minutes.
type signedCase struct {
	task, commit string
	verdict      uint8 // index into fuzzWords for the overall verdict
	kind         uint8 // ... the item's kind
	itemVerdict  uint8 // ... the item's verdict
	subject      string
	digestOfData bool  // the subject's digest is the file's (else another)
	stored       uint8 // statement.json: 0 the payload, 1 it plus a newline, 2 another statement over the file, 3 "{"
	name         string
	data         []byte
}

// fuzzWords are the values the enumerated fields pick from: every valid
// verdict and kind, and invalid ones.
var fuzzWords = []string{Proven, Failed, NotRun, KindMarker, KindTest, KindScope, KindHygiene, KindCommand, "", "PROVEN", "vibes"}

func fuzzWord(i uint8) string { return fuzzWords[int(i)%len(fuzzWords)] }

// wordIndex is the fuzzWords index of w, for writing seeds.
func wordIndex(w string) uint8 {
	for i, x := range fuzzWords {
		if x == w {
			return uint8(i)
		}
	}
	panic("not a fuzz word: " + w)
}

// maxFuzzField caps the strings and data of a FuzzVerifySigned input.
const maxFuzzField = 64

func (c signedCase) statement(commit string, subject, digest string) Statement {
	return Statement{
		Type: StatementType, PredicateType: PredicateType,
		Subject: []Subject{{Name: FilesPrefix + subject, Digest: DigestSet{SHA256: digest}}},
		Predicate: Predicate{TaskID: c.task, Commit: commit, Verdict: fuzzWord(c.verdict),
			Items: []Item{{Item: "boot: ok", Kind: fuzzWord(c.kind), Verdict: fuzzWord(c.itemVerdict)}}, Run: Run{Tools: []Tool{}}},
	}
}

// archive signs the statement with key and packs the bundle.
func (c signedCase) archive(t *testing.T, key ed25519.PrivateKey) (archive, payload []byte) {
	digest := sha256Hex([]byte("something else"))
	if c.digestOfData {
		digest = sha256Hex(c.data)
	}
	payload, err := marshalJSON(c.statement(c.commit, c.subject, digest))
	if err != nil {
		t.Fatal(err)
	}
	stored := payload
	switch c.stored % 4 {
	case 1:
		stored = append(append([]byte(nil), payload...), '\n')
	case 2:
		if stored, err = marshalJSON(c.statement(commitB, c.name, sha256Hex(c.data))); err != nil {
			t.Fatal(err)
		}
	case 3:
		stored = []byte("{")
	}
	env, err := marshalJSON(signEnvelope(payload, key))
	if err != nil {
		t.Fatal(err)
	}
	return et.Archive(et.File(EnvelopeEntry, env), et.File(FilesPrefix+c.name, c.data), et.File(StatementEntry, stored)), payload
}

func fuzzSignedSeeds() map[string]signedCase {
	ok := signedCase{task: "TASK-0001", commit: commitA, verdict: wordIndex(Proven), kind: wordIndex(KindMarker), itemVerdict: wordIndex(Proven),
		subject: "qemu.log", digestOfData: true, name: "qemu.log", data: []byte("boot: ok\n")}
	with := func(edit func(*signedCase)) signedCase { c := ok; edit(&c); return c }
	return map[string]signedCase{
		"valid":             ok,
		"file-changed":      with(func(c *signedCase) { c.digestOfData = false }),
		"file-renamed":      with(func(c *signedCase) { c.name = "other.log" }),
		"statement-edited":  with(func(c *signedCase) { c.stored = 1 }),
		"transplanted":      with(func(c *signedCase) { c.stored, c.subject = 2, "x.log" }),
		"statement-garbage": with(func(c *signedCase) { c.stored = 3 }),
		"failed":            with(func(c *signedCase) { c.verdict, c.itemVerdict = wordIndex(Failed), wordIndex(NotRun) }),
		"other-commit":      with(func(c *signedCase) { c.commit = commitB }),
		"short-commit":      with(func(c *signedCase) { c.commit = commitA[:12] }),
		"bad-kind":          with(func(c *signedCase) { c.kind = wordIndex("vibes") }),
		"no-task":           with(func(c *signedCase) { c.task = " " }),
		"subject-traversal": with(func(c *signedCase) { c.subject = "../x" }),
	}
}

func (c signedCase) values() []any {
	return []any{c.task, c.commit, c.verdict, c.kind, c.itemVerdict, c.subject, c.digestOfData, c.stored, c.name, c.data}
}

// FuzzVerifySigned: for any statement signed by the verifying key, any
// stored statement.json and any evidence file, Verify never panics, and
// what it accepts is exactly what was signed: the stored statement is the
// payload, each file matches its subject, the predicate is valid and for
// the commit asked. The fuzzer cannot forge signatures, so the target signs
// what it builds; the archive layer is FuzzOpen's.
func FuzzVerifySigned(f *testing.F) {
	seeds := fuzzSignedSeeds()
	for _, name := range slices.Sorted(maps.Keys(seeds)) {
		c := seeds[name]
		f.Add(c.task, c.commit, c.verdict, c.kind, c.itemVerdict, c.subject, c.digestOfData, c.stored, c.name, c.data)
	}
	key := testKey("A")
	pub := pubOf(key)
	f.Fuzz(func(t *testing.T, task, commit string, verdict, kind, itemVerdict uint8, subject string, digestOfData bool, stored uint8, name string, data []byte) {
		for _, n := range []int{len(task), len(commit), len(subject), len(name), len(data)} {
			if n > maxFuzzField {
				return
			}
		}
		c := signedCase{task, commit, verdict, kind, itemVerdict, subject, digestOfData, stored, name, data}
		archive, payload := c.archive(t, key)
		v, err := Verify(archive, pub, VerifyOptions{Commit: commitA[:7], Limits: fuzzLimits})
		if err != nil {
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("non-VerifyError: %v", err)
			}
			return
		}
		b, err := OpenBytes(archive, fuzzLimits)
		if err != nil || !bytes.Equal(b.StatementJSON, payload) {
			t.Fatalf("accepted a statement.json that is not the signed payload (%v)", err)
		}
		if err := v.Predicate.Validate(); err != nil || !strings.HasPrefix(v.Predicate.Commit, commitA[:7]) {
			t.Fatalf("accepted predicate %+v (%v)", v.Predicate, err)
		}
		if len(v.Files) != len(v.Statement.Subject) {
			t.Fatalf("accepted %d files for %d subjects", len(v.Files), len(v.Statement.Subject))
		}
		for i, f := range v.Files {
			got, err := v.ReadFile(f.Name)
			if err != nil || FilesPrefix+f.Name != v.Statement.Subject[i].Name || sha256Hex(got) != v.Statement.Subject[i].Digest.SHA256 {
				t.Fatalf("accepted file %s that does not match its subject (%v)", f.Name, err)
			}
		}
	})
}

// FuzzParseKeys: key parsers never panic on arbitrary input.
func FuzzParseKeys(f *testing.F) {
	privPEM, _ := MarshalPrivateKey(testKey("A"))
	pubPEM, _ := MarshalPublicKey(pubOf(testKey("A")))
	f.Add(privPEM)
	f.Add(pubPEM)
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if k, err := ParsePrivateKey(data); err == nil && len(k) != 64 {
			t.Fatalf("private key of %d bytes", len(k))
		}
		if k, err := ParsePublicKey(data); err == nil && len(k) != 32 {
			t.Fatalf("public key of %d bytes", len(k))
		}
	})
}

// fuzzCorpusFile is a seed in the format go test reads from testdata/fuzz.
func fuzzCorpusFile(vals ...any) []byte {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, v := range vals {
		switch v := v.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%s)\n", strconv.Quote(string(v)))
		case string:
			fmt.Fprintf(&b, "string(%s)\n", strconv.Quote(v))
		case bool:
			fmt.Fprintf(&b, "bool(%t)\n", v)
		case uint8:
			fmt.Fprintf(&b, "byte(%s)\n", strconv.QuoteRune(rune(v)))
		default:
			panic(fmt.Sprintf("fuzzCorpusFile: %T", v))
		}
	}
	return []byte(b.String())
}

// TestFuzzSeedCorpus keeps testdata/fuzz/FuzzOpen and FuzzVerifySigned
// equal to the seeds above (go test -run TestFuzzSeedCorpus -update
// rewrites them), so plain `go test` runs every seed and `go test -fuzz`
// starts from them.
func TestFuzzSeedCorpus(t *testing.T) {
	want := map[string][]byte{}
	accepted := map[string]bool{"minimal": true, "dirs": true, "prefix": true}
	for name, a := range fuzzOpenSeeds() {
		want[filepath.Join("FuzzOpen", name)] = fuzzCorpusFile(compactZeros(a), true)
		if zr := zeroRuns(compactZeros(a)); !bytes.Equal(zr, a) {
			t.Fatalf("seed %s does not survive compactZeros/zeroRuns", name)
		}
		if _, err := OpenBytes(a, fuzzLimits); (err == nil) != accepted[name] {
			t.Errorf("seed %s: OpenBytes error %v; the seeds should cover both outcomes as named", name, err)
		}
	}
	valid := map[string]bool{"valid": true, "failed": true}
	for name, c := range fuzzSignedSeeds() {
		want[filepath.Join("FuzzVerifySigned", name)] = fuzzCorpusFile(c.values()...)
		archive, _ := c.archive(t, testKey("A"))
		if _, err := Verify(archive, pubOf(testKey("A")), VerifyOptions{Commit: commitA[:7]}); (err == nil) != valid[name] {
			t.Errorf("seed %s: Verify error %v; the seeds should cover both outcomes as named", name, err)
		}
	}
	dir := filepath.Join("testdata", "fuzz")
	for _, rel := range sortedKeys(want) {
		p := filepath.Join(dir, rel)
		got, err := os.ReadFile(p)
		if golden.Update() {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, want[rel], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, want[rel]) {
			t.Errorf("%s is missing or stale (go test ./internal/evidence -run TestFuzzSeedCorpus -update): %v", p, err)
		}
	}
}
