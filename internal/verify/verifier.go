package verify

// Verdict is the one-word outcome of a verification.
type Verdict string

// Verdicts, in the vocabulary the CLI, reports and evidence share.
const (
	Pass       Verdict = "PASS"
	Missing    Verdict = "MISSING"    // a required marker never appeared
	Order      Verdict = "ORDER"      // a marker appeared before one it must follow
	Count      Verdict = "COUNT"      // a marker appeared too few or too many times
	Forbidden  Verdict = "FORBIDDEN"  // a forbidden marker (fail, panic) appeared
	Unexpected Verdict = "UNEXPECTED" // a marker not allowed in this profile appeared
	Timeout    Verdict = "TIMEOUT"    // the deadline passed before the verdict was known
	NoOutput   Verdict = "NO_OUTPUT"  // the stream ended without a single line
	Crash      Verdict = "CRASH"      // the process died before the verdict was known
	Infra      Verdict = "INFRA"      // the process could not be started
)

// Observation is one marker occurrence in the stream.
type Observation struct {
	Marker string // Marker.ID
	Kind   Kind
	Phase  string
	Line   int    // 1-based line number in the stream
	Text   string // the matched line after stripping, capped
	// Class is how the spec treats the marker: "allowed" (required or
	// allowed), "forbidden" or "unexpected" (including undeclared lines).
	Class string
}

// Failure says why a verification did not pass.
type Failure struct {
	Kind    Verdict
	Marker  string // the marker involved, "" when none
	Phase   string // the first failed phase, "" when unknown
	Line    int    // stream line of the offending occurrence, 0 when absent
	Message string // one sentence for humans
	Excerpt []string
	// ExcerptStart is the stream line number of Excerpt[0] (consecutive
	// lines follow), 0 when the excerpt is empty.
	ExcerptStart int
	// NearMisses are lines where the failed marker (for ORDER also the
	// marker it had to follow) appears but was not accepted.
	NearMisses []NearMiss
}

// NearMiss is a line that holds a required marker's text but was not
// accepted as that marker: why, and what would make it count.
type NearMiss struct {
	Marker string
	Line   int
	Text   string // the line, cleaned and capped
	Reason string
	Fix    string
}

// Warning is a line that reports a failure (FAIL, fail, failed, failure,
// error ending it, or standing as a word in a proof namespace) that no
// marker of the spec declares.
type Warning struct {
	Line  int
	Text  string // the line, cleaned and capped
	Word  string // the failure word
	Phase string // the phase of the last marker seen before it
}

// End describes how the stream ended, as the harness saw it.
type End struct {
	TimedOut bool  // the harness deadline passed
	Exited   bool  // the process exited on its own
	ExitCode int   // its exit code when Exited (-1 when a signal ended it)
	StartErr error // the process could not be started (INFRA)
	// Signal names the signal that ended the process when it was not sent
	// by the harness (e.g. "SIGSEGV"); "" when none. A set Signal is a
	// CRASH unless the verdict was known before.
	Signal string
	// OKExitCodes are the exit codes that mean the process ran to
	// completion; nil means only 0. QEMU's isa-debug-exit makes every exit
	// code odd, so a harness booting such a guest passes its success code.
	OKExitCodes []int
}

// Result is the outcome of one verification.
type Result struct {
	Verdict  Verdict
	Failure  *Failure      // nil on PASS
	Seen     []Observation // every marker occurrence, in stream order (bounded)
	Lines    int
	Bytes    int64
	Required int // number of required markers
	Found    int // required markers seen enough times
	// SeenDropped counts occurrences left out of Seen by Options.MaxSeen.
	SeenDropped int
	// LongLines counts lines longer than Spec.MaxLineBytes, of which only
	// the first MaxLineBytes bytes were matched.
	LongLines int
	// NearMisses lists, for every required marker (and member of an
	// applying group) still short at the end, the lines where its text
	// appeared but was not accepted: at most MaxNearMisses per marker.
	NearMisses []NearMiss
	// Warnings are the undeclared failure lines (at most MaxWarnings);
	// WarningsDropped counts the ones left out.
	Warnings        []Warning
	WarningsDropped int
}
