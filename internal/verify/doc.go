// Package verify checks a console stream against a marker specification in
// one streaming pass with bounded memory. It is pure: bytes in, events and a
// verdict out. The contract package builds a Spec from a contract file; the
// harness feeds the verifier what a process prints.
//
// # Using it
//
// New compiles and validates a Spec. The harness writes the console stream
// to the Verifier (an io.Writer) in chunks of any size, asks Decided after
// each write, and calls Finish once the stream ended or it stopped the
// process. Memory is bounded by Spec.MaxLineBytes, the excerpt ring and
// Options.MaxSeen, whatever the length of the stream. A Verifier is not safe
// for concurrent use.
//
// # From bytes to lines
//
// The stream is split on '\n'; Result.Lines counts every '\n' plus a final
// line without one. Each line is then, in this order:
//
//  1. capped: only the first Spec.MaxLineBytes bytes (default 64 KiB) are
//     matched; the rest of a longer line is skipped without being buffered
//     and the line is counted in Result.LongLines. Prefix, substring and
//     regex markers see the kept bytes; the cut end equals no exact marker;
//  2. cleaned: NUL bytes are dropped, then ANSI escape sequences are removed:
//     CSI (ESC '[' parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F,
//     a final byte 0x40-0x7E), string sequences OSC, DCS, SOS, PM and APC
//     (ESC ']' 'P' 'X' '^' '_', ended by BEL or ESC '\', or by the end of the
//     line), nF sequences (ESC, intermediates, a final 0x30-0x7E), two-byte
//     sequences (ESC and one byte 0x30-0x7E, e.g. SeaBIOS's ESC 'c') and a
//     lone ESC. A sequence ends at the first byte outside its grammar; that
//     byte stays in the line. Other control bytes (BS, BEL, DEL) and invalid
//     UTF-8 are kept and matched as bytes;
//  3. split on '\r' into segments. Consoles end lines with "\r\n" (some
//     firmware with "\n\r"); progress output rewrites a line with '\r'. Every
//     segment is matched on its own, under the same line number, so a marker
//     or a FAIL line that was later overwritten on the terminal still counts:
//     the guest did print it. Empty segments are ignored, so "\r\n", "\n\r"
//     and "\r\r\n" all leave exactly one segment;
//  4. trimmed of surrounding spaces and tabs; then Spec.LogPrefix is removed
//     when it matches at the start of the segment, and spaces and tabs after
//     it are trimmed too.
//
// A segment that is empty after trimming is no text and matches nothing;
// one that is empty only after the log prefix was removed is text (it
// counts against NO_OUTPUT) but matches nothing.
//
// # Matching
//
// Exact markers match a segment that ends with Text after nothing but
// well-known prefix tokens (printk timestamps, "[LEVEL tag]", "<6>", clock
// times, level words) or text glued on without a newline ("Booting from
// ROM..NEURON"), and not inside a longer word; Prefix markers a segment
// starting with Text, after such tokens; Substring markers a segment
// containing Text; Regex markers a segment in which Pattern finds a match.
// A marker that claims success (every kind but diag and fail) is never
// counted on a segment that reports a failure around it ("ipc ok FAIL",
// "[ERROR x] ipc ok"). The lines where a required marker's text appeared
// but was not accepted are Result.NearMisses, with why and the fix. A
// segment no marker claims that reports a failure is a Warning, or fails
// the run under FailureLinesFail. docs/contract.md ("The console-line
// model") states the rules with examples; line.go implements them.
// Literal texts may not contain '\n', '\r', ESC or NUL: a cleaned segment
// never does, so such a marker could never match. Since segments are
// trimmed, a prefix or substring marker that ends in a space (upstream has
// "SELFTEST: reply slots ") matches only when text follows it on the line.
// The log prefix is matched as regexp matches it (leftmost-first), by a
// small DFA that runs in a few nanoseconds per line.
//
// Each segment is checked against the forbidden markers first, all of them:
// a FAIL line that contains an ok marker's text is FORBIDDEN, and it is
// never also counted as that ok marker. Otherwise the segment is an
// occurrence of at most one allowed marker, chosen by mode (an exact match
// first, then prefix, regex, substring) and, within a mode, by the longest
// text for prefix and substring markers (the most specific: a line
// "send disconnected" is the marker "send disconnected", not "send") and
// then by declaration order. Only a segment that is no allowed marker's
// occurrence is checked against the unexpected markers. The same rule
// names the forbidden or unexpected marker reported when several match.
//
// When an allowed marker first appears, every ID in its After list must
// already have appeared at least once, else ORDER. An allowed marker seen
// more often than its Max is COUNT. Forbidden, unexpected, order and
// over-count failures are definite: they are decided on the line where they
// happen, and later lines are only counted, not matched (unless
// Options.KeepMatching, which records later occurrences too).
//
// Cost per line does not grow with the number of markers: exact markers
// are one map lookup behind a hash filter, prefix markers (and regexes
// anchored on a literal, such as `^panic\b`) one walk of a trie, and
// substring texts and the literals other regexes require are found either
// for the whole chunk at once through a rare anchor byte each (when there
// are few) or per line through an eight-byte window hash (when there are
// many). A regex runs only on a line that holds its required literal; a
// regex without one (for example one with (?i)) runs on every line, at
// regexp's cost.
//
// # Verdicts
//
// Decided reports true once the outcome is known: after a definite failure,
// or once every required marker has appeared at least Min times (a tentative
// PASS: the harness drains briefly, and a forbidden line or a count overflow
// during the drain still fails). Finish resolves the verdict with the first
// row that holds:
//
//	row  condition                                              verdict
//	1    a definite failure happened (the first one wins)        FORBIDDEN, UNEXPECTED, ORDER, COUNT
//	2    End.StartErr is set                                     INFRA
//	3    every required marker appeared at least Min times       PASS
//	4    End.TimedOut                                            TIMEOUT
//	5    End.Signal is set, or End.Exited with an exit code
//	     that is not in End.OKExitCodes (default: only 0)        CRASH
//	6    no segment with text in the whole stream                NO_OUTPUT
//	7    a required marker never appeared                        MISSING
//	8    a required marker appeared fewer than Min times         COUNT
//
// A process that ran to completion (exit code 0, or a code the harness
// declared normal, such as a guest's isa-debug-exit success code) without
// printing a marker is MISSING, not CRASH. A stream that simply ended (a log
// file, End{}) is judged by rows 6 to 8. A process that died after the
// verdict was already known does not change it.
//
// The Failure names the marker, the phase, the stream line and a bounded
// excerpt. For definite failures the phase is the offending marker's phase,
// or the phase the run was in (the earliest phase that still has a required
// marker missing) when the marker has none; the excerpt is the
// Options.ExcerptLines lines before the offending line plus the line. For
// rows 4 to 8 the marker is the first missing (or short) required marker in
// declaration order within the earliest phase, in Spec.Phases order, that
// has one; Line is 0 and the excerpt is the last lines of the stream.
// Excerpt lines are cleaned like matched lines (without trimming leading
// space or stripping the log prefix), an interior '\r' is shown as the two
// characters `\r`, and each line is capped at ExcerptLineBytes bytes.
package verify
