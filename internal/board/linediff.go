package board

import (
	"fmt"
	"strings"
)

// maxEdits bounds the Myers search; beyond it the diff shows the whole
// differing middle as removed and added, which is still a correct diff.
const maxEdits = 1000

type editOp struct {
	kind byte // ' ', '-', '+'
	text string
}

// LineDiff returns a unified-style diff (3 lines of context) from old to
// new, or "" when they are equal. Lines are compared exactly; a missing
// final newline is not reported separately.
func LineDiff(oldName, newName string, old, new []byte) string {
	a, b := splitLines(string(old)), splitLines(string(new))
	ops := diffLines(a, b)
	changed := false
	for _, op := range ops {
		if op.kind != ' ' {
			changed = true
			break
		}
	}
	if !changed {
		if string(old) != string(new) {
			return fmt.Sprintf("--- %s\n+++ %s\n(only the final newline differs)\n", oldName, newName)
		}
		return ""
	}
	var w strings.Builder
	fmt.Fprintf(&w, "--- %s\n+++ %s\n", oldName, newName)
	const context = 3
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-context, 0)
		end := i
		// Extend the hunk while the next change is within 2*context lines.
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			j := end
			for j < len(ops) && ops[j].kind == ' ' {
				j++
			}
			if j < len(ops) && j-end <= 2*context {
				end = j
				continue
			}
			end = min(end+context, len(ops))
			break
		}
		h := ops[start:end]
		aStart, bStart, aLen, bLen := hunkRange(ops, start, h)
		fmt.Fprintf(&w, "@@ -%s +%s @@\n", rangeSpec(aStart, aLen), rangeSpec(bStart, bLen))
		for _, op := range h {
			fmt.Fprintf(&w, "%c%s\n", op.kind, op.text)
		}
		i = end
	}
	return w.String()
}

// hunkRange computes 1-based start lines and lengths of a hunk.
func hunkRange(ops []editOp, start int, h []editOp) (aStart, bStart, aLen, bLen int) {
	// The position in each file just before the hunk.
	aPos, bPos := 0, 0
	for _, op := range ops[:start] {
		if op.kind != '+' {
			aPos++
		}
		if op.kind != '-' {
			bPos++
		}
	}
	for _, op := range h {
		if op.kind != '+' {
			aLen++
		}
		if op.kind != '-' {
			bLen++
		}
	}
	aStart, bStart = aPos+1, bPos+1
	if aLen == 0 {
		aStart = aPos
	}
	if bLen == 0 {
		bStart = bPos
	}
	return
}

func rangeSpec(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n")
}

// diffLines computes a shortest edit script with Myers' algorithm after
// trimming the common prefix and suffix.
func diffLines(a, b []string) []editOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []editOp
	for i := 0; i < pre; i++ {
		ops = append(ops, editOp{' ', a[i]})
	}
	ops = append(ops, myers(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for i := 0; i < suf; i++ {
		ops = append(ops, editOp{' ', a[len(a)-suf+i]})
	}
	return ops
}

// myers diffs a and b. It keeps the part of the V array each round used,
// for the backtrack; the number of rounds is bounded by maxEdits.
func myers(a, b []string) []editOp {
	n, m := len(a), len(b)
	whole := func() []editOp {
		var ops []editOp
		for _, s := range a {
			ops = append(ops, editOp{'-', s})
		}
		for _, s := range b {
			ops = append(ops, editOp{'+', s})
		}
		return ops
	}
	if n == 0 || m == 0 {
		return whole()
	}
	limit := min(n+m, maxEdits)
	vOff := limit + 1
	v := make([]int, 2*limit+3)
	var trace [][]int
	found := false
	for d := 0; d <= limit && !found; d++ {
		// Round d reads k-1 and k+1 for |k| <= d: keep just that window.
		trace = append(trace, append([]int(nil), v[vOff-d-1:vOff+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[vOff+k-1] < v[vOff+k+1] {
				x = v[vOff+k+1]
			} else {
				x = v[vOff+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[vOff+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	if !found {
		return whole()
	}
	var rev []editOp
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		vd := trace[d]
		at := func(k int) int { return vd[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || k != d && at(k-1) < at(k+1) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			rev = append(rev, editOp{' ', a[x-1]})
			x--
			y--
		}
		if d > 0 {
			if x == prevX {
				rev = append(rev, editOp{'+', b[y-1]})
			} else {
				rev = append(rev, editOp{'-', a[x-1]})
			}
		}
		x, y = prevX, prevY
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}
