package prove

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/ledger"
)

// Mismatch is one thing a re-run saw differently from what a bundle
// claims.
type Mismatch struct {
	// What names the item or file: "marker minios: timer ready",
	// "markers of proof 1", "test TestAdd", "inputs".
	What   string `json:"what"`
	Claim  string `json:"claim"`  // what the bundle says
	Rerun  string `json:"rerun"`  // what the re-run saw
	Detail string `json:"detail"` // why it matters, or ""
	// Flaky: the run history has seen this item both proven and not on
	// the bundle's commit, so the difference may be chance, not forgery.
	Flaky bool `json:"flaky"`
}

func (m Mismatch) String() string {
	s := fmt.Sprintf("%s: the bundle says %s, the re-run %s", m.What, m.Claim, m.Rerun)
	if m.Flaky {
		s = "FLAKY " + s
	}
	if m.Detail != "" {
		s += " (" + m.Detail + ")"
	}
	return s
}

// Rechecked is what a re-run of a bundle's proof commands is compared
// on: its items and the files of each proof command.
type Rechecked struct {
	Items []evidence.Item
	// File returns an evidence file the re-run wrote (markers/N.jsonl,
	// tests/N.json), ok false when it wrote none.
	File func(name string) ([]byte, bool)
	// Inputs is the re-run's inputs.json (the digests of the files its
	// proof commands ran or booted, taken in the clean worktree after the
	// run); nil when it was not taken, and then inputs are not compared.
	Inputs []byte
}

// ClaimedFile reads an evidence file of the bundle; ok false when it has
// none.
type ClaimedFile func(name string) ([]byte, bool)

// Compare lists, in the bundle's item order, every difference between
// what the bundle claims and what the re-run saw: the verdict of each
// marker, test and command item (scope and hygiene depend on the base
// branch, not on the proof, and are left out), items one side lacks, the
// sequence of markers each proof command's console showed, and each
// test's outcome. It is pure.
func Compare(claimed evidence.Predicate, claimedFile ClaimedFile, n int, re Rechecked) []Mismatch {
	var out []Mismatch
	proof := func(kind string) bool { return kind != evidence.KindScope && kind != evidence.KindHygiene }
	key := func(it evidence.Item) string { return it.Kind + " " + it.Item }
	rerun := map[string]evidence.Item{}
	for _, it := range re.Items {
		if proof(it.Kind) {
			rerun[key(it)] = it
		}
	}
	seen := map[string]bool{}
	for _, it := range claimed.Items {
		if !proof(it.Kind) {
			continue
		}
		k := key(it)
		seen[k] = true
		got, ok := rerun[k]
		switch {
		case !ok:
			out = append(out, Mismatch{What: k, Claim: it.Verdict, Rerun: "has no such item", Detail: "the bundle's Definition of Done is not its commit's"})
		case got.Verdict != it.Verdict:
			out = append(out, Mismatch{What: k, Claim: it.Verdict, Rerun: verdictText(got), Detail: reasonOf(got)})
		}
	}
	for _, it := range re.Items {
		if proof(it.Kind) && !seen[key(it)] {
			out = append(out, Mismatch{What: key(it), Claim: "nothing (no such item)", Rerun: verdictText(it), Detail: "the bundle's Definition of Done is not its commit's"})
		}
	}
	if c, ok := claimedFile(evidence.InputsName); ok && re.Inputs != nil {
		out = append(out, compareInputs(c, re.Inputs)...)
	}
	for i := 1; i <= n; i++ {
		name := evidence.MarkersName(i)
		c, cok := claimedFile(name)
		r, rok := re.File(name)
		if cok || rok {
			cs, rs := markerSequence(c), markerSequence(r)
			if !slices.Equal(cs, rs) {
				out = append(out, Mismatch{What: fmt.Sprintf("markers of proof %d", i), Claim: seqText(cs), Rerun: "saw " + seqText(rs),
					Detail: firstDifference(cs, rs)})
			}
		}
		name = evidence.TestsName(i)
		c, cok = claimedFile(name)
		r, rok = re.File(name)
		if cok || rok {
			out = append(out, compareTests(i, c, r)...)
		}
	}
	return out
}

func verdictText(it evidence.Item) string {
	return strings.ReplaceAll(it.Verdict, "_", " ")
}

func reasonOf(it evidence.Item) string { return it.Reason }

