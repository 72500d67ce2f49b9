package evidence

// The bundle's archive layer: a reader for plain POSIX ustar and nothing
// else. archive/tar reads a superset (PAX records, GNU long names, GNU and
// PAX sparse maps, base-256 sizes) and expands sparse entries while reading,
// so a 10 KB file can make a reader produce gigabytes of zeros. Bundles come
// from others (CI artefacts, pull requests), so this reader accepts only
// what Build writes and what `tar --format=ustar` writes for the same
// files, checks every declared size against the limits and the file's real
// length before reading a byte of data, and hands each entry's data over as
// a bounded stream.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

const blockSize = 512

// ustarMaxSize is the largest size an 11-digit octal size field holds.
const ustarMaxSize = 1<<33 - 1

// tarHeader is one ustar header as read.
type tarHeader struct {
	Name   string // prefix + "/" + name
	Type   byte   // typeRegular or typeDir
	Size   int64  // declared data size
	Offset int64  // of the header block in the archive
	N      int    // 1-based position in the archive, for messages
}

const (
	typeRegular = '0'
	typeDir     = '5'
)

// where names an entry in messages: `entry 3 "files/qemu.log" (header at byte 1536)`.
func (h tarHeader) where() string {
	if h.Name == "" {
		return fmt.Sprintf("entry %d (header at byte %d)", h.N, h.Offset)
	}
	return fmt.Sprintf("entry %d %q (header at byte %d)", h.N, h.Name, h.Offset)
}

// ustarScanner reads an archive of known total size sequentially.
type ustarScanner struct {
	r     io.Reader
	size  int64 // total bytes the archive has
	pos   int64 // bytes consumed so far
	lim   Limits
	n     int
	block [blockSize]byte
}

// scanUSTAR reads the ustar archive r of size bytes, calling visit for each
// entry with a reader of exactly its data (regular files) or an empty one
// (directories). What visit leaves unread is skipped. The archive must end
// with the two zero blocks of the end-of-archive marker, and only zero
// bytes may follow them (tar(1) pads to 10 KiB records).
func scanUSTAR(r io.Reader, size int64, lim Limits, visit func(h tarHeader, data io.Reader) error) error {
	s := &ustarScanner{r: r, size: size, lim: lim}
	for {
		h, end, err := s.next()
		if err != nil {
			return err
		}
		if end {
			return s.trailer()
		}
		data := &io.LimitedReader{R: s.r, N: h.Size}
		if err := visit(h, data); err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, data); err != nil {
			return s.readErr(h, err)
		}
		if data.N > 0 {
			return s.readErr(h, io.ErrUnexpectedEOF)
		}
		s.pos += h.Size
		if pad := (blockSize - h.Size%blockSize) % blockSize; pad > 0 {
			if _, err := io.ReadFull(s.r, s.block[:pad]); err != nil {
				return s.readErr(h, err)
			}
			s.pos += pad
		}
	}
}

// readErr explains a read that stopped early.
func (s *ustarScanner) readErr(h tarHeader, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return malformed("%s: the archive ends inside its data; the file is truncated or changed while being read", h.where())
	}
	return fmt.Errorf("read %s: %w", h.where(), err)
}

