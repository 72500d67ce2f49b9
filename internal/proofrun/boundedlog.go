package proofrun

import (
	"fmt"

	"github.com/taskproof/taskproof/internal/harness"
)

// boundedLog keeps a console in memory the way harness.LogFile keeps it on
// disk, byte for byte: the first half of the budget as it arrives, the
// last half in a ring, and one "[taskproof: N bytes truncated]" line for
// what fell between. TestBoundedLogMatchesLogFile holds the two equal.
type boundedLog struct {
	head    []byte
	headMax int
	ring    []byte
	ringLen int
	ringPos int
	dropped int64
}

// truncReserve is harness.LogFile's room for the truncation line.
const truncReserve = 64

func newBoundedLog(max int64) *boundedLog {
	if max <= 0 {
		max = harness.DefaultLogMax
	}
	avail := int(max) - truncReserve
	headMax := avail / 2
	return &boundedLog{headMax: headMax, ring: make([]byte, avail-headMax)}
}

func (l *boundedLog) Write(p []byte) (int, error) {
	n := len(p)
	if len(l.head) < l.headMax {
		k := min(len(p), l.headMax-len(l.head))
		l.head = append(l.head, p[:k]...)
		p = p[k:]
	}
	if len(p) == 0 {
		return n, nil
	}
	if len(p) > len(l.ring) {
		l.dropped += int64(l.ringLen) + int64(len(p)-len(l.ring))
		p = p[len(p)-len(l.ring):]
		l.ringLen, l.ringPos = 0, 0
	}
	if over := l.ringLen + len(p) - len(l.ring); over > 0 {
		l.dropped += int64(over)
		l.ringLen -= over
	}
	for len(p) > 0 {
		k := copy(l.ring[l.ringPos:], p)
		p = p[k:]
		l.ringPos = (l.ringPos + k) % len(l.ring)
		l.ringLen += k
	}
	return n, nil
}

// Bytes is the log: head, truncation line when bytes were dropped, tail.
func (l *boundedLog) Bytes() []byte {
	out := append([]byte{}, l.head...)
	if l.dropped > 0 {
		line := fmt.Sprintf("[taskproof: %d bytes truncated]\n", l.dropped)
		if len(l.head) > 0 && l.head[len(l.head)-1] != '\n' {
			line = "\n" + line
		}
		out = append(out, line...)
	}
	start := (l.ringPos - l.ringLen + len(l.ring)) % len(l.ring)
	if start+l.ringLen <= len(l.ring) {
		return append(out, l.ring[start:start+l.ringLen]...)
	}
	out = append(out, l.ring[start:]...)
	return append(out, l.ring[:l.ringPos]...)
}
