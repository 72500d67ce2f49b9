package verify

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Defaults for Options and Spec fields left zero.
const (
	DefaultMaxLineBytes     = 64 << 10
	DefaultExcerptLines     = 5
	DefaultExcerptLineBytes = 240
	DefaultMaxSeen          = 10000
	// observationTextBytes caps Observation.Text.
	observationTextBytes = 256
	// MaxNearMisses is how many near misses are kept per marker.
	MaxNearMisses = 3
	// MaxWarnings is how many undeclared failure lines Result.Warnings
	// keeps; the rest are counted.
	MaxWarnings = 100
	// lazyLiteralMax is how many literals make "few": few are found by
	// anchor bytes; of many, the long ones by eight-byte windows.
	lazyLiteralMax = 12
)

// Options tune a Verifier; the zero value is usable.
type Options struct {
	// OnObservation, when set, is called synchronously from Write for
	// every marker occurrence, also those beyond MaxSeen.
	OnObservation func(Observation)
	// ExcerptLines is how many lines before the offending line a failure
	// excerpt shows: 0 means DefaultExcerptLines, a negative value none.
	ExcerptLines int
	// ExcerptLineBytes caps each excerpt line; 0 means
	// DefaultExcerptLineBytes.
	ExcerptLineBytes int
	// MaxSeen caps Result.Seen: 0 means DefaultMaxSeen, a negative value
	// keeps none.
	MaxSeen int
	// KeepMatching goes on matching after a definite failure, so that
	// Seen and OnObservation report every later occurrence too (every
	// unexpected marker of a log, say). The verdict stays the first
	// failure. By default later lines are only counted.
	KeepMatching bool

	// Tests force the two-stage matching of large writes (parallel.go)
	// on small inputs.
	parallelMin, workers int
}

// Marker classes, also the order in which a segment is checked.
const (
	classForbidden = iota
	classAllowed
	classUnexpected
	numClasses
)

var classNames = [numClasses]string{"forbidden", "required or allowed", "unexpected"}

// cmarker is a compiled marker. Markers are numbered allowed first, then
// forbidden, then unexpected, each in declaration order, so a lower index
// is an earlier declaration within a class.
type cmarker struct {
	id       string
	text     string
	mode     Mode
	re       *regexp.Regexp
	kind     Kind
	phase    string
	phaseIdx int
	class    int
	required bool
	min, max int
	after    []int32
	afterIDs []string
	// afterIfSeen are markers that, if they appear, must come before this
	// one; precede is the reverse: markers that list this one there.
	afterIfSeen    []int32
	afterIfSeenIDs []string
	precede        []int32
	lit            int32 // literal id used as a prefilter, -1 when none
	where          string
	why            string
	// claims is true for markers whose line must not report a failure
	// (every kind but diag, fail); firstWord whether the text starts with
	// a word rune (the glue rule).
	claims    bool
	firstWord bool
	// group is the index of the Group the marker is a member of, -1 when
	// none.
	group int32
}

// cgroup is a compiled Group.
type cgroup struct {
	id       string
	members  []int32
	triggers []int32
	anyOf    bool
	why      string
}

// exactEntry is what an exact-text lookup finds, per class; -1 for none.
type exactEntry struct {
	cls [numClasses]int32
}

var noExact = exactEntry{cls: [numClasses]int32{-1, -1, -1}}

var errEmptyRequired = errors.New("verify: the spec has no required marker and no group that always applies; nothing to prove is never a pass")

// New compiles and validates spec. It fails on an empty required set,
// duplicate IDs, unknown or cyclic After references, markers whose text
// can never match, and invalid regular expressions.
func New(spec *Spec, opts Options) (*Verifier, error) {
	if spec == nil {
		return nil, errors.New("verify: nil spec")
	}
	if spec.MaxLineBytes < 0 {
		return nil, fmt.Errorf("verify: max line bytes is %d; want 0 (default %d) or more", spec.MaxLineBytes, DefaultMaxLineBytes)
	}
	v := &Verifier{opts: opts, maxLine: spec.MaxLineBytes, orderPred: -1, failOther: -1, failureLines: spec.FailureLines}
	if spec.FailureLines != FailureLinesWarn && spec.FailureLines != FailureLinesFail {
		return nil, fmt.Errorf("verify: unknown failure-lines policy %d", spec.FailureLines)
	}
	for _, u := range spec.Undeclared {
		if strings.TrimSpace(u) == "" {
			return nil, errors.New("verify: an undeclared-namespace prefix is empty; it would match every line")
		}
		v.undeclared = append(v.undeclared, []byte(u))
		v.nsFirst[u[0]] = true
	}
	if v.maxLine == 0 {
		v.maxLine = DefaultMaxLineBytes
	}
	switch {
	case opts.ExcerptLines == 0:
		v.excerptN = DefaultExcerptLines
	case opts.ExcerptLines > 0:
		v.excerptN = opts.ExcerptLines
	}
	v.excerptBytes = opts.ExcerptLineBytes
	if v.excerptBytes <= 0 {
		v.excerptBytes = DefaultExcerptLineBytes
	}
	switch {
	case opts.MaxSeen == 0:
		v.maxSeen = DefaultMaxSeen
	case opts.MaxSeen > 0:
		v.maxSeen = opts.MaxSeen
	}
	if err := v.compileMarkers(spec); err != nil {
		return nil, err
	}
	if err := v.compileLogPrefix(spec.LogPrefix); err != nil {
		return nil, err
	}
	v.setParallel(opts)
	v.ring = newExcerptRing(v.excerptN+1, v.excerptBytes)
	return v, nil
}

