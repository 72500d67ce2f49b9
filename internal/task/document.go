// Package task is the task-document model and its tolerant parser. It is
// pure: Parse takes a file name and bytes and returns a Document; nothing
// here touches the file system.
package task

// ID is a canonical task id such as "TASK-0003" or "TASK-0003B": ASCII
// hyphen, at least four digits, an optional upper-case letter suffix.
type ID string

// Document is one parsed task file. Every element carries the 1-based line
// it came from, so that findings can point at it.
type Document struct {
	Path string // as given to Parse

	ID     ID  // from the title, else the file name; "" when neither has one
	IDLine int // line the id was read from (0 = file name)
	// FileID is the id in the file name, "" when the name has none.
	FileID ID

	Title     string // title text without the leading id
	TitleLine int

	// HasFrontMatter is true when the file starts with a --- block.
	HasFrontMatter bool
	// Fields are the front-matter (or "- Key: value" header bullet) fields
	// in file order, keys lower-cased.
	Fields []Field

	Status  Status
	Owner   Field
	Created Field

	Sections []Section
	Links    []Link
	Deps     []Dependency

	Proofs  []ProofCommand
	Markers []MarkerRef
	Tests   []TestRef
	Touched []PathItem

	Security Security
}

// Field is one key/value line of the header.
type Field struct {
	Key   string
	Value string
	Line  int
}

// StatusClass is a normalised status from the vocabulary, "" when unknown.
type StatusClass string

// Status is the header status as written and as normalised.
type Status struct {
	Raw   string
	Class StatusClass // "" when the raw status is outside the vocabulary
	Line  int
}

// Section is a Markdown heading and the lines it spans (EndLine inclusive).
type Section struct {
	Heading string // heading text without #s
	Level   int
	Line    int
	EndLine int
}

// Link is a labelled link from the header or body, e.g. "RFC: docs/x.md".
type Link struct {
	Label  string
	Target string
	Line   int
}

// DepKind says where a dependency edge came from.
type DepKind string

// Dependency kinds.
const (
	DepDependsOn DepKind = "depends-on"    // depends-on header
	DepFollowUp  DepKind = "follow-up"     // follow-up-tasks header: this task is followed by ID
	DepLink      DepKind = "link"          // a link label such as "Depends-on:" or "Parent task:"
	DepSuperseed DepKind = "superseded-by" // "Superseded by:" label or status
	DepProse     DepKind = "prose"         // prose such as "gated on TASK-0012"
)

// Dependency is one reference from this task to another.
type Dependency struct {
	ID    ID
	Kind  DepKind
	Label string // the link label or prose phrase that produced it
	Line  int
}

// ProofKind classifies a proof command by the Stop-conditions item it is under.
type ProofKind string

// Proof kinds.
const (
	ProofQEMU     ProofKind = "qemu"
	ProofTests    ProofKind = "tests"
	ProofSecurity ProofKind = "security"
	ProofOther    ProofKind = "other"
)

// ProofCommand is a command listed as proof under Stop conditions (or the
// Security proof section).
type ProofCommand struct {
	Command string
	Kind    ProofKind
	Line    int
}

// MarkerRef is a console marker the task requires.
type MarkerRef struct {
	Text string
	Line int
}

// TestRef is a test the task requires, by exact name or glob (test_reject_*).
type TestRef struct {
	Name     string
	Security bool // listed under the Security proof
	Line     int
}

// PathItem is one entry of the touched-path allowlist.
type PathItem struct {
	Raw     string // the bullet text as written
	Pattern string // the path pattern, "" when the item is prose
	Deny    bool   // listed under an "Out-of-allowlist" line
	Line    int
}

// Security summarises the security sections.
type Security struct {
	// Relevant is true when the Security considerations section is filled
	// in (not only N/A placeholders).
	Relevant bool
	Line     int // line of the Security considerations heading, 0 if absent
	// ProofLine is the line of the Security proof heading, 0 if absent.
	ProofLine int
}