// markerSequence is the markers a trace (markers/N.jsonl) saw, in order;
// unreadable lines are kept as "?" so that an edited trace still differs.
func markerSequence(data []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var m evidence.MarkerLine
		if json.Unmarshal(line, &m) != nil || m.Marker == "" {
			out = append(out, "?")
			continue
		}
		out = append(out, m.Marker)
	}
	return out
}

func seqText(s []string) string {
	if len(s) == 0 {
		return "no marker"
	}
	return strings.Join(s, " → ")
}

// firstDifference names the first position where two marker sequences
// differ.
func firstDifference(a, b []string) string {
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			switch {
			case x == "":
				return fmt.Sprintf("marker %d: the re-run saw %q, the bundle nothing", i+1, y)
			case y == "":
				return fmt.Sprintf("marker %d: the bundle has %q, the re-run never saw it", i+1, x)
			}
			return fmt.Sprintf("marker %d: the bundle has %q, the re-run saw %q", i+1, x, y)
		}
	}
	return ""
}

// compareTests compares the outcome of every test case of proof n.
func compareTests(n int, claimed, rerun []byte) []Mismatch {
	c, cerr := testOutcomes(claimed)
	r, rerr := testOutcomes(rerun)
	what := fmt.Sprintf("tests of proof %d", n)
	if cerr != nil || rerr != nil {
		if cerr != nil && rerr != nil {
			return nil
		}
		return []Mismatch{{What: what, Claim: errText(cerr, "results"), Rerun: errText(rerr, "results")}}
	}
	var out []Mismatch
	for _, name := range sortedKeys(c, r) {
		cv, rv := c[name], r[name]
		if cv != rv {
			out = append(out, Mismatch{What: "test " + name, Claim: orMissing(cv), Rerun: orMissing(rv)})
		}
	}
	return out
}

func errText(err error, ok string) string {
	if err != nil {
		return "no readable results"
	}
	return ok
}

func orMissing(s string) string {
	if s == "" {
		return "no such test"
	}
	return s
}

// testOutcomes maps "suite/name" to outcome in a tests/N.json.
func testOutcomes(data []byte) (map[string]string, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("no test results")
	}
	var t evidence.Tests
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, c := range t.Cases {
		name := c.Name
		if c.Suite != "" {
			name = c.Suite + "/" + c.Name
		}
		if prev, dup := out[name]; dup && prev != string(c.Outcome) {
			out[name] = prev + "," + string(c.Outcome)
			continue
		}
		out[name] = string(c.Outcome)
	}
	return out, nil
}

func sortedKeys(a, b map[string]string) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// Rechecked is j as Compare takes it: its items and the files its proof
// commands wrote.
func (j *Judgement) Rechecked() Rechecked {
	files := map[string][]byte{}
	for _, st := range j.Task.Steps {
		for _, f := range st.result().Files {
			files[f.Name] = f.Data
		}
	}
	return Rechecked{Items: j.Items, File: func(name string) ([]byte, bool) {
		d, ok := files[name]
		return d, ok
	}}
}

// Recheck-side details of an input that differs; see compareInputs.
const (
	inputMissingRerun = "did not have it: git does not track it at the bundle's commit and the re-run did not make it"
	inputMissingFix   = "make the proof command build it, or narrow [proof] inputs to the files the proof uses"
	inputDiffers      = "the file the bundle's proof ran or booted is not the one the commit gives; an input the proof builds must build byte for byte the same"
)

// compareInputs compares the bundle's inputs.json with the re-run's, by
// path: a digest that differs, an input the clean worktree did not have
// (an ignored file the proof did not rebuild) and an input only the
// re-run used are each a mismatch, in path order. An inputs.json that does
// not parse is one mismatch naming the side.
func compareInputs(claimed, rerun []byte) []Mismatch {
	parse := func(data []byte) (map[string]string, error) {
		var in evidence.Inputs
		if err := json.Unmarshal(data, &in); err != nil {
			return nil, err
		}
		m := map[string]string{}
		for _, f := range in.Files {
			m[f.Path] = f.SHA256
		}
		return m, nil
	}
	c, err := parse(claimed)
	if err != nil {
		return []Mismatch{{What: "inputs", Claim: "an unreadable " + evidence.InputsName, Rerun: "cannot be compared with it", Detail: err.Error()}}
	}
	r, err := parse(rerun)
	if err != nil {
		return []Mismatch{{What: "inputs", Claim: "its inputs", Rerun: "wrote an unreadable " + evidence.InputsName, Detail: err.Error()}}
	}
	digest := func(s string) string {
		if s == "" {
			return "the file was gone"
		}
		return "sha256:" + s
	}
	var out []Mismatch
	for _, p := range sortedKeys(c, r) {
		cs, inC := c[p]
		rs, inR := r[p]
		switch {
		case !inR:
			out = append(out, Mismatch{What: "input " + p, Claim: digest(cs), Rerun: inputMissingRerun, Detail: inputMissingFix})
		case !inC:
			out = append(out, Mismatch{What: "input " + p, Claim: "nothing (no such input)", Rerun: "used " + digest(rs), Detail: "the bundle's inputs are not its commit's"})
		case cs != rs:
			out = append(out, Mismatch{What: "input " + p, Claim: digest(cs), Rerun: "used " + digest(rs), Detail: inputDiffers})
		}
	}
	return out
}

