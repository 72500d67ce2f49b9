// Package evidencetest writes hostile tar archives for tests of the bundle
// readers: raw headers of any type (PAX, GNU, sparse, links), so tests can
// show each is refused, and small archives that declare huge entries. It
// writes bytes only; archive/tar cannot write most of these.
package evidencetest

import (
	"fmt"
	"sort"
	"strconv"
)

// Header is one 512-byte ustar header block for name with typeflag typ and
// declared size, mode 0644, uid/gid 0, mtime 0, magic "ustar\x0000". edit,
// when not nil, changes the block before its checksum is computed.
func Header(name string, typ byte, size int64, edit func(b []byte)) []byte {
	b := make([]byte, 512)
	copy(b[0:100], name)
	copy(b[100:], "0000644\x00")
	copy(b[108:], "0000000\x00")
	copy(b[116:], "0000000\x00")
	copy(b[124:], fmt.Sprintf("%011o\x00", size))
	copy(b[136:], "00000000000\x00")
	b[156] = typ
	copy(b[257:], "ustar\x0000")
	copy(b[329:], "0000000\x00")
	copy(b[337:], "0000000\x00")
	if edit != nil {
		edit(b)
	}
	copy(b[148:156], "        ")
	var sum int
	for _, c := range b {
		sum += int(c)
	}
	copy(b[148:], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

// Data pads data to whole blocks.
func Data(data []byte) []byte {
	out := append([]byte(nil), data...)
	for len(out)%512 != 0 {
		out = append(out, 0)
	}
	return out
}

// File is a regular-file header and its padded data.
func File(name string, data []byte) []byte {
	return append(Header(name, '0', int64(len(data)), nil), Data(data)...)
}

// Archive joins parts and appends the end-of-archive marker.
func Archive(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return append(out, make([]byte, 1024)...)
}

// PAX is a PAX extended header (type 'x') with records, sorted by key.
func PAX(typ byte, records map[string]string) []byte {
	keys := make([]string, 0, len(records))
	for k := range records {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var body []byte
	for _, k := range keys {
		body = append(body, paxRecord(k, records[k])...)
	}
	return append(Header("PaxHeaders/entry", typ, int64(len(body)), nil), Data(body)...)
}

// paxRecord is "LEN KEY=VALUE\n" where LEN counts the whole record.
func paxRecord(k, v string) string {
	n := len(k) + len(v) + 3
	for {
		l := len(strconv.Itoa(n)) + len(k) + len(v) + 3
		if l == n {
			return fmt.Sprintf("%d %s=%s\n", n, k, v)
		}
		n = l
	}
}

// SparseEntry is a PAX GNU sparse (format 0.1) entry named name that
// archive/tar expands to size bytes (zeros and one 'x' at the end) from
// one byte in the archive: the shape of the few-KB bundle that made the
// old reader allocate gigabytes.
func SparseEntry(name string, size int64) []byte {
	pax := PAX('x', map[string]string{
		"GNU.sparse.major":     "0",
		"GNU.sparse.minor":     "1",
		"GNU.sparse.name":      name,
		"GNU.sparse.size":      strconv.FormatInt(size, 10),
		"GNU.sparse.numblocks": "1",
		"GNU.sparse.map":       fmt.Sprintf("%d,1", size-1),
	})
	return append(pax, File("GNUSparseFile.0/"+name, []byte("x"))...)
}

// SparseBundle is a bundle-shaped archive (envelope.json, a sparse
// files/big.log declaring size bytes, statement.json) of a few KB.
func SparseBundle(size int64) []byte {
	return Archive(
		File("envelope.json", []byte("{}\n")),
		SparseEntry("files/big.log", size),
		File("statement.json", []byte("{}\n")),
	)
}

// DeclaredBundle is a bundle-shaped archive whose plain ustar entry
// files/big.log declares size bytes in its header but carries none: the
// header lies about a file a few KB long.
func DeclaredBundle(size int64) []byte {
	return Archive(
		File("envelope.json", []byte("{}\n")),
		Header("files/big.log", '0', size, nil),
		File("statement.json", []byte("{}\n")),
	)
}
