package cli

import (
	"sort"
	"strings"
)

// Suggestion is ` (did you mean "x"?)` for the candidate closest to
// typed, when one is close enough to be a typo (edit distance at most 2,
// and less than half the word), else "". Of equally close candidates one
// with typed's first letter wins (people rarely mistype that), then the
// first in order.
func Suggestion(typed string, candidates []string) string {
	best, bestD := "", 3
	rank := func(c string, d int) int {
		r := d * 2
		if c == "" || typed == "" || c[0] != typed[0] {
			r++
		}
		return r
	}
	for _, c := range candidates {
		d := editDistance(strings.ToLower(typed), strings.ToLower(c))
		if d <= 2 && (best == "" || rank(c, d) < rank(best, bestD)) {
			best, bestD = c, d
		}
	}
	if best == "" || bestD*2 >= len(best) {
		return ""
	}
	return ` (did you mean "` + best + `"?)`
}

// editDistance is the Levenshtein distance, with a swap of two adjacent
// letters counting as one edit ("lnit" for "lint").
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// commandNames lists the names of c's subcommands, sorted.
func commandNames(c *Command) []string {
	names := make([]string, len(c.Subs))
	for i, s := range c.Subs {
		names[i] = s.Name
	}
	sort.Strings(names)
	return names
}

// flagSuggestion is the did-you-mean of an unknown flag in a flag
// package error ("flag provided but not defined: -formt"), "" otherwise.
func (f *FlagSet) flagSuggestion(err error) string {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: ")
	if !ok {
		return ""
	}
	name = strings.TrimLeft(name, "-")
	var names []string
	for _, d := range FlagDocs(f.FlagSet) {
		names = append(names, d.Name)
	}
	s := Suggestion(name, names)
	if s == "" {
		return ""
	}
	// Show the flag as typed: --name (or -x).
	for _, d := range FlagDocs(f.FlagSet) {
		if strings.Contains(s, `"`+d.Name+`"`) {
			return ` (did you mean "` + d.Dashed() + `"?)`
		}
	}
	return s
}
