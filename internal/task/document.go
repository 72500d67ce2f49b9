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
	Path string `json:"path"` // as given to Parse

	ID     ID  `json:"id"`      // from the title, else the file name; "" when neither has one
	IDLine int `json:"id_line"` // line the id was read from (0 = file name)
	// FileID is the id in the file name, "" when the name has none.
	FileID ID `json:"file_id"`

	Title     string `json:"title"` // title text without the leading id
	TitleLine int    `json:"title_line"`

	// HasFrontMatter is true when the file starts with a --- block.
	HasFrontMatter bool `json:"has_front_matter"`
	// Fields are the front-matter (or "- Key: value" header bullet) fields
	// in file order, keys lower-cased.
	Fields []Field `json:"fields"`

	Status  Status `json:"status"`
	Owner   Field  `json:"owner"`
	Created Field  `json:"created"`

	Sections []Section    `json:"sections"`
	Links    []Link       `json:"links"`
	Deps     []Dependency `json:"deps"`
	// Mentions are all ids written in the file (outside code blocks), one per
	// id and line; a mention is not a dependency.
	Mentions []Mention `json:"mentions"`

	Proofs  []ProofCommand `json:"proofs"`
	Markers []MarkerRef    `json:"markers"`
	Tests   []TestRef      `json:"tests"`
	Touched []PathItem     `json:"touched"`

	Security Security `json:"security"`
}

// Field is one key/value line of the header.
type Field struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Line  int    `json:"line"`
	// Items are the list values of a key written as a block list
	// ("links:" then "  - Label: target") or an inline list ("[A, B]").
	Items []ListItem `json:"items,omitempty"`
}

// ListItem is one value of a header list, with its line.
type ListItem struct {
	Value string `json:"value"`
	Line  int    `json:"line"`
}

// StatusClass is a normalised status from the vocabulary, "" when unknown.
type StatusClass string

// Status is the header status as written and as normalised.
type Status struct {
	Raw   string      `json:"raw"`
	Class StatusClass `json:"class"` // "" when the raw status is outside the vocabulary
	Line  int         `json:"line"`
}

// Section is a Markdown heading and the lines it spans (EndLine inclusive).
type Section struct {
	Heading string `json:"heading"` // heading text without #s
	Level   int    `json:"level"`
	Line    int    `json:"line"`
	EndLine int    `json:"end_line"`
}

// Link is a labelled link from the header or body, e.g. "RFC: docs/x.md".
type Link struct {
	Label  string `json:"label"`
	Target string `json:"target"` // the path or URL, without backticks or trailing prose
	Text   string `json:"text"`   // everything after the label as written
	Line   int    `json:"line"`
}

// DepKind says where a dependency edge came from. Every kind except
// DepFollowUp reads "this task needs ID" (ID comes first); DepFollowUp
// reads the other way: "ID follows this task" (ID needs this task).
// DepSuperseed reads "ID replaces this task".
type DepKind string

// Dependency kinds.
const (
	DepDependsOn DepKind = "depends-on"    // depends-on header
	DepFollowUp  DepKind = "follow-up"     // follow-up-tasks / enables header, "Follow-on:" labels, "follow-on phase (TASK-…)" prose: ID follows this task
	DepLink      DepKind = "link"          // a link label such as "Depends-on:" or "Parent task:"
	DepSuperseed DepKind = "superseded-by" // "Superseded by:" label or status
	DepProse     DepKind = "prose"         // prose such as "gated on TASK-0012": this task needs ID
	// DepMention is a prose dependency phrase in a sentence about another
	// task (About): "TASK-0154 (…; persistence gated on TASK-0009)" written
	// in TASK-0045. It records the reference without making this task wait.
	DepMention DepKind = "mention"
)

// Dependency is one reference from this task to another.
type Dependency struct {
	ID    ID      `json:"id"`
	Kind  DepKind `json:"kind"`
	Label string  `json:"label"` // the link label or prose phrase that produced it
	Line  int     `json:"line"`
	// About is the task a DepMention's sentence is about, "" otherwise.
	About ID `json:"about,omitempty"`
}

// Mention is an id written somewhere in the document.
type Mention struct {
	ID   ID  `json:"id"`
	Line int `json:"line"`
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
	Command string    `json:"command"`
	Kind    ProofKind `json:"kind"`
	Line    int       `json:"line"`
}

// MarkerRef is a console marker the task requires.
type MarkerRef struct {
	Text string `json:"text"`
	// Security is true for markers listed under the Security proof
	// (hardening markers) rather than Stop conditions.
	Security bool `json:"security"`
	Line     int  `json:"line"`
}

// TestRef is a test the task requires, by exact name or glob (test_reject_*).
type TestRef struct {
	Name     string `json:"name"`
	Security bool   `json:"security"` // listed under the Security proof
	Line     int    `json:"line"`
}

// PathItem is one entry of the touched-path allowlist.
type PathItem struct {
	Raw     string `json:"raw"`     // the bullet text as written
	Pattern string `json:"pattern"` // the path pattern, "" when the item is prose
	Deny    bool   `json:"deny"`    // listed under an "Out-of-allowlist" line
	Line    int    `json:"line"`
}

// Security summarises the security sections.
type Security struct {
	// Relevant is true when the Security considerations section is filled
	// in (not only N/A placeholders).
	Relevant bool `json:"relevant"`
	Line     int  `json:"line"` // line of the Security considerations heading, 0 if absent
	// ProofLine is the line of the Security proof heading, 0 if absent.
	ProofLine int `json:"proof_line"`
}
