package board

import "bytes"

// StaleDiff compares the committed board file rel with the generated
// one: "" when it is current, else their line diff. The CRLF line ends a
// checkout with core.autocrlf makes of the committed LF file are not
// staleness.
func StaleDiff(rel string, committed, generated []byte) string {
	committed = bytes.ReplaceAll(committed, []byte("\r\n"), []byte("\n"))
	return LineDiff(rel+" (committed)", rel+" (generated from the task headers)", committed, generated)
}