func (v *Verifier) compileMarkers(spec *Spec) error {
	groups := [numClasses][]Marker{classAllowed: spec.Markers, classForbidden: spec.Forbidden, classUnexpected: spec.Unexpected}
	order := [numClasses]int{classAllowed, classForbidden, classUnexpected}
	ids := map[string]int32{}
	for _, class := range order {
		for i := range groups[class] {
			m, err := compileMarker(&groups[class][i], class, i)
			if err != nil {
				return err
			}
			if prev, dup := ids[m.id]; dup {
				return fmt.Errorf("verify: marker %q%s: the id is also used by the marker%s", m.id, m.where, v.ms[prev].where)
			}
			ids[m.id] = int32(len(v.ms))
			v.ms = append(v.ms, m)
		}
	}
	v.nAllowed = len(spec.Markers)
	v.nForbidden = len(spec.Forbidden)
	// Phases: the spec's order, then phases only markers name, then "".
	phaseIdx := map[string]int{}
	for _, p := range spec.Phases {
		if _, dup := phaseIdx[p]; !dup {
			phaseIdx[p] = len(v.phases)
			v.phases = append(v.phases, p)
		}
	}
	for i := range v.ms {
		p := v.ms[i].phase
		if p == "" {
			continue
		}
		if _, ok := phaseIdx[p]; !ok {
			phaseIdx[p] = len(v.phases)
			v.phases = append(v.phases, p)
		}
	}
	phaseIdx[""] = len(v.phases)
	v.phases = append(v.phases, "")
	v.phaseRequired = make([][]int32, len(v.phases))
	v.phaseMissing = make([]int, len(v.phases))
	for i := range v.ms {
		m := &v.ms[i]
		m.phaseIdx = phaseIdx[m.phase]
		if m.required {
			v.required++
			v.phaseRequired[m.phaseIdx] = append(v.phaseRequired[m.phaseIdx], int32(i))
			v.phaseMissing[m.phaseIdx]++
		}
	}
	if err := v.compileGroups(spec.Groups, ids); err != nil {
		return err
	}
	if v.required == 0 && !v.alwaysGroup {
		return errEmptyRequired
	}
	// After edges.
	for i := range v.ms {
		m := &v.ms[i]
		src := m.afterIDs
		if len(src) > 0 && m.class != classAllowed {
			return fmt.Errorf("verify: marker %q%s: after is only checked on required or allowed markers, not on %s ones", m.id, m.where, classNames[m.class])
		}
		for _, a := range src {
			j, ok := ids[a]
			if !ok || v.ms[j].class != classAllowed {
				return fmt.Errorf("verify: marker %q%s: after names %q, which is not a required or allowed marker", m.id, m.where, a)
			}
			if int(j) == i {
				return fmt.Errorf("verify: marker %q%s: after names the marker itself", m.id, m.where)
			}
			m.after = append(m.after, j)
		}
		for _, a := range m.afterIfSeenIDs {
			j, ok := ids[a]
			if !ok || v.ms[j].class != classAllowed || m.class != classAllowed {
				return fmt.Errorf("verify: marker %q%s: after-if-seen names %q, which is not a required or allowed marker", m.id, m.where, a)
			}
			if int(j) == i {
				return fmt.Errorf("verify: marker %q%s: after-if-seen names the marker itself", m.id, m.where)
			}
			m.afterIfSeen = append(m.afterIfSeen, j)
			v.ms[j].precede = append(v.ms[j].precede, int32(i))
		}
	}
	if cycle := v.afterCycle(); cycle != "" {
		return fmt.Errorf("verify: after edges form a cycle, so no order can satisfy them: %s", cycle)
	}
	return v.buildIndexes()
}

