package evidence

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/taskproof/taskproof/internal/config"
	et "github.com/taskproof/taskproof/internal/evidence/evidencetest"
)

// TestHostileArchives: every tar feature outside plain ustar, and every
// lie a header can tell about sizes, is refused with a message naming the
// entry and what was expected, before any data is read. Each archive is
// also read by archive/tar, to show the input is what it claims to be.
func TestHostileArchives(t *testing.T) {
	env, st := et.File(EnvelopeEntry, []byte("{}\n")), et.File(StatementEntry, []byte("{}\n"))
	const gib2 = 2 << 30
	tests := []struct {
		name    string
		archive []byte
		lim     Limits
		want    *VerifyError
		msg     string
	}{
		{
			name:    "PAX GNU sparse 0.1 declaring 2 GiB",
			archive: et.SparseBundle(gib2),
			want:    ErrMalformed, msg: `entry 2 "PaxHeaders/entry" (header at byte 1024): is a PAX extended header (type 'x') declaring a sparse entry "files/big.log" of 2147483648 bytes; a bundle is a plain ustar archive`,
		},
		{
			name: "PAX GNU sparse 1.0",
			archive: et.Archive(env, et.PAX('x', map[string]string{
				"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": "files/big.log", "GNU.sparse.realsize": "68719476736",
			}), et.File("files/GNUSparseFile.0/big.log", []byte("1\n68719476735\n1\n")), st),
			want: ErrMalformed, msg: `declaring a sparse entry "files/big.log" of 68719476736 bytes`,
		},
		{
			name:    "PAX long name",
			archive: et.Archive(env, et.PAX('x', map[string]string{"path": "files/" + strings.Repeat("a", 120)}), et.File("files/a", nil), st),
			want:    ErrMalformed, msg: `is a PAX extended header (type 'x') for "files/aaaa`,
		},
		{
			name:    "PAX size record",
			archive: et.Archive(env, et.PAX('x', map[string]string{"size": "99999999999999"}), et.File("files/a", nil), st),
			want:    ErrMalformed, msg: "declaring an entry of 99999999999999 bytes",
		},
		{
			name:    "PAX global header",
			archive: et.Archive(et.PAX('g', map[string]string{"comment": "hi"}), env, st),
			want:    ErrMalformed, msg: `entry 1 "PaxHeaders/entry" (header at byte 0): is a PAX global header (type 'g'); a bundle is a plain ustar archive`,
		},
		{
			name:    "GNU long name",
			archive: et.Archive(env, et.Header("././@LongLink", 'L', 200, nil), et.Data(make([]byte, 200)), st),
			want:    ErrMalformed, msg: `entry 2 "././@LongLink" (header at byte 1024): is a GNU long name record (type 'L')`,
		},
		{
			name:    "GNU long link name",
			archive: et.Archive(env, et.Header("././@LongLink", 'K', 10, nil), et.Data(make([]byte, 10)), st),
			want:    ErrMalformed, msg: "is a GNU long name record (type 'K')",
		},
		{
			name:    "GNU old sparse",
			archive: et.Archive(env, et.Header("files/big.log", 'S', 0, func(b []byte) { copy(b[257:], "ustar  \x00") }), st),
			want:    ErrMalformed, msg: `written in GNU tar format (magic "ustar  ")`,
		},
		{
			name:    "GNU old sparse with ustar magic",
			archive: et.Archive(env, et.Header("files/big.log", 'S', 0, nil), st),
			want:    ErrMalformed, msg: "is a GNU sparse file (type 'S')",
		},
		{
			name:    "GNU format regular file",
			archive: et.Archive(et.Header(EnvelopeEntry, '0', 0, func(b []byte) { copy(b[257:], "ustar  \x00") }), st),
			want:    ErrMalformed, msg: "repack it with tar --format=ustar",
		},
		{
			name:    "V7 header without magic",
			archive: et.Archive(et.Header(EnvelopeEntry, '0', 0, func(b []byte) { copy(b[257:265], make([]byte, 8)) }), st),
			want:    ErrMalformed, msg: `magic and version are "\x00\x00\x00\x00\x00\x00\x00\x00", want "ustar\x0000" (POSIX ustar)`,
		},
		{
			name:    "base-256 size",
			archive: et.Archive(env, et.Header("files/a", '0', 0, func(b []byte) { copy(b[124:136], []byte{0x80, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff}) }), st),
			want:    ErrMalformed, msg: `entry 2 "files/a" (header at byte 1024): size field: uses GNU base-256 encoding; ustar fields are octal`,
		},
		{
			name:    "size not octal",
			archive: et.Archive(env, et.Header("files/a", '0', 0, func(b []byte) { copy(b[124:136], "0000000009z\x00") }), st),
			want:    ErrMalformed, msg: "size field: \"0000000009z\\x00\" is not an octal number",
		},
		{
			// strconv.ParseInt would take the sign; found by FuzzOpen.
			name:    "numeric field with a sign",
			archive: et.Archive(env, et.Header("files/a", '0', 0, func(b []byte) { copy(b[136:148], "+0000000000\x00") }), st),
			want:    ErrMalformed, msg: "mtime field: \"+0000000000\\x00\" is not an octal number",
		},
		{
			name:    "mode not octal",
			archive: et.Archive(env, et.Header("files/a", '0', 0, func(b []byte) { copy(b[100:108], "rwxr-xr-") }), st),
			want:    ErrMalformed, msg: "mode field:",
		},
		{
			name: "bad checksum",
			archive: func() []byte {
				h := et.Header("files/a", '0', 0, nil)
				h[0] = 'F'
				return et.Archive(env, h, st)
			}(),
			want: ErrMalformed, msg: "header checksum is",
		},
		{
			name:    "star trailer in the padding",
			archive: et.Archive(env, et.Header("files/a", '0', 0, func(b []byte) { copy(b[508:], "tar\x00") }), st),
			want:    ErrMalformed, msg: "bytes 500 to 511 of the header are not zero",
		},
		{
			name:    "hard link",
			archive: et.Archive(env, et.Header("files/a", '1', 0, func(b []byte) { copy(b[157:], "envelope.json") }), st),
			want:    ErrMalformed, msg: `entry 2 "files/a" (header at byte 1024): is a hard link (type '1')`,
		},
		{
			name:    "symbolic link",
			archive: et.Archive(env, et.Header("files/a", '2', 0, func(b []byte) { copy(b[157:], "/etc/shadow") }), st),
			want:    ErrMalformed, msg: "is a symbolic link (type '2')",
		},
		{
			name:    "character device",
			archive: et.Archive(env, et.Header("files/a", '3', 0, nil), st),
			want:    ErrMalformed, msg: "is a device node (type '3')",
		},
		{
			name:    "block device",
			archive: et.Archive(env, et.Header("files/a", '4', 0, nil), st),
			want:    ErrMalformed, msg: "is a device node (type '4')",
		},
		{
			name:    "FIFO",
			archive: et.Archive(env, et.Header("files/a", '6', 0, nil), st),
			want:    ErrMalformed, msg: "is a FIFO (type '6')",
		},
		{
			name:    "contiguous file",
			archive: et.Archive(env, et.Header("files/a", '7', 0, nil), st),
			want:    ErrMalformed, msg: "is a contiguous file (type '7')",
		},
		{
			name:    "unknown type",
			archive: et.Archive(env, et.Header("files/a", 'Z', 0, nil), st),
			want:    ErrMalformed, msg: `has unknown type "Z"`,
		},
		{
			name:    "regular file with a link name",
			archive: et.Archive(env, et.Header("files/a", '0', 0, func(b []byte) { copy(b[157:], "x") }), st),
			want:    ErrMalformed, msg: "has a link name",
		},
		{
			name:    "directory with data",
			archive: et.Archive(env, et.Header("files/d/", '5', 512, nil), et.Data(make([]byte, 512)), st),
			want:    ErrMalformed, msg: "a directory entry declares 512 bytes of data",
		},
		{
			name:    "name with a control byte",
			archive: et.Archive(env, et.File("files/a\x1b[2J", nil), st),
			want:    ErrMalformed, msg: `has byte 0x1b; bundle entry names are printable ASCII`,
		},
		{
			name:    "header declaring 2 GiB in a small file",
			archive: et.DeclaredBundle(gib2),
			want:    ErrTooLarge, msg: `bundle too large: entry 2 "files/big.log" (header at byte 1024) declares 2147483648 bytes, above the limit of 67108864 bytes for one entry (max_entry_bytes in the [evidence] table of taskproof.toml); it was not read`,
		},
		{
			name:    "header declaring more than the file holds",
			archive: et.DeclaredBundle(1 << 20),
			want:    ErrMalformed, msg: `entry 2 "files/big.log" (header at byte 1024) declares 1048576 bytes of data but only 2048 bytes follow its header`,
		},
		{
			name:    "entry above a configured limit",
			archive: et.Archive(env, et.File("files/a", make([]byte, 5000)), st),
			lim:     Limits{MaxEntryBytes: 4999},
			want:    ErrTooLarge, msg: "declares 5000 bytes, above the limit of 4999 bytes for one entry",
		},
		{
			name:    "bundle above a configured limit",
			archive: et.Archive(env, et.File("files/a", make([]byte, 5000)), st),
			lim:     Limits{MaxBundleBytes: 4096},
			want:    ErrTooLarge, msg: "the bundle is 8704 bytes, above the limit of 4096 bytes (max_bundle_bytes",
		},
		{
			name:    "statement above its own limit",
			archive: et.Archive(env, et.File(StatementEntry, make([]byte, MaxJSONEntryBytes+1))),
			lim:     Limits{MaxEntryBytes: 64 << 20},
			want:    ErrTooLarge, msg: `entry 2 "statement.json" (header at byte 1024) declares 8388609 bytes, above the 8388608 bytes allowed for it`,
		},
		{
			name: "too many entries",
			archive: func() []byte {
				parts := [][]byte{env}
				for i := range MaxEntries {
					parts = append(parts, et.File(fmt.Sprintf("files/%d", i), nil))
				}
				return et.Archive(parts...)
			}(),
			want: ErrTooLarge, msg: "more than 10000 entries",
		},
		{
			name:    "data after the end marker",
			archive: append(et.Archive(env, st), []byte("trailing garbage")...),
			want:    ErrMalformed, msg: "non-zero data at byte 3072 after the end-of-archive marker",
		},
		{
			name:    "no end marker",
			archive: append(append([]byte(nil), env...), st...),
			want:    ErrMalformed, msg: "the archive stops at byte 2048 without the end-of-archive marker",
		},
		{
			name:    "one zero block",
			archive: append(append(append([]byte(nil), env...), st...), make([]byte, 512)...),
			want:    ErrMalformed, msg: "has one zero block at byte 2048 but not the second",
		},
		{
			name:    "a header after a zero block",
			archive: et.Archive(env, make([]byte, 512), st),
			want:    ErrMalformed, msg: "a zero block at byte 1024 is followed by a header",
		},
		{
			name:    "data cut short",
			archive: et.Archive(env, et.File("files/a", make([]byte, 2000)), st)[:1024+512+1000],
			want:    ErrMalformed, msg: "declares 2000 bytes of data but only 1000 bytes follow its header",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := OpenBytes(tt.archive, tt.lim)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want reason %s", err, tt.want.Reason)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("message %q does not contain %q", err, tt.msg)
			}
			// Read and Verify refuse it the same way.
			if _, err := Read(tt.archive); err == nil && tt.lim == (Limits{}) {
				t.Error("Read accepted it")
			}
			if _, err := Verify(tt.archive, pubOf(testKey("A")), VerifyOptions{Limits: tt.lim}); !errors.Is(err, tt.want) {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

// TestSparseArchiveIsReal: the sparse fixture is what archive/tar expands
// to gigabytes, so refusing it tests the real attack, not a broken file.
func TestSparseArchiveIsReal(t *testing.T) {
	tr := tar.NewReader(bytes.NewReader(et.SparseBundle(2 << 30)))
	var sizes []int64
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, h.Size)
		if h.Name == "files/big.log" {
			// Reading a little of it works: the zeros are made up on the fly.
			n, err := io.CopyN(io.Discard, tr, 1<<20)
			if n != 1<<20 || err != nil {
				t.Fatalf("read %d bytes of the sparse entry: %v", n, err)
			}
		}
	}
	if len(sizes) != 3 || sizes[1] != 2<<30 {
		t.Fatalf("archive/tar sees sizes %v, want the middle one 2 GiB", sizes)
	}
	if n := len(et.SparseBundle(2 << 30)); n > 10<<10 {
		t.Fatalf("the sparse bundle is %d bytes; it should be a few KB", n)
	}
}

// TestLimitsBoundary: a bundle exactly at its limits is read and verifies;
// one byte less in either limit refuses it.
func TestLimitsBoundary(t *testing.T) {
	key := testKey("A")
	files := sampleFiles()
	files = append(files, File{Name: "logs/big.log", Data: bytes.Repeat([]byte("boot: ok\n"), 100_000)})
	bundle := mustBuild(t, files, samplePredicate(), key)
	var largest int64
	for _, f := range files {
		largest = max(largest, int64(len(f.Data)))
	}
	at := Limits{MaxBundleBytes: int64(len(bundle)), MaxEntryBytes: largest}
	v, err := Verify(bundle, pubOf(key), VerifyOptions{Limits: at})
	if err != nil {
		t.Fatalf("bundle at its limits: %v", err)
	}
	if len(v.Files) != len(files) {
		t.Fatalf("%d files", len(v.Files))
	}
	for _, lim := range []Limits{
		{MaxBundleBytes: at.MaxBundleBytes - 1, MaxEntryBytes: at.MaxEntryBytes},
		{MaxBundleBytes: at.MaxBundleBytes, MaxEntryBytes: at.MaxEntryBytes - 1},
	} {
		if _, err := Verify(bundle, pubOf(key), VerifyOptions{Limits: lim}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("limits %+v: err = %v, want too_large", lim, err)
		}
	}
}

// TestBuildWritesWhatReadAccepts: Build's archive is exactly the plain
// ustar the reader accepts, entry by entry as archive/tar sees it.
func TestBuildWritesWhatReadAccepts(t *testing.T) {
	bundle := mustBuild(t, sampleFiles(), samplePredicate(), testKey("A"))
	b, err := OpenBytes(bundle, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(bundle))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Format != tar.FormatUSTAR || len(h.PAXRecords) != 0 {
			t.Errorf("%s: format %v, PAX records %v", h.Name, h.Format, h.PAXRecords)
		}
		data, _ := io.ReadAll(tr)
		if name, ok := strings.CutPrefix(h.Name, FilesPrefix); ok {
			got, err := b.ReadFile(name)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("ReadFile(%s) = %q, %v; archive/tar reads %q", name, got, err, data)
			}
		}
	}
	if b.Digest != BundleDigest(bundle) {
		t.Errorf("streamed digest %s, want %s", b.Digest, BundleDigest(bundle))
	}
}

