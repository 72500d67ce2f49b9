package verify

// excerptRing keeps the last few lines of the stream, already rendered for
// an excerpt, in fixed buffers: memory does not grow with the stream.
type excerptRing struct {
	slots [][]byte
	next  int // slot the next push writes
	n     int // lines held
}

func newExcerptRing(size, lineBytes int) excerptRing {
	r := excerptRing{slots: make([][]byte, size)}
	for i := range r.slots {
		r.slots[i] = make([]byte, 0, lineBytes+8)
	}
	return r
}

// push renders a cleaned line into the oldest slot.
func (r *excerptRing) push(cleaned []byte, limit int, cut bool) {
	if len(r.slots) == 0 {
		return
	}
	r.slots[r.next] = appendExcerpt(r.slots[r.next][:0], cleaned, limit, cut)
	r.next = (r.next + 1) % len(r.slots)
	r.n = min(r.n+1, len(r.slots))
}

// last returns the k-th newest line (0 is the newest).
func (r *excerptRing) last(k int) string {
	i := (r.next - 1 - k + 2*len(r.slots)) % len(r.slots)
	return string(r.slots[i])
}

// appendExcerpt renders a cleaned line (see cleanLine) for a failure
// excerpt: trailing blanks and CRs trimmed, interior CRs shown as `\r`,
// capped at limit bytes with "…" when cut.
func appendExcerpt(dst, cleaned []byte, limit int, cut bool) []byte {
	c := trimLineEnd(cleaned)
	start := len(dst)
	for _, ch := range c {
		if len(dst)-start >= limit {
			cut = true
			break
		}
		if ch == '\r' {
			dst = append(dst, '\\', 'r')
			continue
		}
		dst = append(dst, ch)
	}
	if len(dst)-start > limit {
		dst = dst[:start+limit]
		cut = true
	}
	if cut {
		dst = append(dst[:start], trimPartialRune(dst[start:])...)
		dst = append(dst, "…"...)
	}
	return dst
}
