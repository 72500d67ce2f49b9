// Package lint checks task documents against the template's contract. It is
// pure: Check takes parsed documents plus an Env that answers the questions
// the package cannot answer itself (does a path exist, what is the status
// vocabulary, which markers does the contract declare) and returns
// diagnostics with file:line positions.
package lint

import (
	"cmp"
	"path"
	"slices"
	"strings"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/task"
)

// Severity is how serious a finding is. Only errors fail `taskproof lint`.
type Severity string

// Severities, from most to least serious.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Diagnostic is one finding. Line is 1-based and always >= 1 (findings
// about the whole file point at its first line); Column is 1-based in
// Unicode code points, 0 when unknown.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column,omitempty"`
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Fix is the suggested replacement text, e.g. "Done" for `status: done`.
	Fix string `json:"fix,omitempty"`
}

// Env is what Check needs from outside the documents. The zero Env is
// usable: no path is checked, the default status vocabulary applies and the
// contract- and source-based rules do not run.
type Env struct {
	// PathExists reports whether a slash-separated path exists. Paths are
	// relative to the repository root (or absolute when the task file lies
	// outside the root). nil disables broken-link.
	PathExists func(path string) bool

	// Vocabulary and Aliases are the status vocabulary (canonical spellings)
	// and lower-case aliases mapped to it; nil means config's defaults.
	Vocabulary []string
	Aliases    map[string]string

	// DeclaredMarker reports whether the marker contract declares a marker.
	// nil when the repository has no contract; undeclared-marker then does
	// not run.
	DeclaredMarker func(text string) bool

	// CanonicalProof lists command globs that count as canonical proof
	// harnesses (config [proof] canonical; `*` matches any text). Empty
	// disables non-canonical-proof; the CLI sets it only when the
	// repository has a taskproof.toml.
	CanonicalProof []string

	// Source returns the bytes a document was parsed from (by Path), nil
	// when unknown; unfilled-placeholder and columns need them. nil skips
	// the source-based rule.
	Source func(path string) []byte

	// Repo is every task of the repository. Cross-document rules
	// (duplicate-id) consider these as well as the checked documents, so
	// that linting one file still finds a duplicate elsewhere. Documents are
	// identified by Path.
	Repo []*task.Document
}

// Check runs every rule over docs and returns the findings sorted by file,
// line, rule (then column and message). It never panics on odd documents.
func Check(docs []*task.Document, env Env) []Diagnostic {
	c := newChecker(env)
	c.taskFiles = taskFileIndex(env.Repo, docs)
	c.duplicateIDs(docs)
	seen := make(map[string]bool, len(docs))
	for _, d := range docs {
		if d == nil || seen[d.Path] {
			continue
		}
		seen[d.Path] = true
		for _, r := range docChecks {
			r(c, d)
		}
	}
	Sort(c.out)
	return c.out
}

// Sort orders diagnostics deterministically: file, line, rule, column,
// message.
func Sort(ds []Diagnostic) {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Counts is the number of findings per severity.
type Counts struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

// Count tallies diagnostics by severity.
func Count(ds []Diagnostic) Counts {
	var n Counts
	for _, d := range ds {
		switch d.Severity {
		case SeverityError:
			n.Error++
		case SeverityWarning:
			n.Warning++
		default:
			n.Info++
		}
	}
	return n
}

// checker holds per-run state: the resolved environment and memoised
// answers, so that a link shared by many tasks is stat'ed once.
type checker struct {
	env        Env
	vocabulary []string
	aliases    map[string]string
	exists     map[string]bool
	out        []Diagnostic
	// taskFiles holds "dir/TASK-0064" for every task file, so that a link
	// to a task by its id ("tasks/TASK-0064") resolves like its file.
	taskFiles map[string]bool

	// cur caches per-document work for the document being checked: its
	// source lines and its normalised headings.
	cur         *task.Document
	curLines    []string
	curHeadings []string
}

func newChecker(env Env) *checker {
	c := &checker{env: env, vocabulary: env.Vocabulary, aliases: env.Aliases, exists: map[string]bool{}}
	if len(c.vocabulary) == 0 {
		c.vocabulary = config.DefaultVocabulary
	}
	if c.aliases == nil {
		c.aliases = config.DefaultAliases
	}
	return c
}

// report adds a finding for rule id at line (clamped to >= 1).
func (c *checker) report(d *task.Document, id string, line, col int, fix, msg string) {
	if line < 1 {
		line = 1
	}
	if col < 0 {
		col = 0
	}
	c.out = append(c.out, Diagnostic{
		File:     d.Path,
		Line:     line,
		Column:   col,
		Rule:     id,
		Severity: ruleByID[id].Severity,
		Message:  msg,
		Fix:      fix,
	})
}

// pathExists memoises env.PathExists.
func (c *checker) pathExists(p string) bool {
	if ok, seen := c.exists[p]; seen {
		return ok
	}
	ok := c.env.PathExists(p)
	c.exists[p] = ok
	return ok
}

// taskFileIndex is the set of "dir/ID" of the given task files (both the
// file-name id and, when it differs, the header id).
func taskFileIndex(lists ...[]*task.Document) map[string]bool {
	idx := map[string]bool{}
	for _, docs := range lists {
		for _, d := range docs {
			if d == nil {
				continue
			}
			dir := path.Dir(d.Path)
			for _, id := range []task.ID{d.FileID, d.ID} {
				if id != "" {
					idx[path.Join(dir, string(id))] = true
				}
			}
		}
	}
	return idx
}

// lines returns the document's source lines, nil when the source is
// unknown. The split is cached for the document being checked.
func (c *checker) lines(d *task.Document) []string {
	c.switchTo(d)
	if c.curLines == nil && c.env.Source != nil {
		if src := c.env.Source(d.Path); src != nil {
			c.curLines = splitLines(src)
		}
	}
	return c.curLines
}

// headings returns the normalised headings of d.Sections, index for index.
func (c *checker) headings(d *task.Document) []string {
	c.switchTo(d)
	if c.curHeadings == nil {
		c.curHeadings = make([]string, len(d.Sections))
		for i, s := range d.Sections {
			c.curHeadings[i] = normHeading(s.Heading)
		}
	}
	return c.curHeadings
}

func (c *checker) switchTo(d *task.Document) {
	if d != c.cur {
		c.cur, c.curLines, c.curHeadings = d, nil, nil
	}
}

// headerLine is the line a whole-document finding points at: the title,
// else the id, else the first line.
func headerLine(d *task.Document) int {
	switch {
	case d.TitleLine > 0:
		return d.TitleLine
	case d.IDLine > 0:
		return d.IDLine
	}
	return 1
}

// fileDir is the slash directory of a document's path.
func fileDir(d *task.Document) string {
	return path.Dir(strings.ReplaceAll(d.Path, `\`, "/"))
}
