package harness

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/taskproof/taskproof/internal/atomicfile"
)

// DefaultLogMax is the default byte budget of a log on disk.
const DefaultLogMax = 8 << 20

// minLogMax keeps room for a useful head, the truncation line and a tail.
const minLogMax = 1024

// truncReserve is the room kept inside the budget for the truncation line
// ("\n[taskproof: N bytes truncated]\n" with N up to 20 digits).
const truncReserve = 64

// LogFile writes a console stream to path keeping its head and its tail
// within a byte budget: the first half is written as it arrives, the last
// half lives in a ring buffer, and what falls between is replaced by one
// explicit line "[taskproof: N bytes truncated]". The stream goes to a
// temporary file next to path; Commit renames it into place, so path
// never holds a partial log.
type LogFile struct {
	path    string
	tmp     *os.File
	headMax int64
	head    int64 // bytes written to tmp so far
	tail    tail
	total   int64
	err     error
}

// CreateLog starts a log for path with budget max bytes (DefaultLogMax
// when max ≤ 0). The temporary file is created now, so a bad path fails
// before any process starts.
func CreateLog(path string, max int64) (*LogFile, error) {
	if max <= 0 {
		max = DefaultLogMax
	}
	if max < minLogMax {
		return nil, fmt.Errorf("log budget %d bytes is too small; use at least %d", max, minLogMax)
	}
	_, _ = atomicfile.SweepStale(filepath.Dir(path))
	tmp, err := atomicfile.CreateTemp(path)
	if err != nil {
		return nil, fmt.Errorf("create log %s: %w", path, err)
	}
	headMax, tailMax := split(max)
	return &LogFile{
		path:    path,
		tmp:     tmp,
		headMax: int64(headMax),
		tail:    tail{ring: make([]byte, tailMax)},
	}, nil
}

// Write records p. It never fails the stream: a disk error is kept and
// reported by Commit, and later writes are dropped.
func (l *LogFile) Write(p []byte) (int, error) {
	n := len(p)
	l.total += int64(n)
	if l.err != nil {
		return n, nil
	}
	if l.head < l.headMax {
		k := min(int64(len(p)), l.headMax-l.head)
		if _, err := l.tmp.Write(p[:k]); err != nil {
			l.err = err
			return n, nil
		}
		l.head += k
		p = p[k:]
	}
	if len(p) == 0 {
		return n, nil
	}
	l.tail.write(p)
	return n, nil
}

// Total is the number of stream bytes seen, kept or not.
func (l *LogFile) Total() int64 { return l.total }

// Truncated is the number of stream bytes replaced by the truncation line.
func (l *LogFile) Truncated() int64 { return l.tail.dropped }

// Commit writes the tail, syncs and renames the log into place.
func (l *LogFile) Commit() error {
	if l.tmp == nil {
		return fmt.Errorf("log %s: already closed", l.path)
	}
	err := l.err
	if err == nil && l.tail.dropped > 0 {
		_, err = l.tmp.WriteString(truncationLine(l.tail.dropped, l.headEndsLine()))
	}
	if err == nil && l.tail.n > 0 {
		_, err = l.tmp.Write(l.tail.appendTo(nil))
	}
	if err == nil {
		err = l.tmp.Chmod(0o644)
	}
	if err == nil {
		err = l.tmp.Sync()
	}
	name := l.tmp.Name()
	// Rename while the file is open, hence locked: a sweep by another
	// writer in this directory only removes unlocked temporary files.
	if err == nil {
		err = os.Rename(name, l.path)
	}
	if cerr := l.tmp.Close(); err == nil {
		err = cerr
	}
	l.tmp = nil
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("write log %s: %w", l.path, err)
	}
	return nil
}

// Abort removes the temporary file; the final path is left untouched.
func (l *LogFile) Abort() {
	if l.tmp == nil {
		return
	}
	name := l.tmp.Name()
	l.tmp.Close()
	os.Remove(name)
	l.tmp = nil
}

// headEndsLine reports whether the head written so far ends with a newline
// (or is empty), so the truncation line starts on a line of its own.
func (l *LogFile) headEndsLine() bool {
	if l.head == 0 {
		return true
	}
	var b [1]byte
	if _, err := l.tmp.ReadAt(b[:], l.head-1); err != nil {
		return false
	}
	return b[0] == '\n'
}
