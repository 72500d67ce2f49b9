package verify

import (
	"bytes"
	"testing"
)

func TestCleanLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"\x1bc\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2)", "SeaBIOS (version 1.16.2)"},
		{"\x1b[0;1miPXE 1.0.0\x1b[0m -- Open Source \x1b[0;36mhttp", "iPXE 1.0.0 -- Open Source http"},
		{"\x1b[01;01H\x1b[Kboot", "boot"},
		{"a\x1b[38;5;208mb\x1b[38:2:1:2:3mc", "abc"},
		{"\x1b]0;title\x07x", "x"},
		{"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"\x1bPq#0;2;0;0;0\x1b\\after", "after"},
		{"\x1b]0;never ended", ""},
		{"\x1b]0;cut\x1b[1mbold", "bold"}, // an ESC that is not ST cancels the OSC
		{"\x1b(B\x1b)0x", "x"},
		{"\x1b7saved\x1b8", "saved"},
		{"\x1b=\x1b>k", "k"},
		{"lone\x1b", "lone"},
		{"\x1b\x1b[1mx", "x"},
		{"e\x1b\x01f", "e\x01f"},
		{"\x1b[12", ""},
		{"\x1b[1\rx", "\rx"}, // CR is outside the CSI grammar: it ends the sequence and stays
		{"a\x00b\x00\x00c", "abc"},
		{"\x1b[3\x001m red", " red"},
		{"\xff\xfe\x1b[0m\xc3(", "\xff\xfe\xc3("},
		{"\x9b31m", "\x9b31m"}, // 8-bit CSI is not interpreted: it is invalid UTF-8, kept
		{"back\b \bspace", "back\b \bspace"},
	}
	for _, tc := range tests {
		if got := string(cleanLine(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("cleanLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if !bytes.Contains([]byte(tc.in), []byte{0}) {
			if got := string(cleanLineNUL(nil, []byte(tc.in), false)); got != tc.want {
				t.Errorf("cleanLineNUL(%q, false) = %q, want %q", tc.in, got, tc.want)
			}
		}
	}
}

func FuzzCleanLine(f *testing.F) {
	for _, s := range []string{"", "\x1b[0m", "\x1b]0;x\x07y", "a\x00\x1b", "\x1b[1;2;3", "\x1b(", "\xff\x1b\\"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := cleanLine(nil, in)
		if bytes.IndexByte(out, esc) >= 0 || bytes.IndexByte(out, 0) >= 0 {
			t.Fatalf("%q: output %q keeps ESC or NUL", in, out)
		}
		// The output is a subsequence of the input.
		j := 0
		for _, c := range in {
			if j < len(out) && out[j] == c {
				j++
			}
		}
		if j != len(out) {
			t.Fatalf("%q: output %q is not a subsequence", in, out)
		}
		if bytes.IndexByte(in, esc) < 0 && !bytes.Equal(out, bytes.ReplaceAll(in, []byte{0}, nil)) {
			t.Fatalf("%q: without escapes only NULs go, got %q", in, out)
		}
		if bytes.IndexByte(in, 0) < 0 && !bytes.Equal(out, cleanLineNUL(nil, in, false)) {
			t.Fatalf("%q: one-pass cleaning differs", in)
		}
		if !bytes.Equal(cleanLine(nil, out), out) {
			t.Fatalf("%q: cleaning is not idempotent", in)
		}
	})
}