// next reads the next header; end is true at the end-of-archive marker.
func (s *ustarScanner) next() (h tarHeader, end bool, err error) {
	s.n++
	h = tarHeader{N: s.n, Offset: s.pos}
	if s.size-s.pos < blockSize {
		if s.pos == 0 {
			return h, false, malformed("the file is %d bytes, too short for a tar header; this is not a taskproof evidence bundle", s.size)
		}
		return h, false, malformed("the archive stops at byte %d without the end-of-archive marker (two zero blocks); the file is truncated", s.pos)
	}
	if _, err := io.ReadFull(s.r, s.block[:]); err != nil {
		return h, false, s.readErr(h, err)
	}
	s.pos += blockSize
	b := s.block[:]
	if isZero(b) {
		if s.size-s.pos < blockSize {
			return h, false, malformed("the archive has one zero block at byte %d but not the second of the end-of-archive marker; the file is truncated", h.Offset)
		}
		if _, err := io.ReadFull(s.r, s.block[:]); err != nil {
			return h, false, s.readErr(h, err)
		}
		s.pos += blockSize
		if !isZero(b) {
			return h, false, malformed("a zero block at byte %d is followed by a header; tar archives end at two zero blocks, so this is not one archive", h.Offset)
		}
		return h, true, nil
	}
	h.Name, err = headerName(b)
	if err != nil {
		return h, false, malformed("%s: %v", h.where(), err)
	}
	if err := checkHeader(b, h); err != nil {
		return h, false, err
	}
	h.Size, err = octalField(b[124:136])
	if err != nil {
		return h, false, malformed("%s: size field: %v", h.where(), err)
	}
	switch typ := b[156]; typ {
	case typeRegular, 0:
		h.Type = typeRegular
	case typeDir:
		h.Type = typeDir
		if h.Size != 0 {
			return h, false, malformed("%s: a directory entry declares %d bytes of data; ustar directories have none", h.where(), h.Size)
		}
	case 'x', 'g':
		return h, false, malformed("%s: %s; %s", h.where(), s.describePAX(typ, h), onlyUSTAR)
	default:
		return h, false, malformed("%s: %s; %s", h.where(), describeType(typ), onlyUSTAR)
	}
	if b[157] != 0 {
		return h, false, malformed("%s: has a link name; %s", h.where(), onlyUSTAR)
	}
	if lim := s.lim.entry(); h.Size > lim {
		return h, false, tooLarge("%s declares %d bytes, above the limit of %d bytes for one entry (max_entry_bytes in the [evidence] table of taskproof.toml); it was not read", h.where(), h.Size, lim)
	}
	if left := s.size - s.pos; h.Size > left {
		return h, false, malformed("%s declares %d bytes of data but only %d bytes follow its header; the file is truncated or the header is forged", h.where(), h.Size, left)
	}
	return h, false, nil
}

// onlyUSTAR ends every refusal of an archive feature.
const onlyUSTAR = "a bundle is a plain ustar archive (no PAX records, GNU extensions, links or sparse files); make it with taskproof prove, or repack it with tar --format=ustar"

// trailer checks that nothing but zero padding follows the end marker.
func (s *ustarScanner) trailer() error {
	buf := s.block[:]
	for s.pos < s.size {
		n := int64(len(buf))
		if left := s.size - s.pos; left < n {
			n = left
		}
		if _, err := io.ReadFull(s.r, buf[:n]); err != nil {
			return malformed("the padding after the end-of-archive marker ends early at byte %d; the file changed while being read", s.pos)
		}
		if i := bytes.IndexFunc(buf[:n], func(r rune) bool { return r != 0 }); i >= 0 {
			return malformed("non-zero data at byte %d after the end-of-archive marker; a bundle is one archive and nothing else", s.pos+int64(i))
		}
		s.pos += n
	}
	return nil
}

// checkHeader checks the parts of a ustar header that say which format it
// is: checksum, magic and version, numeric fields in plain octal, and zero
// padding.
func checkHeader(b []byte, h tarHeader) error {
	sum, err := octalField(b[148:156])
	if err != nil {
		return malformed("%s: checksum field: %v; this is not a tar header", h.where(), err)
	}
	if got := headerChecksum(b); got != sum {
		return malformed("%s: header checksum is %o but the header sums to %o; the file is corrupt or not a tar archive", h.where(), sum, got)
	}
	switch magic := string(b[257:265]); {
	case magic == "ustar\x0000":
	case magic == "ustar  \x00":
		return malformed("%s: written in GNU tar format (magic \"ustar  \"); %s", h.where(), onlyUSTAR)
	default:
		return malformed("%s: magic and version are %q, want \"ustar\\x0000\" (POSIX ustar); %s", h.where(), magic, onlyUSTAR)
	}
	for _, f := range []struct {
		name       string
		start, end int
	}{{"mode", 100, 108}, {"uid", 108, 116}, {"gid", 116, 124}, {"mtime", 136, 148}, {"devmajor", 329, 337}, {"devminor", 337, 345}} {
		if _, err := octalField(b[f.start:f.end]); err != nil {
			return malformed("%s: %s field: %v", h.where(), f.name, err)
		}
	}
	if !isZero(b[500:512]) {
		return malformed("%s: bytes 500 to 511 of the header are not zero (a star or other tar extension); %s", h.where(), onlyUSTAR)
	}
	return nil
}

