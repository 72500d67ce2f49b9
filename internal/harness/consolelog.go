package harness

import "fmt"

// split divides a log budget of max bytes into the head, kept as it
// arrives, and the tail, kept in a ring; the rest is room for the
// truncation line.
func split(max int64) (head, tail int) {
	avail := int(max - truncReserve)
	return avail / 2, avail - avail/2
}

// truncationLine replaces the dropped middle of a log; it starts on a line
// of its own.
func truncationLine(dropped int64, headEndsLine bool) string {
	line := fmt.Sprintf("[taskproof: %d bytes truncated]\n", dropped)
	if !headEndsLine {
		line = "\n" + line
	}
	return line
}

// tail keeps the last len(ring) bytes of a stream and counts the bytes
// that fell out.
type tail struct {
	ring    []byte
	n       int   // bytes in ring (≤ len(ring))
	pos     int   // next write position in ring
	dropped int64 // bytes that fell out of the ring
}

func (t *tail) write(p []byte) {
	// Only the last len(ring) bytes of p can survive.
	if len(p) > len(t.ring) {
		t.dropped += int64(t.n) + int64(len(p)-len(t.ring))
		p = p[len(p)-len(t.ring):]
		t.n, t.pos = 0, 0
	}
	if over := t.n + len(p) - len(t.ring); over > 0 {
		t.dropped += int64(over)
		t.n -= over
	}
	for len(p) > 0 {
		k := copy(t.ring[t.pos:], p)
		p = p[k:]
		t.pos = (t.pos + k) % len(t.ring)
		t.n += k
	}
}

// appendTo appends the kept bytes, oldest first.
func (t *tail) appendTo(dst []byte) []byte {
	if t.n == 0 {
		return dst
	}
	start := (t.pos - t.n + len(t.ring)) % len(t.ring)
	if start+t.n <= len(t.ring) {
		return append(dst, t.ring[start:start+t.n]...)
	}
	return append(append(dst, t.ring[start:]...), t.ring[:t.pos]...)
}

// ConsoleLog keeps a console in memory exactly as LogFile keeps it on
// disk: the head of the budget as it arrives, the tail in a ring, and one
// "[taskproof: N bytes truncated]" line for what fell between. Evidence
// holds it without a file written and read back.
type ConsoleLog struct {
	head    []byte
	headMax int
	tail    tail
}

// NewConsoleLog starts a log with a budget of max bytes (DefaultLogMax
// when max ≤ 0).
func NewConsoleLog(max int64) (*ConsoleLog, error) {
	if max <= 0 {
		max = DefaultLogMax
	}
	if max < minLogMax {
		return nil, fmt.Errorf("log budget %d bytes is too small; use at least %d", max, minLogMax)
	}
	head, t := split(max)
	return &ConsoleLog{headMax: head, tail: tail{ring: make([]byte, t)}}, nil
}

// Write records p; it never fails.
func (l *ConsoleLog) Write(p []byte) (int, error) {
	n := len(p)
	if k := min(len(p), l.headMax-len(l.head)); k > 0 {
		l.head = append(l.head, p[:k]...)
		p = p[k:]
	}
	if len(p) > 0 {
		l.tail.write(p)
	}
	return n, nil
}

// Bytes is the log: head, the truncation line when bytes were dropped,
// tail.
func (l *ConsoleLog) Bytes() []byte {
	out := append([]byte{}, l.head...)
	if l.tail.dropped > 0 {
		out = append(out, truncationLine(l.tail.dropped, len(l.head) == 0 || l.head[len(l.head)-1] == '\n')...)
	}
	return l.tail.appendTo(out)
}
