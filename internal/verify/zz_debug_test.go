package verify

import (
	"bytes"
	"testing"
)

func TestZZDebugRare(t *testing.T) {
	_, ok := benchSpec(Exact, 660)
	log := genLog(8<<20, ok, false)
	lits := [][]byte{}
	for _, p := range []string{"PANIC", "Kernel panic", "panicked at", "[FATAL"} {
		lits = append(lits, []byte(p))
	}
	h := newLiteralHits(lits)
	h.reset(log[:64<<10], 0)
	for _, a := range h.anchors {
		t.Logf("anchor %q lits %v lines with it %d", a.c, a.lits, bytes.Count(log, []byte{a.c}))
	}
	t.Logf("lines %d", bytes.Count(log, []byte{'\n'}))
}
