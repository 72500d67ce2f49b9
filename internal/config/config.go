// Package config reads taskproof.toml, the optional per-repository
// configuration. Every command works without it on the conventional layout
// (tasks/TASK-*.md); Default returns that layout.
package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/bmatcuk/doublestar/v4"
)

// FileName is the configuration file looked up at the repository root.
const FileName = "taskproof.toml"

// Config is the whole configuration. Paths are relative to the repository root.
type Config struct {
	Tasks    Tasks    `toml:"tasks"`
	Status   Status   `toml:"status"`
	Groups   []Group  `toml:"groups"`
	Proof    Proof    `toml:"proof"`
	Scope    Scope    `toml:"scope"`
	Hygiene  Hygiene  `toml:"hygiene"`
	Evidence Evidence `toml:"evidence"`
	Board    Board    `toml:"board"`
	Signers  []Signer `toml:"signers"`
	Trust    Trust    `toml:"trust"`
}

// Signer is a trusted signer of evidence ([[signers]]): a named public key
// and the statuses its evidence may set. Evidence signed by any other key
// is self-signed.
type Signer struct {
	Name string   `toml:"name"`
	Key  string   `toml:"key"` // public key file (PKIX PEM), relative to the root
	May  []string `toml:"may"` // statuses its evidence may set: Done, In Review
}

// Trust says when evidence must come from a signer allowed to sign it.
type Trust struct {
	// Require is "ci" (when $CI is set and [[signers]] names any),
	// "always" or "never".
	Require string `toml:"require"`
}

// Trust.Require values.
const (
	RequireCI     = "ci"
	RequireAlways = "always"
	RequireNever  = "never"
)

// Board configures how drift reads a hand-written board.
type Board struct {
	// Vocabulary maps words a board uses for its own states ("Queued",
	// "Next", "Proposed") to a status of the vocabulary, so that drift
	// checks rows that say them. Unmapped words are not status claims.
	Vocabulary map[string]string `toml:"vocabulary"`
}

// Tasks says where task documents live.
type Tasks struct {
	Dir      string `toml:"dir"`      // directory of TASK-*.md files
	Pattern  string `toml:"pattern"`  // file glob inside Dir
	Template string `toml:"template"` // template used by `new`
	Board    string `toml:"board"`    // generated board written by `board --write`
}

// Status is the status vocabulary: canonical names and aliases mapped to them.
type Status struct {
	Vocabulary []string          `toml:"vocabulary"`
	Aliases    map[string]string `toml:"aliases"` // lower-case alias -> canonical
}

// Group is a named set of tasks on the board. Tasks items are ids or
// ranges "TASK-0010..TASK-0011" (a range includes letter-suffixed ids).
type Group struct {
	Name  string   `toml:"name"`
	Tasks []string `toml:"tasks"`
}

// Proof lists what counts as a canonical proof command.
type Proof struct {
	Contract  string   `toml:"contract"`  // marker contract file
	Canonical []string `toml:"canonical"` // command globs allowed to run as proof
	// Inputs are globs of files proofs use that their commands do not name
	// (guest images built into an ignored build/): prove records their
	// digests, and the evidence is stale when one changes.
	Inputs []string `toml:"inputs"`
}

// Scope configures the touched-path check.
type Scope struct {
	AlwaysAllow []string `toml:"always_allow"` // paths every task may touch
}

// Hygiene configures the diff hygiene rules. Globs use doublestar syntax
// (**, *, ?, [..], {a,b}) on repository-relative paths; a glob matching a
// directory covers everything under it.
type Hygiene struct {
	DaemonPaths []string `toml:"daemon_paths"` // globs where unwrap/expect is forbidden; empty turns the rule off
	StubPaths   []string `toml:"stub_paths"`   // globs of files that are stubs (besides names containing stub/placeholder)
}

// Evidence bounds reading evidence bundles, which may come from others (CI
// artefacts, pull requests): a bundle file or entry above a limit is
// refused before it is read.
type Evidence struct {
	MaxBundleBytes int64 `toml:"max_bundle_bytes"` // a whole bundle file
	MaxEntryBytes  int64 `toml:"max_entry_bytes"`  // one entry (a log, a report)
}