// headerName is prefix "/" name, each up to its first NUL, in printable
// ASCII (entry names in a bundle are; other bytes would let two spellings
// of one name differ).
func headerName(b []byte) (string, error) {
	name, prefix := cString(b[0:100]), cString(b[345:500])
	if prefix != "" {
		name = prefix + "/" + name
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c > 0x7e {
			return "", fmt.Errorf("entry name %q has byte 0x%02x; bundle entry names are printable ASCII", name, c)
		}
	}
	return name, nil
}

func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// octalField parses a ustar numeric field: optional leading spaces, octal
// digits, then NULs or spaces to the end. GNU's base-256 form (high bit of
// the first byte set) is refused: it exists for sizes above 8 GiB, which no
// bundle has.
func octalField(b []byte) (int64, error) {
	if len(b) > 0 && b[0]&0x80 != 0 {
		return 0, errors.New("uses GNU base-256 encoding; ustar fields are octal")
	}
	s := strings.TrimLeft(string(b), " ")
	end := strings.IndexAny(s, "\x00 ")
	if end < 0 {
		end = len(s)
	}
	digits, rest := s[:end], s[end:]
	if strings.Trim(rest, "\x00 ") != "" {
		return 0, fmt.Errorf("%q is not an octal number", string(b))
	}
	if digits == "" {
		return 0, nil
	}
	if strings.Trim(digits, "01234567") != "" {
		return 0, fmt.Errorf("%q is not an octal number", string(b))
	}
	n, err := strconv.ParseInt(digits, 8, 64)
	if err != nil || n > ustarMaxSize {
		return 0, fmt.Errorf("%q is not an octal number of at most 11 digits", string(b))
	}
	return n, nil
}

// headerChecksum is the unsigned byte sum of a header with its checksum
// field taken as eight spaces.
func headerChecksum(b []byte) int64 {
	var sum int64
	for i, c := range b {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += int64(c)
	}
	return sum
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// describeType names a typeflag a bundle may not hold.
func describeType(t byte) string {
	switch t {
	case '1':
		return "is a hard link (type '1')"
	case '2':
		return "is a symbolic link (type '2')"
	case '3', '4':
		return fmt.Sprintf("is a device node (type '%c')", t)
	case '6':
		return "is a FIFO (type '6')"
	case '7':
		return "is a contiguous file (type '7')"
	case 'L', 'K':
		return fmt.Sprintf("is a GNU long name record (type '%c')", t)
	case 'S':
		return "is a GNU sparse file (type 'S'), whose declared size can far exceed its bytes in the archive"
	case 'D', 'M', 'N', 'V':
		return fmt.Sprintf("is a GNU extension record (type '%c')", t)
	}
	if t >= 0x20 && t <= 0x7e {
		return fmt.Sprintf("has unknown type %q", string(t))
	}
	return fmt.Sprintf("has unknown type byte 0x%02x", t)
}

// maxPAXPeek bounds how much of a PAX header is read to describe it.
const maxPAXPeek = 64 << 10

// describePAX names a PAX header and, when its records are small enough to
// read, the entry and size it declares (a sparse entry's real size is the
// usual attack: a few KB claiming gigabytes).
func (s *ustarScanner) describePAX(typ byte, h tarHeader) string {
	kind := "is a PAX extended header (type 'x')"
	if typ == 'g' {
		kind = "is a PAX global header (type 'g')"
	}
	if h.Size <= 0 || h.Size > maxPAXPeek || h.Size > s.size-s.pos {
		return kind
	}
	buf := make([]byte, h.Size)
	if _, err := io.ReadFull(s.r, buf); err != nil {
		return kind
	}
	s.pos += h.Size
	rec := map[string]string{}
	for _, line := range strings.Split(string(buf), "\n") {
		if _, kv, ok := strings.Cut(line, " "); ok {
			if k, v, ok := strings.Cut(kv, "="); ok {
				rec[k] = v
			}
		}
	}
	name := firstNonEmpty(rec["GNU.sparse.name"], rec["path"])
	size := firstNonEmpty(rec["GNU.sparse.realsize"], rec["GNU.sparse.size"], rec["size"])
	entry := "an entry"
	for k := range rec {
		if strings.HasPrefix(k, "GNU.sparse.") {
			entry = "a sparse entry"
		}
	}
	switch {
	case name != "" && size != "":
		return fmt.Sprintf("%s declaring %s %q of %s bytes", kind, entry, name, size)
	case size != "":
		return fmt.Sprintf("%s declaring %s of %s bytes", kind, entry, size)
	case name != "":
		return fmt.Sprintf("%s for %q", kind, name)
	}
	return kind
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
