package proofstate

import (
	"bytes"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

// FuzzSetStatus: for any document, a successful edit changes only the
// status line, and the result reads back with the new status on that line.
func FuzzSetStatus(f *testing.F) {
	f.Add([]byte(fixtureTask), "Done")
	f.Add([]byte("# TASK-0001: X\r\n\r\n- **Status:** Draft  \r\n- Owner: @a\r\n"), "In Review")
	f.Add([]byte("---\ntitle: TASK-0001 X\nstatus: 'Draft'\n---\n"), "Blocked")
	f.Add([]byte("\xef\xbb\xbf---\nstatus:\n---\n"), "Draft")
	f.Add([]byte("---\nstatus: a\n  b\n---\n"), "Done")
	f.Fuzz(func(t *testing.T, src []byte, value string) {
		doc, err := task.Parse("tasks/TASK-0001-x.md", src)
		if err != nil {
			return
		}
		out, err := SetStatus(src, doc, value)
		if err != nil {
			return
		}
		start, end, ok := lineBounds(src, doc.Status.Line)
		if !ok {
			t.Fatalf("edited line %d that does not exist", doc.Status.Line)
		}
		delta := len(out) - len(src)
		if !bytes.Equal(out[:start], src[:start]) || !bytes.Equal(out[end+delta:], src[end:]) {
			t.Fatalf("bytes outside the status line changed:\n%q\n%q", src, out)
		}
		if !bytes.Contains(out[start:end+delta], []byte(value)) {
			t.Fatalf("the new value %q is not on the line: %q", value, out[start:end+delta])
		}
	})
}
