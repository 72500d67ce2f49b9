package verify

import "regexp"

// Mode is how a marker's text is matched against a console line after
// ANSI escapes, CR and the optional log prefix are stripped.
type Mode int

const (
	// Exact matches a line equal to Text (surrounding whitespace trimmed).
	Exact Mode = iota
	// Prefix matches a line starting with Text.
	Prefix
	// Regex matches a line where Pattern finds a match.
	Regex
	// Substring matches a line containing Text anywhere; only on purpose,
	// because a marker is then "seen" inside its own FAIL line.
	Substring
)

// String returns the contract spelling of m.
func (m Mode) String() string {
	switch m {
	case Exact:
		return "exact"
	case Prefix:
		return "prefix"
	case Regex:
		return "regex"
	case Substring:
		return "substring"
	}
	return "unknown"
}

// Kind is what a marker claims: ok and ready claim real behaviour, fail
// reports a failure, stub an explicitly unimplemented path, diag nothing.
type Kind string

// Marker kinds.
const (
	KindOK    Kind = "ok"
	KindReady Kind = "ready"
	KindFail  Kind = "fail"
	KindStub  Kind = "stub"
	KindDiag  Kind = "diag"
)

// Marker is one line pattern the spec knows about.
type Marker struct {
	ID      string         // stable name used in reports; the literal text by default
	Text    string         // literal text (Exact, Prefix, Substring) or regex source
	Mode    Mode           // how Text is matched
	Pattern *regexp.Regexp // compiled Text when Mode is Regex
	Kind    Kind
	Phase   string // phase name, "" when the contract has none
	// Required markers must appear at least Min times for a PASS.
	Required bool
	Min      int // minimum occurrences; 0 means 1 for required markers
	Max      int // maximum occurrences; 0 means unbounded
	// After lists IDs that must have been seen before this marker's first
	// occurrence. The contract turns phase order, explicit order and
	// implication rules ("if X appears, Y must have appeared before it")
	// into After edges; checking only immediate predecessors keeps a strict
	// ladder linear.
	After []string
	// AfterIfSeen lists IDs that, if they appear at all, must appear
	// before this marker's first occurrence: order with a marker that a
	// run may leave out (a Group member). It is checked when the listed
	// marker first appears.
	AfterIfSeen []string
	// Source and Line say where the contract declared the marker.
	Source string
	Line   int
	// Why says which rule gave the marker its status in this profile, with
	// the file and line of that rule ("ladder.smp entry (overlay.toml:12)").
	Why string
}

// Group is a requirement on a set of allowed markers beyond each marker's
// own: all of Members once any Trigger appeared (upstream's metricsd
// entries, required only when the log shows metricsd started), or, with
// AnyOf, at least one of Members.
type Group struct {
	ID       string
	Members  []string // marker IDs of Spec.Markers
	Triggers []string // marker IDs; none means the group always applies
	AnyOf    bool
	// Why says which rule declared the group, with its file and line.
	Why string
}

// FailureLines is what the verifier does with a line that reports a
// failure the spec does not declare (see the package documentation).
type FailureLines int

const (
	// FailureLinesWarn lists such lines as warnings; the verdict is
	// unchanged.
	FailureLinesWarn FailureLines = iota
	// FailureLinesFail fails the run on the first such line (FORBIDDEN).
	FailureLinesFail
)

// Spec is everything one verification checks, already resolved for one
// profile.
type Spec struct {
	// Phases in order; a marker's Phase indexes into it. The first failed
	// phase is reported with a failure.
	Phases []string
	// Markers are required or allowed in this profile.
	Markers []Marker
	// Forbidden markers fail the run the moment they appear (fail markers
	// and panic patterns by default).
	Forbidden []Marker
	// Unexpected markers are known to the contract but not allowed in this
	// profile (another profile's markers); seeing one is UNEXPECTED.
	Unexpected []Marker
	// LogPrefix, when set, is stripped from the start of each line before
	// matching (e.g. `^\[[A-Z]+ [^\]]+\] `).
	LogPrefix *regexp.Regexp
	// Undeclared lists line prefixes (marker namespaces such as
	// "SELFTEST: ") under which every marker must be declared: a line that
	// starts with one, carries no run-varying value (no digit, no '='),
	// and is no marker of this spec is UNEXPECTED. Deterministic markers
	// carry no values, so a value-free line in a proof namespace is a
	// marker the contract does not know: upstream's deny-by-default rule.
	Undeclared []string
	// MaxLineBytes caps how much of one line is matched; the rest of a
	// longer line is counted but not buffered. 0 means 64 KiB.
	MaxLineBytes int
	// Groups are requirements on sets of markers (see Group).
	Groups []Group
	// FailureLines says whether undeclared failure lines warn or fail.
	FailureLines FailureLines
}
