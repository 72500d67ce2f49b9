package harness

import (
	"bytes"
	"sync"
	"testing"
)

// recordingTap keeps what a Tap is given.
type recordingTap struct {
	mu      sync.Mutex
	console bytes.Buffer
	marks   []Mark
	// consoleAtMark is how many console bytes had arrived when each mark did.
	consoleAtMark []int
}

func (r *recordingTap) Console(p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.console.Write(p)
}

func (r *recordingTap) Mark(m Mark) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.marks = append(r.marks, m)
	r.consoleAtMark = append(r.consoleAtMark, r.console.Len())
}

// TestTapSeesConsoleAndMarks: the tap gets every console byte, and each
// marker after the bytes that hold its line, with its time.
func TestTapSeesConsoleAndMarks(t *testing.T) {
	t.Parallel()
	tap := &recordingTap{}
	out := run(t, Config{Argv: sh(`printf 'noise\nA\n'; sleep 0.1; printf 'B\nC\n'`), Tap: tap, Drain: -1})
	if out.Result.Verdict != "PASS" {
		t.Fatalf("verdict %s", out.Result.Verdict)
	}
	if got := tap.console.String(); got != "noise\nA\nB\nC\n" {
		t.Errorf("console %q", got)
	}
	if len(tap.marks) != 3 {
		t.Fatalf("marks %+v", tap.marks)
	}
	for i, want := range []struct {
		marker string
		line   int
		bytes  int
	}{{"A", 2, len("noise\nA\n")}, {"B", 3, len("noise\nA\nB\n")}, {"C", 4, len("noise\nA\nB\nC\n")}} {
		m := tap.marks[i]
		if m.Marker != want.marker || m.Line != want.line || tap.consoleAtMark[i] < want.bytes {
			t.Errorf("mark %d: %+v after %d console bytes, want %s at line %d after %d", i, m, tap.consoleAtMark[i], want.marker, want.line, want.bytes)
		}
	}
	if tap.marks[1].At < tap.marks[0].At+50_000_000 {
		t.Errorf("times %v then %v: B came 100 ms after A", tap.marks[0].At, tap.marks[1].At)
	}
}