// TestOpenFileChangedUnderneath: content read after OpenFile is checked
// against the digest taken when it was opened, so swapping the bundle file
// between verifying and reading gives an error, not unverified content.
func TestOpenFileChangedUnderneath(t *testing.T) {
	key := testKey("A")
	bundle := mustBuild(t, sampleFiles(), samplePredicate(), key)
	path := filepath.Join(t.TempDir(), "b.tar")
	if err := os.WriteFile(path, bundle, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := OpenFile(path, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	v, err := b.Verify(pubOf(key), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := v.ReadFile("qemu.log"); err != nil || string(got) != string(sampleFiles()[0].Data) {
		t.Fatalf("ReadFile before the swap = %q, %v", got, err)
	}
	swapped := bytes.Replace(bundle, []byte("SeaBIOS"), []byte("SeaBIOZ"), 1)
	if err := os.WriteFile(path, swapped, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ReadFile("qemu.log"); err == nil || !strings.Contains(err.Error(), "changed since it was opened") {
		t.Fatalf("ReadFile after the swap: %v", err)
	}
	rc, err := v.Open("qemu.log")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); err == nil || !strings.Contains(err.Error(), "changed since it was opened") {
		t.Fatalf("streaming after the swap: %v", err)
	}
	if err := os.WriteFile(path, bundle[:1024], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ReadFile("qemu.log"); err == nil {
		t.Fatal("ReadFile of a truncated file succeeded")
	}
	if _, err := v.ReadFile("nope"); !errors.Is(err, ErrNoFile) {
		t.Fatalf("missing file: %v", err)
	}
}

// TestOpenFileLimits: OpenFile refuses an oversized file from its size
// alone, and reads a pipe within the same limit.
func TestOpenFileLimits(t *testing.T) {
	bundle := mustBuild(t, sampleFiles(), samplePredicate(), testKey("A"))
	path := filepath.Join(t.TempDir(), "b.tar")
	if err := os.WriteFile(path, bundle, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFile(path, Limits{MaxBundleBytes: int64(len(bundle)) - 1}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized file: %v", err)
	}
	if _, err := OpenFile(filepath.Join(t.TempDir(), "missing.tar"), DefaultLimits); !errors.Is(err, os.ErrNotExist) || Problems(err) != nil {
		t.Fatalf("missing file: %v", err)
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			f.Write(bundle)
			f.Close()
		}
	}()
	b, err := OpenFile(fifo, DefaultLimits)
	if err != nil || b.Digest != BundleDigest(bundle) {
		t.Fatalf("bundle from a pipe: %v", err)
	}
	if got, err := b.ReadFile("qemu.log"); err != nil || string(got) != string(sampleFiles()[0].Data) {
		t.Fatalf("ReadFile from a pipe's bundle = %q, %v", got, err)
	}
}

// The configured limits map onto the reader's, and the largest one
// config accepts is the largest a ustar header can express.
func TestLimitsOf(t *testing.T) {
	if got := LimitsOf(config.Evidence{MaxBundleBytes: DefaultMaxBundleBytes, MaxEntryBytes: 1 << 20}); got != (Limits{MaxBundleBytes: DefaultMaxBundleBytes, MaxEntryBytes: 1 << 20}) {
		t.Errorf("LimitsOf = %+v", got)
	}
	if config.MaxEvidenceLimit != MaxLimitBytes {
		t.Errorf("config.MaxEvidenceLimit %d, ustar's largest size %d", int64(config.MaxEvidenceLimit), int64(MaxLimitBytes))
	}
}