// Default and largest evidence limits; package evidence reads bundles
// within them (evidence.LimitsOf).
const (
	DefaultMaxBundleBytes = 256 << 20 // a whole bundle file
	DefaultMaxEntryBytes  = 64 << 20  // one entry
	MaxEvidenceLimit      = 1<<33 - 1 // the largest size a ustar header can express
)

// DefaultDaemonPaths are where the template's "no unwrap/expect in daemons"
// applies when taskproof.toml does not say: daemon and service trees.
var DefaultDaemonPaths = []string{"**/daemons/**", "**/services/**"}

// DefaultStubPaths are directories of stubs.
var DefaultStubPaths = []string{"**/stubs/**"}

// minEvidenceLimit is the smallest evidence limit: below it no real bundle fits.
const minEvidenceLimit = 4096

// DefaultVocabulary is the template's status vocabulary.
var DefaultVocabulary = []string{"Draft", "In Progress", "In Review", "Done", "Blocked", "Deferred", "Superseded"}

// DefaultAliases maps spellings seen in real repositories to the vocabulary.
var DefaultAliases = map[string]string{
	"complete":    "Done",
	"completed":   "Done",
	"in-progress": "In Progress",
	"wip":         "In Progress",
	"in-review":   "In Review",
	"review":      "In Review",
}

// Default returns the configuration used when there is no taskproof.toml.
func Default() *Config {
	aliases := make(map[string]string, len(DefaultAliases))
	for k, v := range DefaultAliases {
		aliases[k] = v
	}
	return &Config{
		Tasks: Tasks{
			Dir:      "tasks",
			Pattern:  "TASK-*.md",
			Template: "tasks/TASK-TEMPLATE.md",
			Board:    "tasks/BOARD.md",
		},
		Status: Status{Vocabulary: append([]string(nil), DefaultVocabulary...), Aliases: aliases},
		Proof: Proof{
			Contract:  "proof/contract.toml",
			Canonical: []string{"taskproof run *", "go test *", "cargo test *", "./scripts/qemu-test.sh*"},
		},
		Scope: Scope{AlwaysAllow: []string{"go.sum", "Cargo.lock", "tasks/BOARD.md"}},
		Hygiene: Hygiene{
			DaemonPaths: append([]string(nil), DefaultDaemonPaths...),
			StubPaths:   append([]string(nil), DefaultStubPaths...),
		},
		Evidence: Evidence{MaxBundleBytes: DefaultMaxBundleBytes, MaxEntryBytes: DefaultMaxEntryBytes},
		Trust:    Trust{Require: RequireCI},
	}
}

// Parse reads a taskproof.toml. Fields that are absent keep their defaults;
// unknown keys are errors (a typo must not silently disable a check).
// name is used in error messages.
func Parse(name string, data []byte) (*Config, error) {
	c := Default()
	// Decode into a fresh value so that lists given in the file replace the
	// defaults instead of being merged element by element.
	var f Config
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s", name, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("%s: unknown key %s; see 'taskproof init' for the documented keys", name, strings.Join(keys, ", "))
	}
	// A key the file sets replaces the default; a list replaces it whole.
	set(md, &c.Tasks.Dir, f.Tasks.Dir, "tasks", "dir")
	set(md, &c.Tasks.Pattern, f.Tasks.Pattern, "tasks", "pattern")
	set(md, &c.Tasks.Template, f.Tasks.Template, "tasks", "template")
	set(md, &c.Tasks.Board, f.Tasks.Board, "tasks", "board")
	set(md, &c.Status.Vocabulary, f.Status.Vocabulary, "status", "vocabulary")
	for k, v := range f.Status.Aliases {
		c.Status.Aliases[strings.ToLower(k)] = v
	}
	set(md, &c.Groups, f.Groups, "groups")
	set(md, &c.Proof.Contract, f.Proof.Contract, "proof", "contract")
	set(md, &c.Proof.Canonical, f.Proof.Canonical, "proof", "canonical")
	set(md, &c.Proof.Inputs, f.Proof.Inputs, "proof", "inputs")
	set(md, &c.Scope.AlwaysAllow, f.Scope.AlwaysAllow, "scope", "always_allow")
	set(md, &c.Hygiene.DaemonPaths, f.Hygiene.DaemonPaths, "hygiene", "daemon_paths")
	set(md, &c.Hygiene.StubPaths, f.Hygiene.StubPaths, "hygiene", "stub_paths")
	set(md, &c.Evidence.MaxBundleBytes, f.Evidence.MaxBundleBytes, "evidence", "max_bundle_bytes")
	set(md, &c.Evidence.MaxEntryBytes, f.Evidence.MaxEntryBytes, "evidence", "max_entry_bytes")
	set(md, &c.Signers, f.Signers, "signers")
	set(md, &c.Trust.Require, f.Trust.Require, "trust", "require")
	for k, v := range f.Board.Vocabulary {
		if c.Board.Vocabulary == nil {
			c.Board.Vocabulary = map[string]string{}
		}
		c.Board.Vocabulary[strings.ToLower(k)] = v
	}
	if err := c.validate(name); err != nil {
		return nil, err
	}
	return c, nil
}

