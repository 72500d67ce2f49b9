package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Current is what the repository looks like now, computed by the caller
// with the same helpers prove used (HashAllowlistedContent, HashText,
// contract.Contract.Hash).
type Current struct {
	Commit             string // HEAD; "" to judge by content alone (the board)
	ContractHash       string
	AllowlistHash      string
	StopConditionsHash string
}

// Staleness lists why evidence with predicate pred no longer speaks for the
// repository in state cur, one reason per changed input; empty means fresh.
// A different commit counts only when cur.Commit is set: the board asks
// "did anything the proof covered change?", status set asks "is this the
// evidence for HEAD?".
func Staleness(pred Predicate, cur Current) []string {
	var out []string
	if cur.Commit != "" && cur.Commit != pred.Commit {
		out = append(out, fmt.Sprintf("the evidence is for commit %s, not the current commit %s", short(pred.Commit), short(cur.Commit)))
	}
	for _, c := range []struct{ what, was, now string }{
		{"allowlisted paths changed", pred.AllowlistHash, cur.AllowlistHash},
		{"the contract changed", pred.ContractHash, cur.ContractHash},
		{"the task's Stop conditions changed", pred.StopConditionsHash, cur.StopConditionsHash},
	} {
		if c.was != c.now {
			out = append(out, fmt.Sprintf("%s since the evidence (hash %s → %s)", c.what, short(c.was), short(c.now)))
		}
	}
	return out
}

// HashAllowlistedContent is "sha256:" and the hex SHA-256 over files in
// name order, each framed as name, NUL, decimal length, NUL, content (the
// framing contract.Contract.Hash uses), so no two different file sets
// share a hash. Pass every file under the task's allowlist, with paths
// relative to the repository root and slash-separated; a deleted file is
// simply absent. The input slice is not modified.
func HashAllowlistedContent(files []File) string {
	sorted := append([]File(nil), files...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	h := sha256.New()
	for _, f := range sorted {
		fmt.Fprintf(h, "%s\x00%d\x00", f.Name, len(f.Data))
		h.Write(f.Data)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// HashText is "sha256:" and the hex SHA-256 of s with line endings
// normalised to \n and trailing whitespace of each line and of the whole
// text removed, so re-saving a file with CRLF or an editor's trailing
// spaces does not make evidence stale, while any change of words does.
func HashText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	s = strings.TrimRight(strings.Join(lines, "\n"), "\n")
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}