func compileMarker(src *Marker, class, i int) (cmarker, error) {
	m := cmarker{
		id: src.ID, text: src.Text, mode: src.Mode, re: src.Pattern, kind: src.Kind,
		phase: src.Phase, class: class, required: src.Required, min: src.Min, max: src.Max, lit: -1,
		afterIDs: src.After, afterIfSeenIDs: src.AfterIfSeen, why: src.Why, group: -1,
		claims: src.Kind != KindDiag && src.Kind != KindFail,
	}
	if src.Source != "" {
		m.where = fmt.Sprintf(" (%s:%d)", src.Source, src.Line)
	} else {
		m.where = fmt.Sprintf(" (%s marker %d)", classNames[class], i+1)
	}
	if m.mode == Exact {
		m.text = strings.Trim(m.text, " \t")
	}
	if m.mode == Prefix {
		m.text = strings.TrimLeft(m.text, " \t")
	}
	if m.id == "" {
		m.id = m.text
		if m.id == "" && m.re != nil {
			m.id = m.re.String()
		}
	}
	switch m.mode {
	case Exact, Prefix, Substring:
		if m.text == "" {
			return m, fmt.Errorf("verify: marker %q%s: empty %s text would match every line", m.id, m.where, m.mode)
		}
		if strings.ContainsAny(m.text, "\n\r\x1b\x00") {
			return m, fmt.Errorf("verify: marker %q%s: text holds a newline, CR, ESC or NUL, which never survives line cleaning", m.id, m.where)
		}
	case Regex:
		if m.re == nil {
			if m.text == "" {
				return m, fmt.Errorf("verify: marker %q%s: regex marker without a pattern", m.id, m.where)
			}
			re, err := regexp.Compile(m.text)
			if err != nil {
				return m, fmt.Errorf("verify: marker %q%s: %w", m.id, m.where, err)
			}
			m.re = re
		}
	default:
		return m, fmt.Errorf("verify: marker %q%s: unknown match mode %d", m.id, m.where, int(m.mode))
	}
	if m.min < 0 || m.max < 0 {
		return m, fmt.Errorf("verify: marker %q%s: negative count (min %d, max %d)", m.id, m.where, m.min, m.max)
	}
	if m.required && class != classAllowed {
		return m, fmt.Errorf("verify: marker %q%s: a %s marker cannot be required", m.id, m.where, classNames[class])
	}
	if m.required && m.min == 0 {
		m.min = 1
	}
	if m.required && m.max > 0 && m.max < m.min {
		return m, fmt.Errorf("verify: marker %q%s: max %d is below min %d, so it can never pass", m.id, m.where, m.max, m.min)
	}
	m.firstWord = firstRuneIsWord(m.text)
	return m, nil
}

// compileGroups resolves group members and triggers. A member must be an
// allowed marker that is not required on its own and belongs to one group.
func (v *Verifier) compileGroups(groups []Group, ids map[string]int32) error {
	for gi, g := range groups {
		name := g.ID
		if name == "" {
			name = fmt.Sprintf("group %d", gi+1)
		}
		if len(g.Members) == 0 {
			return fmt.Errorf("verify: %s has no members; a group requires at least one marker", name)
		}
		cg := cgroup{id: name, anyOf: g.AnyOf, why: g.Why}
		for _, id := range g.Members {
			j, ok := ids[id]
			if !ok || v.ms[j].class != classAllowed {
				return fmt.Errorf("verify: %s: member %q is not a required or allowed marker", name, id)
			}
			m := &v.ms[j]
			if m.required {
				return fmt.Errorf("verify: %s: member %q is required on its own; a group member is required only through its group", name, id)
			}
			if m.group >= 0 {
				return fmt.Errorf("verify: %s: member %q is already a member of %s", name, id, v.groups[m.group].id)
			}
			m.group = int32(len(v.groups))
			if m.min == 0 {
				m.min = 1
			}
			cg.members = append(cg.members, j)
		}
		for _, id := range g.Triggers {
			j, ok := ids[id]
			if !ok || v.ms[j].class != classAllowed {
				return fmt.Errorf("verify: %s: trigger %q is not a required or allowed marker", name, id)
			}
			cg.triggers = append(cg.triggers, j)
		}
		if len(cg.triggers) == 0 {
			v.alwaysGroup = true
		}
		v.groups = append(v.groups, cg)
	}
	return nil
}

