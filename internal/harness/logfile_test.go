package harness

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// wantLog is the head+tail rule written out plainly, to check LogFile's
// streaming ring against.
func wantLog(stream []byte, max int64) []byte {
	avail := max - truncReserve
	headMax := avail / 2
	tailMax := avail - headMax
	if int64(len(stream)) <= avail {
		return stream
	}
	head := stream[:headMax]
	tail := stream[int64(len(stream))-tailMax:]
	line := fmt.Sprintf("[taskproof: %d bytes truncated]\n", int64(len(stream))-headMax-tailMax)
	if head[len(head)-1] != '\n' {
		line = "\n" + line
	}
	return append(append(append([]byte{}, head...), line...), tail...)
}

func TestLogFileBudget(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const max = 1024
	for _, tc := range []struct {
		name string
		size int
	}{
		{"empty", 0},
		{"small", 100},
		{"exactly available", max - truncReserve},
		{"one over", max - truncReserve + 1},
		{"ring wraps", 3 * max},
		{"large", 200 * max},
	} {
		for _, split := range []int{1, 7, 480, 5000} {
			t.Run(fmt.Sprintf("%s/split%d", tc.name, split), func(t *testing.T) {
				stream := make([]byte, tc.size)
				for i := range stream {
					stream[i] = "abc\n"[rng.IntN(4)]
				}
				path := filepath.Join(t.TempDir(), "x.log")
				l, err := CreateLog(path, max)
				if err != nil {
					t.Fatal(err)
				}
				for p := stream; len(p) > 0; {
					k := min(len(p), 1+rng.IntN(split))
					l.Write(p[:k])
					p = p[k:]
				}
				if err := l.Commit(); err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				want := wantLog(stream, max)
				if !bytes.Equal(got, want) {
					t.Fatalf("log differs from head+tail rule:\n got %d bytes %q\nwant %d bytes %q", len(got), got, len(want), want)
				}
				if len(got) > max {
					t.Errorf("log is %d bytes, budget %d", len(got), max)
				}
				if l.Total() != int64(len(stream)) {
					t.Errorf("Total = %d, want %d", l.Total(), len(stream))
				}
			})
		}
	}
}

func TestLogFileAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.log")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := CreateLog(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	l.Write([]byte("new partial"))
	l.Abort()
	got, _ := os.ReadFile(path)
	if string(got) != "old\n" {
		t.Errorf("abort changed the final path: %q", got)
	}
	assertNoTemp(t, dir)
}

func TestLogFileTooSmallBudget(t *testing.T) {
	if _, err := CreateLog(filepath.Join(t.TempDir(), "x.log"), 100); err == nil {
		t.Fatal("a 100-byte budget was accepted")
	}
}
