package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/config"
)

// Default limits on reading a bundle; see Limits.
const (
	DefaultMaxBundleBytes = config.DefaultMaxBundleBytes // a whole bundle file
	DefaultMaxEntryBytes  = config.DefaultMaxEntryBytes  // one entry
	// MaxJSONEntryBytes bounds envelope.json and statement.json, the two
	// entries decoded in memory (real ones are a few KB).
	MaxJSONEntryBytes = 8 << 20
	// MaxEntries bounds the entries of one bundle (real ones have tens).
	MaxEntries = 10000
	// MaxLimitBytes is the largest limit a ustar size field can express.
	MaxLimitBytes = ustarMaxSize
)

// Limits bound what reading one bundle may cost. Readers check them before
// reading data: the file's size when it is opened, each entry's declared
// size when its header is read. A zero field means its default. The CLI
// takes them from taskproof.toml:
//
//	[evidence]
//	max_bundle_bytes = 268435456
//	max_entry_bytes = 67108864
type Limits struct {
	MaxBundleBytes int64 // the bundle file (default DefaultMaxBundleBytes)
	MaxEntryBytes  int64 // one entry's declared size (default DefaultMaxEntryBytes)
}

// LimitsOf is the [evidence] table of taskproof.toml as readers take it.
func LimitsOf(e config.Evidence) Limits {
	return Limits{MaxBundleBytes: e.MaxBundleBytes, MaxEntryBytes: e.MaxEntryBytes}
}

// DefaultLimits are the limits when nothing is configured.
var DefaultLimits = Limits{MaxBundleBytes: DefaultMaxBundleBytes, MaxEntryBytes: DefaultMaxEntryBytes}

func (l Limits) bundle() int64 {
	if l.MaxBundleBytes <= 0 {
		return DefaultMaxBundleBytes
	}
	return l.MaxBundleBytes
}

func (l Limits) entry() int64 {
	if l.MaxEntryBytes <= 0 {
		return DefaultMaxEntryBytes
	}
	return l.MaxEntryBytes
}

// CheckSize refuses a bundle of size bytes when it is above the bundle
// limit: the check readers make before reading, and prove makes before
// writing (a bundle its readers would refuse is not evidence).
func (l Limits) CheckSize(size int64) error {
	if lim := l.bundle(); size > lim {
		return tooLarge("the bundle is %d bytes, above the limit of %d bytes (max_bundle_bytes in the [evidence] table of taskproof.toml); it was not read", size, lim)
	}
	return nil
}

// Entry is a files/ entry of a bundle as read: its name without "files/",
// its size and the hex SHA-256 of its data, computed while streaming it.
// Its data is not held; Bundle.ReadFile reads it when needed.
type Entry struct {
	Name   string
	Size   int64
	SHA256 string
}

// Bundle is an opened bundle: its archive checked (plain ustar, regular
// files named as Build names them, within the limits), envelope.json and
// statement.json held as stored, every evidence file hashed but not held.
// Nothing in it is authenticated; Verify checks it.
type Bundle struct {
	Files         []Entry // the files/ entries, sorted by name
	EnvelopeJSON  []byte  // envelope.json as stored
	StatementJSON []byte  // statement.json as stored
	Digest        string  // BundleDigest of the whole file
	Size          int64   // bytes in the bundle file

	src    entrySource
	offset map[string]int64 // data offset of each files/ entry
}

// entrySource opens the n bytes at off of the bundle the entries came from.
type entrySource func(off, n int64) (io.ReadCloser, error)

// OpenBytes opens a bundle held in memory.
func OpenBytes(bundle []byte, lim Limits) (*Bundle, error) {
	size := int64(len(bundle))
	if err := lim.CheckSize(size); err != nil {
		return nil, err
	}
	src := func(off, n int64) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(bundle[off : off+n])), nil
	}
	return open(bytes.NewReader(bundle), size, lim, src)
}