// afterCycle returns a cycle in the After edges as "a -> b -> a", or "".
func (v *Verifier) afterCycle() string {
	state := make([]uint8, len(v.ms)) // 0 new, 1 on stack, 2 done
	var stack []int32
	var found string
	var visit func(i int32) bool
	visit = func(i int32) bool {
		state[i] = 1
		stack = append(stack, i)
		for _, j := range append(v.ms[i].after[:len(v.ms[i].after):len(v.ms[i].after)], v.ms[i].afterIfSeen...) {
			if state[j] == 1 {
				var names []string
				k := len(stack) - 1
				for stack[k] != j {
					k--
				}
				for _, s := range stack[k:] {
					names = append(names, fmt.Sprintf("%q", v.ms[s].id))
				}
				names = append(names, fmt.Sprintf("%q", v.ms[j].id))
				found = strings.Join(names, " -> ")
				return true
			}
			if state[j] == 0 && visit(j) {
				return true
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = 2
		return false
	}
	for i := range v.ms {
		if state[i] == 0 && visit(int32(i)) {
			return found
		}
	}
	return ""
}

// buildIndexes builds the exact map, the prefix trie and the literal
// prefilters.
func (v *Verifier) buildIndexes() error {
	v.exact = map[string]exactEntry{}
	litID := map[string]int32{}
	addLit := func(s string, mi int32) int32 {
		id, ok := litID[s]
		if !ok {
			id = int32(len(v.lits))
			litID[s] = id
			v.lits = append(v.lits, []byte(s))
			v.litUsers = append(v.litUsers, nil)
		}
		v.litUsers[id] = append(v.litUsers[id], mi)
		return id
	}
	seenText := map[string]int32{} // class, mode, text -> first marker
	for i := range v.ms {
		m := &v.ms[i]
		mi := int32(i)
		if m.mode != Regex {
			key := fmt.Sprintf("%d/%d/%s", m.class, m.mode, m.text)
			if prev, dup := seenText[key]; dup {
				return fmt.Errorf("verify: markers %q%s and %q%s are both %s %s markers for the same text", v.ms[prev].id, v.ms[prev].where, m.id, m.where, classNames[m.class], m.mode)
			}
			seenText[key] = mi
		}
		switch m.mode {
		case Exact:
			e, ok := v.exact[m.text]
			if !ok {
				e = noExact
			}
			e.cls[m.class] = mi
			v.exact[m.text] = e
			n := len(m.text)
			v.maxExact = max(v.maxExact, n)
			// Glue and prefixes before a marker that ends its line: the
			// suffix trie finds every exact text that ends a segment.
			if v.suffix == nil {
				v.suffix = newPrefixTrie()
			}
			v.suffix.add(reverseString(m.text), mi)
			// A required marker's text at the start of a longer line is a
			// near miss ("SELFTEST: ipc ok FAIL"): the trie finds it.
			if m.class == classAllowed && (m.required || m.group >= 0) {
				if v.trie == nil {
					v.trie = newPrefixTrie()
				}
				v.trie.add(m.text, mi)
				v.needBody = true
			}
		case Prefix:
			if v.trie == nil {
				v.trie = newPrefixTrie()
			}
			v.trie.add(m.text, mi)
			v.needBody = true
		case Substring:
			m.lit = addLit(m.text, mi)
		case Regex:
			if lit, anchored := requiredLiteral(m.re.String()); anchored {
				// Every match starts with lit: the trie finds it.
				if v.trie == nil {
					v.trie = newPrefixTrie()
				}
				v.trie.add(lit, mi)
			} else if lit != "" {
				m.lit = addLit(lit, mi)
			} else {
				v.regexAlways = append(v.regexAlways, mi)
			}
		}
	}
	v.exactBloom = make([]uint64, (1<<bloomBits)/64)
	for t := range v.exact {
		k := exactKey([]byte(t))
		v.exactBloom[k/64] |= 1 << (k % 64)
	}
	// Few literals are found per chunk by anchor bytes (literalHits). Of
	// many, the long ones are found per segment by window hashes
	// (literalSet), and the rest by anchors too when they are few. (For a
	// handful of literals anchors measured faster than windows: about one
	// search per line against a probe every other byte.)
	var lazyIDs, setIDs []int32
	for id, l := range v.lits {
		if len(v.lits) > lazyLiteralMax && len(l) >= windowMinLiteral {
			setIDs = append(setIDs, int32(id))
		} else {
			lazyIDs = append(lazyIDs, int32(id))
		}
	}
	if len(lazyIDs) > lazyLiteralMax { // too many for anchors: the set takes them
		setIDs, lazyIDs = append(setIDs, lazyIDs...), nil
	}
	if len(lazyIDs) > 0 {
		v.lazy = true
		v.hits = newLiteralHits(v.lits, lazyIDs)
	}
	if len(setIDs) > 0 {
		v.litSet = newLiteralSet(v.lits, setIDs)
		v.litMark = make([]uint32, len(v.lits))
	}
	v.counts = make([]int, len(v.ms))
	v.quietEdges()
	return nil
}

func reverseString(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

func (v *Verifier) compileLogPrefix(re *regexp.Regexp) error {
	if re == nil {
		return nil
	}
	m, err := newAnchoredMatcher(re.String())
	if err != nil {
		return fmt.Errorf("verify: log prefix %q: %w", re.String(), err)
	}
	v.logPrefix = m
	return nil
}