// set makes *dst v when the file defines key.
func set[T any](md toml.MetaData, dst *T, v T, key ...string) {
	if md.IsDefined(key...) {
		*dst = v
	}
}

func (c *Config) validate(name string) error {
	if c.Tasks.Dir == "" {
		return fmt.Errorf("%s: [tasks] dir is empty; set it to the directory holding TASK-*.md", name)
	}
	if len(c.Status.Vocabulary) == 0 {
		return fmt.Errorf("%s: [status] vocabulary is empty; list the canonical statuses", name)
	}
	canon := map[string]bool{}
	for _, v := range c.Status.Vocabulary {
		canon[v] = true
	}
	keys := make([]string, 0, len(c.Status.Aliases))
	for k := range c.Status.Aliases {
		keys = append(keys, k)
	}
	sort.Strings(keys) // report the first bad alias deterministically
	for _, k := range keys {
		if v := c.Status.Aliases[k]; !canon[v] {
			return fmt.Errorf("%s: [status.aliases] %q maps to %q, which is not in the vocabulary", name, k, v)
		}
	}
	keys = keys[:0]
	for k := range c.Board.Vocabulary {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := c.Board.Vocabulary[k]; !canon[v] {
			return fmt.Errorf("%s: [board.vocabulary] %q maps to %q, which is not in the [status] vocabulary; use one of %s", name, k, v, strings.Join(c.Status.Vocabulary, ", "))
		}
	}
	for _, l := range []struct {
		key   string
		globs []string
	}{
		{"[scope] always_allow", c.Scope.AlwaysAllow},
		{"[hygiene] daemon_paths", c.Hygiene.DaemonPaths},
		{"[hygiene] stub_paths", c.Hygiene.StubPaths},
		{"[proof] inputs", c.Proof.Inputs},
	} {
		for _, g := range l.globs {
			if strings.TrimSpace(g) == "" {
				return fmt.Errorf("%s: %s has an empty entry; remove it", name, l.key)
			}
			if !doublestar.ValidatePattern(g) {
				return fmt.Errorf("%s: %s entry %q is not a valid glob (unbalanced [ or {); use doublestar syntax such as \"source/services/**\"", name, l.key, g)
			}
		}
	}
	for _, l := range []struct {
		key string
		n   int64
	}{{"max_bundle_bytes", c.Evidence.MaxBundleBytes}, {"max_entry_bytes", c.Evidence.MaxEntryBytes}} {
		if l.n < minEvidenceLimit || l.n > MaxEvidenceLimit {
			return fmt.Errorf("%s: [evidence] %s = %d: expected a byte count from %d to %d", name, l.key, l.n, minEvidenceLimit, int64(MaxEvidenceLimit))
		}
	}
	if c.Evidence.MaxEntryBytes > c.Evidence.MaxBundleBytes {
		return fmt.Errorf("%s: [evidence] max_entry_bytes (%d) is above max_bundle_bytes (%d); an entry cannot be larger than its bundle", name, c.Evidence.MaxEntryBytes, c.Evidence.MaxBundleBytes)
	}
	if err := c.validateSigners(name, canon); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, g := range c.Groups {
		if g.Name == "" {
			return fmt.Errorf("%s: [[groups]] entry %d has no name", name, i+1)
		}
		if seen[g.Name] {
			return fmt.Errorf("%s: group %q is defined twice", name, g.Name)
		}
		seen[g.Name] = true
	}
	return nil
}