// open reads the archive r of size bytes in one pass: headers checked,
// JSON entries kept, file entries hashed as a stream.
func open(r io.Reader, size int64, lim Limits, src entrySource) (*Bundle, error) {
	whole := sha256.New()
	b := &Bundle{Size: size, src: src, offset: map[string]int64{}}
	seen := map[string]bool{}
	var haveEnv, haveSt bool
	buf := make([]byte, 32<<10)
	err := scanUSTAR(io.TeeReader(r, whole), size, lim, func(h tarHeader, data io.Reader) error {
		if h.N > MaxEntries {
			return tooLarge("%s: more than %d entries; a bundle has tens", h.where(), MaxEntries)
		}
		if h.Type == typeDir {
			d := strings.TrimSuffix(h.Name, "/")
			if d+"/" == FilesPrefix {
				return nil
			}
			if rest, ok := strings.CutPrefix(d, FilesPrefix); ok && CheckName(rest) == nil {
				return nil
			}
			return malformed("%s: unexpected directory; a bundle may only hold directories of %s", h.where(), FilesPrefix)
		}
		if seen[h.Name] {
			return malformed("%s: the name appears twice; a bundle names each file once", h.where())
		}
		seen[h.Name] = true
		switch {
		case h.Name == EnvelopeEntry || h.Name == StatementEntry:
			if h.Size > MaxJSONEntryBytes {
				return tooLarge("%s declares %d bytes, above the %d bytes allowed for it (it is decoded in memory; real ones are a few KB)", h.where(), h.Size, MaxJSONEntryBytes)
			}
			j := make([]byte, h.Size)
			if _, err := io.ReadFull(data, j); err != nil {
				return malformed("%s: the archive ends inside its data; the file is truncated", h.where())
			}
			if h.Name == EnvelopeEntry {
				b.EnvelopeJSON, haveEnv = j, true
			} else {
				b.StatementJSON, haveSt = j, true
			}
		case strings.HasPrefix(h.Name, FilesPrefix):
			name := h.Name[len(FilesPrefix):]
			if err := CheckName(name); err != nil {
				return malformed("%s: %v", h.where(), err)
			}
			sum := sha256.New()
			if _, err := io.CopyBuffer(sum, data, buf); err != nil {
				return err
			}
			b.offset[name] = h.Offset + blockSize
			b.Files = append(b.Files, Entry{Name: name, Size: h.Size, SHA256: hexSum(sum)})
		default:
			return malformed("%s: unexpected name; a bundle holds %s, %s and %s*", h.where(), EnvelopeEntry, StatementEntry, FilesPrefix)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !haveEnv {
		return nil, malformed("no %s entry; this is not a taskproof evidence bundle", EnvelopeEntry)
	}
	if !haveSt {
		return nil, malformed("no %s entry; this is not a taskproof evidence bundle", StatementEntry)
	}
	names := make([]File, len(b.Files))
	for i, f := range b.Files {
		names[i] = File{Name: f.Name}
	}
	if err := checkNames(names); err != nil {
		return nil, malformed("%v", err)
	}
	sort.Slice(b.Files, func(i, j int) bool { return b.Files[i].Name < b.Files[j].Name })
	b.Digest = "sha256:" + hexSum(whole)
	return b, nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// ErrNoFile is the error of Open and ReadFile for a name the bundle does
// not hold.
var ErrNoFile = errors.New("no such evidence file in the bundle")

// Open streams the data of evidence file name (without "files/"). The
// stream is checked against the size and digest taken when the bundle was
// opened: a bundle file replaced since then ends in an error, not in other
// content. Reading a file this way keeps memory flat however large it is.
func (b *Bundle) Open(name string) (io.ReadCloser, error) {
	e, ok := b.entry(name)
	if !ok {
		return nil, fmt.Errorf("%s%s: %w", FilesPrefix, name, ErrNoFile)
	}
	rc, err := b.src(b.offset[name], e.Size)
	if err != nil {
		return nil, fmt.Errorf("read %s%s: %w", FilesPrefix, name, err)
	}
	return &checkedReader{rc: rc, e: e, h: sha256.New()}, nil
}

// ReadFile returns the data of evidence file name (without "files/"),
// checked as Open checks it.
func (b *Bundle) ReadFile(name string) ([]byte, error) {
	rc, err := b.Open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	e, _ := b.entry(name)
	data := make([]byte, e.Size)
	if _, err := io.ReadFull(rc, data); err != nil {
		return nil, err
	}
	// One more read reaches the end, where the digest is checked.
	if n, err := rc.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			err = fmt.Errorf("read %s%s: the bundle file changed since it was opened", FilesPrefix, name)
		}
		return nil, err
	}
	return data, nil
}

func (b *Bundle) entry(name string) (Entry, bool) {
	i := sort.Search(len(b.Files), func(i int) bool { return b.Files[i].Name >= name })
	if i == len(b.Files) || b.Files[i].Name != name {
		return Entry{}, false
	}
	return b.Files[i], true
}

// checkedReader hashes an entry's data as it is read and, at its end,
// fails unless size and digest are the ones taken when it was first read.
type checkedReader struct {
	rc io.ReadCloser
	e  Entry
	h  hash.Hash
	n  int64
}

func (r *checkedReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	r.h.Write(p[:n])
	r.n += int64(n)
	if r.n > r.e.Size || err == io.EOF && (r.n != r.e.Size || hexSum(r.h) != r.e.SHA256) {
		return n, fmt.Errorf("read %s%s: the bundle file changed since it was opened (size or sha256 differs)", FilesPrefix, r.e.Name)
	}
	return n, err
}

func (r *checkedReader) Close() error { return r.rc.Close() }

// Contents is a bundle as read, before any check: what `evidence show`
// prints when no key is available. Nothing in it is authenticated.
type Contents struct {
	*Bundle
	Envelope  Envelope  // envelope.json decoded
	Statement Statement // statement.json decoded (not the signed payload)
}

// Contents decodes the bundle's JSON entries without checking anything.
func (b *Bundle) Contents() (*Contents, error) {
	c := &Contents{Bundle: b}
	if err := json.Unmarshal(b.EnvelopeJSON, &c.Envelope); err != nil {
		return nil, malformed("%s is not valid JSON: %v", EnvelopeEntry, err)
	}
	if err := json.Unmarshal(b.StatementJSON, &c.Statement); err != nil {
		return nil, malformed("%s is not valid JSON: %v", StatementEntry, err)
	}
	return c, nil
}

// Read parses a bundle held in memory without checking signatures or
// digests, within DefaultLimits. It fails with a *VerifyError (reason
// Malformed or TooLarge) when the archive or its JSON cannot be read, or
// it holds anything but regular files named as Build names them
// (directories of files/ are tolerated so a bundle repacked with
// tar --format=ustar still reads; links, devices, PAX and GNU records,
// duplicates and other names are not).
func Read(bundle []byte) (*Contents, error) {
	b, err := OpenBytes(bundle, DefaultLimits)
	if err != nil {
		return nil, err
	}
	return b.Contents()
}

// ClaimedKeyIDs are the key ids envelope.json names for its signatures:
// unauthenticated hints for choosing the key to verify with (nil when the
// envelope does not parse; Verify says why).
func (b *Bundle) ClaimedKeyIDs() []string {
	var env Envelope
	if json.Unmarshal(b.EnvelopeJSON, &env) != nil {
		return nil
	}
	ids := make([]string, 0, len(env.Signatures))
	for _, s := range env.Signatures {
		ids = append(ids, s.KeyID)
	}
	return ids
}
