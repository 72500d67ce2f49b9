package verify

import "bytes"

const esc = 0x1b

// CleanLine returns raw without NUL bytes and ANSI escape sequences,
// exactly as the verifier cleans a line before matching (no '\r' split, no
// trim), for showing a console the way it was judged.
func CleanLine(raw []byte) []byte { return cleanLine(nil, raw) }

// cleanLine appends raw to dst[:0] without NUL bytes and ANSI escape
// sequences and returns the result. It does not split on '\r' or trim.
func cleanLine(dst, raw []byte) []byte {
	return cleanLineNUL(dst, raw, true)
}

// cleanLineNUL is cleanLine for a caller that knows whether raw holds a
// NUL: without one, escapes are removed while copying, in one pass.
func cleanLineNUL(dst, raw []byte, mayHoldNUL bool) []byte {
	dst = dst[:0]
	if !mayHoldNUL {
		for {
			i := bytes.IndexByte(raw, esc)
			if i < 0 {
				return append(dst, raw...)
			}
			dst = append(dst, raw[:i]...)
			raw = raw[escapeEnd(raw, i):]
		}
	}
	// Drop NULs first so that a NUL inside an escape sequence does not end
	// it (terminals ignore NUL everywhere).
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, 0)
		if i < 0 {
			dst = append(dst, raw...)
			break
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i+1:]
	}
	return stripEscapes(dst)
}

// stripEscapes removes ANSI escape sequences from b in place.
func stripEscapes(b []byte) []byte {
	i := bytes.IndexByte(b, esc)
	if i < 0 {
		return b
	}
	w := i
	for i < len(b) {
		// b[i] is ESC.
		end := escapeEnd(b, i)
		i = end
		j := bytes.IndexByte(b[i:], esc)
		if j < 0 {
			w += copy(b[w:], b[i:])
			break
		}
		w += copy(b[w:], b[i:i+j])
		i += j
	}
	return b[:w]
}

// escapeEnd returns the index just past the escape sequence starting with
// the ESC at b[i]. Bytes outside a sequence's grammar end it and are not
// part of it.
func escapeEnd(b []byte, i int) int {
	n := len(b)
	if i+1 >= n {
		return n // lone ESC at the end of the line
	}
	c := b[i+1]
	switch {
	case c == '[': // CSI
		k := i + 2
		for k < n && b[k] >= 0x30 && b[k] <= 0x3f {
			k++
		}
		for k < n && b[k] >= 0x20 && b[k] <= 0x2f {
			k++
		}
		if k < n && b[k] >= 0x40 && b[k] <= 0x7e {
			return k + 1
		}
		return k
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_': // OSC, DCS, SOS, PM, APC
		k := i + 2
		for k < n {
			switch b[k] {
			case 0x07:
				return k + 1
			case esc:
				if k+1 < n && b[k+1] == '\\' {
					return k + 2
				}
				return k // an ESC that is not ST cancels the string
			}
			k++
		}
		return n
	case c >= 0x20 && c <= 0x2f: // nF: intermediates then a final byte
		k := i + 1
		for k < n && b[k] >= 0x20 && b[k] <= 0x2f {
			k++
		}
		if k < n && b[k] >= 0x30 && b[k] <= 0x7e {
			return k + 1
		}
		return k
	case c >= 0x30 && c <= 0x7e: // two-byte sequence (Fp, Fe, Fs)
		return i + 2
	}
	return i + 1 // lone ESC
}

// isBlank reports whether c is trimmed from segment ends.
func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// trimBlank removes surrounding spaces and tabs.
func trimBlank(b []byte) []byte {
	for len(b) > 0 && isBlank(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isBlank(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// trimLineEnd removes trailing '\r', spaces and tabs.
func trimLineEnd(b []byte) []byte {
	for len(b) > 0 {
		c := b[len(b)-1]
		if c != '\r' && c != ' ' && c != '\t' {
			break
		}
		b = b[:len(b)-1]
	}
	return b
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b that
// a byte cap cut in half.
func trimPartialRune(b []byte) []byte {
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < 0x80 {
			return b
		}
		if c >= 0xc0 { // a leading byte: is its sequence complete?
			need := 2
			switch {
			case c >= 0xf0:
				need = 4
			case c >= 0xe0:
				need = 3
			}
			if k < need {
				return b[:len(b)-k]
			}
			return b
		}
	}
	return b
}
