package evidence

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Format identifiers written into every bundle.
const (
	// StatementType is the in-toto Statement v1 type URI.
	StatementType = "https://in-toto.io/Statement/v1"
	// PredicateType names taskproof's predicate; v1 is the layout of Predicate.
	PredicateType = "https://taskproof.dev/evidence/v1"
	// PayloadType is the DSSE payload type of an in-toto statement.
	PayloadType = "application/vnd.in-toto+json"
)

// Verdicts of the whole proof (Predicate.Verdict) and of one item (Item.Verdict).
const (
	Proven = "proven"  // the item (or every item) was demonstrated
	Failed = "failed"  // the item ran and did not pass
	NotRun = "not_run" // the item was not attempted (items only)
)

// Item kinds: which check decided an item.
const (
	KindMarker  = "marker"  // marker ladder through the harness and the contract
	KindTest    = "test"    // a required test in parsed test results
	KindScope   = "scope"   // touched paths inside the allowlist
	KindHygiene = "hygiene" // diff hygiene (secrets, debris)
	KindCommand = "command" // a proof command's exit status alone
)

// Statement is an in-toto Statement v1 whose predicate is a Predicate.
type Statement struct {
	Type          string    `json:"_type"`
	Subject       []Subject `json:"subject"`
	PredicateType string    `json:"predicateType"`
	Predicate     Predicate `json:"predicate"`
}

// Subject is one file of the bundle: its entry path ("files/NAME") and digest.
type Subject struct {
	Name   string    `json:"name"`
	Digest DigestSet `json:"digest"`
}

// DigestSet is an in-toto digest set; taskproof writes and requires sha256.
type DigestSet struct {
	SHA256 string `json:"sha256"`
}

// Predicate is what a bundle claims. Every field except Run is a function of
// the commit and the proof's inputs, so proving the same commit twice yields
// the same Predicate.WithoutRun().
type Predicate struct {
	TaskID             string `json:"task_id"`
	Commit             string `json:"commit"`               // full hex object id the proof ran on
	ContractHash       string `json:"contract_hash"`        // contract.Contract.Hash(), "" when no contract applies
	AllowlistHash      string `json:"allowlist_hash"`       // HashAllowlistedContent of the allowlisted paths
	StopConditionsHash string `json:"stop_conditions_hash"` // HashText of the Stop conditions section
	Verdict            string `json:"verdict"`              // Proven or Failed
	Items              []Item `json:"items"`                // in Definition-of-Done order
	Run                Run    `json:"run"`                  // run-specific, excluded from determinism
}

// Item is the verdict on one Definition-of-Done item.
type Item struct {
	Item    string `json:"item"`    // DoD item text or id
	Kind    string `json:"kind"`    // KindMarker, KindTest, ...
	Verdict string `json:"verdict"` // Proven, Failed or NotRun
	Reason  string `json:"reason"`  // why, in one line; may be "" for proven items
}

// Run holds the declared run-specific fields: the only part of a bundle's
// statement allowed to differ between two proofs of the same commit.
type Run struct {
	StartedAt  string `json:"started_at"`  // RFC 3339, UTC
	DurationMS int64  `json:"duration_ms"` // wall time of the whole proof
	Host       string `json:"host"`        // host name the proof ran on
	Tools      []Tool `json:"tools"`       // tool versions, in the order the caller lists them
	// Proofs name the run behind each proof command: one run proves
	// every task that names it, and a passing run whose inputs did not
	// change is reused rather than run again.
	Proofs []RunRef `json:"proofs,omitempty"`
}

// RunRef names the run that proved a proof command.
type RunRef struct {
	N      int    `json:"n"`                // the proof command (config.json's step n)
	Run    string `json:"run"`              // the run's id: the same command, env, contract and profile
	Exec   string `json:"exec"`             // the execution whose output the files hold
	Commit string `json:"commit"`           // the commit that execution ran on
	Reused string `json:"reused,omitempty"` // "cache" or the lane result it came from; "" when it ran in this prove
}

// Tool is one tool's version as the proof saw it.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// WithoutRun returns p with Run cleared: the deterministic part of a predicate.
func (p Predicate) WithoutRun() Predicate {
	p.Run = Run{}
	p.Items = append([]Item(nil), p.Items...)
	return p
}

// Compiled on first use, not at package init: init runs in every taskproof
// process, most of which never need these.
var (
	commitRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`) })
	hashRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+:[0-9a-f]+$`) })
)

// Validate reports the first way p breaks the v1 predicate rules: required
// fields, the verdict vocabularies, and an overall verdict that agrees with
// the items (proven only when there are items and all are proven).
func (p Predicate) Validate() error {
	if strings.TrimSpace(p.TaskID) == "" {
		return fmt.Errorf("predicate: task_id is empty")
	}
	if !commitRE().MatchString(p.Commit) {
		return fmt.Errorf("predicate: commit %q is not a full lowercase hex object id (git rev-parse HEAD)", p.Commit)
	}
	for _, h := range []struct{ name, v string }{
		{"contract_hash", p.ContractHash},
		{"allowlist_hash", p.AllowlistHash},
		{"stop_conditions_hash", p.StopConditionsHash},
	} {
		if h.v != "" && !hashRE().MatchString(h.v) {
			return fmt.Errorf("predicate: %s %q is not ALGO:HEX (e.g. %s)", h.name, h.v, HashText(""))
		}
	}
	if len(p.Items) == 0 {
		return fmt.Errorf("predicate: no items; evidence must judge at least one Definition-of-Done item")
	}
	allProven := true
	for i, it := range p.Items {
		if strings.TrimSpace(it.Item) == "" {
			return fmt.Errorf("predicate: item %d has empty text", i+1)
		}
		switch it.Kind {
		case KindMarker, KindTest, KindScope, KindHygiene, KindCommand:
		default:
			return fmt.Errorf("predicate: item %d (%s): kind %q is not one of marker, test, scope, hygiene, command", i+1, it.Item, it.Kind)
		}
		switch it.Verdict {
		case Proven:
		case Failed, NotRun:
			allProven = false
		default:
			return fmt.Errorf("predicate: item %d (%s): verdict %q is not one of proven, failed, not_run", i+1, it.Item, it.Verdict)
		}
	}
	switch p.Verdict {
	case Proven:
		if !allProven {
			return fmt.Errorf("predicate: verdict is proven but not every item is proven")
		}
	case Failed:
		if allProven {
			return fmt.Errorf("predicate: verdict is failed but every item is proven")
		}
	default:
		return fmt.Errorf("predicate: verdict %q is not proven or failed", p.Verdict)
	}
	return nil
}

// marshalJSON encodes v with two-space indent, no HTML escaping and a
// trailing newline: the stable form of every JSON file in a bundle.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
