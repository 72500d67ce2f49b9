// Package scaffold generates the text of new files: the next task id and
// file name, a task document filled in from a template (`taskproof new`),
// and the commented taskproof.toml (`taskproof init`). It is pure: values
// in, bytes out; the CLI reads templates and writes files.
package scaffold

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/taskproof/taskproof/internal/task"
)

// NextID returns the id after the highest number in existing, ignoring
// letter suffixes (TASK-0003B counts as 3): TASK-0001 when there is none.
// Numbers are written with at least four digits.
func NextID(existing []task.ID) task.ID {
	high := 0
	for _, id := range existing {
		if n := id.Number(); n > high {
			high = n
		}
	}
	return task.ID(fmt.Sprintf("TASK-%04d", high+1))
}

// FollowUpID returns the id of a new follow-up of base: the same number
// with the letter after the highest suffix that number already has, B for
// the first (TASK-0003 -> TASK-0003B, then TASK-0003C). Ids carry one letter
// at most, so a follow-up of a follow-up (TASK-0003B) takes the next free
// letter of the same number too (TASK-0003C if only B exists); the parent
// link in the new document records which task it follows. It is an error
// when base is not a task id or Z is taken.
func FollowUpID(base task.ID, existing []task.ID) (task.ID, error) {
	n := base.Number()
	if n < 0 {
		return "", fmt.Errorf("follow-up of %q: not a task id (want TASK-NNNN or TASK-NNNNB)", base)
	}
	high := byte('A') // the plain id counts as A, so the first follow-up is B
	for _, id := range append([]task.ID{base}, existing...) {
		if id.Number() != n {
			continue
		}
		if s := id.Suffix(); s != "" && s[0] > high {
			high = s[0]
		}
	}
	if high >= 'Z' {
		return "", fmt.Errorf("follow-up of %s: every letter up to %sZ is taken; give the new task its own number (taskproof new without --follow-up)", base, numberPart(base))
	}
	return task.ID(numberPart(base) + string(rune(high+1))), nil
}

// numberPart is the id without its suffix ("TASK-0003" of "TASK-0003B").
func numberPart(id task.ID) string {
	return strings.TrimSuffix(string(id), id.Suffix())
}

// maxSlug bounds the slug so that file names stay readable in listings.
const maxSlug = 50

// Slug makes the file-name part of a title: ASCII, lower case, words joined
// by single hyphens, at most 50 bytes cut at a word boundary. Accented Latin
// letters lose their accents; other characters separate words. It is ""
// when the title has no letters or digits.
func Slug(title string) string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	for _, r := range title {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			cur.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			cur.WriteRune(r + ('a' - 'A'))
		case r >= utf8.RuneSelf:
			if s, ok := fold[r]; ok {
				cur.WriteString(s)
			} else {
				flush()
			}
		case r == '\'':
			// "don't" -> "dont": an apostrophe does not split a word.
		default:
			flush()
		}
	}
	flush()
	var b strings.Builder
	for _, w := range words {
		if len(w) > maxSlug {
			w = w[:maxSlug]
		}
		extra := len(w)
		if b.Len() > 0 {
			extra++
		}
		if b.Len()+extra > maxSlug {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(w)
	}
	return b.String()
}

// fold maps accented Latin letters to ASCII.
var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'À': "a", 'Á': "a", 'Â': "a", 'Ã': "a", 'Ä': "a", 'Å': "a",
	'æ': "ae", 'Æ': "ae", 'ç': "c", 'Ç': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'È': "e", 'É': "e", 'Ê': "e", 'Ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'Ì': "i", 'Í': "i", 'Î': "i", 'Ï': "i",
	'ñ': "n", 'Ñ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'Ò': "o", 'Ó': "o", 'Ô': "o", 'Õ': "o", 'Ö': "o", 'Ø': "o",
	'œ': "oe", 'Œ': "oe", 'ß': "ss",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'Ù': "u", 'Ú': "u", 'Û': "u", 'Ü': "u",
	'ý': "y", 'ÿ': "y", 'Ý': "y",
}

// FileName is the file name of a new task: TASK-NNNN-slug.md, or
// TASK-NNNN.md when the title gives no slug.
func FileName(id task.ID, title string) string {
	if s := Slug(title); s != "" {
		return string(id) + "-" + s + ".md"
	}
	return string(id) + ".md"
}