// RecheckedOf is j (a judgement of p's re-run) as Compare takes it,
// with the digests of the inputs the re-run's proof commands used.
func (p *Plan) RecheckedOf(j *Judgement) (Rechecked, error) {
	re := j.Rechecked()
	f, err := p.inputsFile(j.Task)
	if err != nil {
		return Rechecked{}, fmt.Errorf("digest the re-run's proof inputs: %w", err)
	}
	re.Inputs = f.Data
	return re, nil
}

// Steps is the number of proof commands of j's task.
func (j *Judgement) Steps() int { return len(j.Task.Steps) }

// RecordRecheck stores a recheck of the bundle at bundlePath (digest
// digest) in the run history under root: the re-run's items, markers
// and tests, for the bundle's commit (the worktree the re-run ran in is
// gone by the time anyone reads it), with argv saying it was a recheck.
func (p *Plan) RecordRecheck(ctx context.Context, j *Judgement, root, bundlePath, digest string, argv []string) error {
	run := p.ledgerRun(ctx, j, &Sealed{Path: bundlePath, Digest: digest}, argv)
	run.Commit, run.Dirty = j.Task.Inputs.Commit, false
	l, err := ledger.Open(ledger.DefaultPath(root))
	if err != nil {
		return err
	}
	if _, err := l.Record(ctx, run); err != nil {
		l.Close()
		return err
	}
	return l.Close()
}

// MarkFlaky marks the mismatches of items whose verdict varied among the
// history's runs of commit (ledger.Ledger.History of the task), adding
// the counts to their detail: such a difference is reported as flaky.
func MarkFlaky(ms []Mismatch, history []ledger.Run, commit string) {
	counts := map[string]map[string]int{} // "kind item" -> verdict -> runs
	for _, r := range history {
		if r.Commit != commit {
			continue
		}
		for _, it := range r.Items {
			k := it.Kind + " " + it.Item
			if counts[k] == nil {
				counts[k] = map[string]int{}
			}
			counts[k][it.Verdict]++
		}
	}
	for i, m := range ms {
		c := counts[m.What]
		if len(c) < 2 {
			continue
		}
		var parts []string
		for _, v := range []string{evidence.Proven, evidence.Failed, "not_run"} {
			if c[v] > 0 {
				parts = append(parts, fmt.Sprintf("%s %d times", strings.ReplaceAll(v, "_", " "), c[v]))
			}
		}
		ms[i].Flaky = true
		note := "flaky: on this commit the run history has it " + strings.Join(parts, ", ")
		if m.Detail != "" {
			note = m.Detail + "; " + note
		}
		ms[i].Detail = note
	}
}

// BindingMismatches compares the inputs the bundle binds with its commit's:
// a bundle whose Stop conditions, contract or allowlisted content are not
// those of the commit it names was made elsewhere (transplanted).
func BindingMismatches(p evidence.Predicate, cur evidence.Current) []Mismatch {
	var out []Mismatch
	for _, c := range []struct{ what, claim, have string }{
		{"Stop conditions", p.StopConditionsHash, cur.StopConditionsHash},
		{"contract", p.ContractHash, cur.ContractHash},
		{"allowlisted files", p.AllowlistHash, cur.AllowlistHash},
	} {
		if c.claim != c.have {
			out = append(out, Mismatch{What: "inputs: " + c.what, Claim: c.claim, Rerun: "found " + c.have + " at that commit",
				Detail: "the bundle was not made from its commit's tree"})
		}
	}
	return out
}
