package evidence

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Entry names inside a bundle.
const (
	EnvelopeEntry  = "envelope.json"  // the DSSE envelope
	StatementEntry = "statement.json" // the statement, byte-identical to the signed payload
	FilesPrefix    = "files/"         // each evidence file is FilesPrefix + File.Name
)

// File is one evidence file: Name is a relative slash-separated path (its
// entry is "files/"+Name), Data its content.
type File struct {
	Name string
	Data []byte
}

// bundleMTime is every entry's modification time: fixed, so the archive
// depends on content only.
var bundleMTime = time.Unix(0, 0).UTC()

// Build signs pred over files and returns the bundle: a ustar archive of
// files/NAME for each file, statement.json and envelope.json, sorted by
// name, mode 0644, uid/gid 0, no owner names, mtime 0, no directory entries.
// The same inputs always give the same bytes (ed25519 signatures are
// deterministic). It fails on an invalid name or predicate.
func Build(files []File, pred Predicate, key ed25519.PrivateKey) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("build evidence: signing key has %d bytes, want an ed25519 private key (%d)", len(key), ed25519.PrivateKeySize)
	}
	if !bytes.Equal(ed25519.NewKeyFromSeed(key.Seed()), key) {
		return nil, errors.New("build evidence: signing key is corrupt (its public half does not match its seed)")
	}
	if len(files) == 0 {
		return nil, errors.New("build evidence: no files; a bundle needs at least one evidence file")
	}
	if err := checkNames(files); err != nil {
		return nil, fmt.Errorf("build evidence: %w", err)
	}
	if err := pred.Validate(); err != nil {
		return nil, fmt.Errorf("build evidence: %w", err)
	}
	sorted := append([]File(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })

	st := Statement{Type: StatementType, PredicateType: PredicateType, Predicate: pred}
	st.Predicate.Items = append([]Item(nil), pred.Items...)
	if st.Predicate.Run.Tools == nil {
		st.Predicate.Run.Tools = []Tool{}
	}
	for _, f := range sorted {
		st.Subject = append(st.Subject, Subject{Name: FilesPrefix + f.Name, Digest: DigestSet{SHA256: sha256Hex(f.Data)}})
	}
	stJSON, err := marshalJSON(st)
	if err != nil {
		return nil, fmt.Errorf("build evidence: encode statement: %w", err)
	}
	envJSON, err := marshalJSON(signEnvelope(stJSON, key))
	if err != nil {
		return nil, fmt.Errorf("build evidence: encode envelope: %w", err)
	}

	entries := make([]File, 0, len(sorted)+2)
	entries = append(entries, File{Name: EnvelopeEntry, Data: envJSON})
	for _, f := range sorted {
		entries = append(entries, File{Name: FilesPrefix + f.Name, Data: f.Data})
	}
	entries = append(entries, File{Name: StatementEntry, Data: stJSON})
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })

	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     e.Name,
			Mode:     0o644,
			Size:     int64(len(e.Data)),
			ModTime:  bundleMTime,
			Format:   tar.FormatUSTAR,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("build evidence: %s: %w", e.Name, err)
		}
		if _, err := tw.Write(e.Data); err != nil {
			return nil, fmt.Errorf("build evidence: %s: %w", e.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("build evidence: %w", err)
	}
	return b.Bytes(), nil
}

// checkNames validates every name and rejects duplicates and a name that is
// also another's directory ("a" next to "a/b").
func checkNames(files []File) error {
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if err := CheckName(f.Name); err != nil {
			return err
		}
		if seen[f.Name] {
			return fmt.Errorf("file name %q appears twice; every evidence file needs its own name", f.Name)
		}
		seen[f.Name] = true
	}
	for _, f := range files {
		for dir := f.Name; ; {
			i := strings.LastIndexByte(dir, '/')
			if i < 0 {
				break
			}
			dir = dir[:i]
			if seen[dir] {
				return fmt.Errorf("file name %q is also the directory of %q; rename one of them", dir, f.Name)
			}
		}
	}
	return nil
}

// CheckName reports whether name can be an evidence file name: a relative
// slash-separated path of printable ASCII (no backslash), without empty,
// "." or ".." parts, short enough for a plain ustar header (at most 100
// bytes after the last '/' split point and 255 in all, "files/" included).
func CheckName(name string) error {
	if name == "" {
		return errors.New("file name is empty")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c > 0x7e || c == '\\' {
			return fmt.Errorf("file name %q: only printable ASCII without backslashes is allowed (the bundle is a plain ustar archive)", name)
		}
	}
	if strings.HasPrefix(name, "/") {
		return fmt.Errorf("file name %q is absolute; use a relative name such as %q", name, strings.TrimLeft(name, "/"))
	}
	for _, part := range strings.Split(name, "/") {
		switch part {
		case "":
			return fmt.Errorf("file name %q has an empty path element (a doubled or trailing '/')", name)
		case ".", "..":
			return fmt.Errorf("file name %q contains %q; names must stay inside the bundle's files/ directory", name, part)
		}
	}
	if !fitsUSTAR(FilesPrefix + name) {
		return fmt.Errorf("file name %q is too long for a ustar entry (at most 100 bytes after a '/' and 255 in all, counting %q)", name, FilesPrefix)
	}
	return nil
}

// fitsUSTAR reports whether path fits ustar's name field, alone or split at
// a '/' into prefix (155 bytes) and name (100 bytes).
func fitsUSTAR(path string) bool {
	if len(path) <= 100 {
		return true
	}
	for i := 0; i < len(path); i++ {
		if path[i] == '/' && i <= 155 && len(path)-i-1 <= 100 && len(path)-i-1 > 0 {
			return true
		}
	}
	return false
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// BundleDigest is "sha256:" and the hex SHA-256 of the whole bundle file,
// the handle to quote for a bundle (e.g. in a pull request).
func BundleDigest(bundle []byte) string { return "sha256:" + sha256Hex(bundle) }
