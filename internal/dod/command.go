package dod

import (
	"fmt"
	"strings"
)

// EnvVar is one leading NAME=value assignment of a proof command.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Command is a proof command split into its environment assignments and
// its argument vector.
type Command struct {
	Env  []EnvVar
	Argv []string
	// Bare is the command text from its first argument on, as written
	// (without the leading assignments), trimmed.
	Bare string
}

// SyntaxError says why a command cannot run without a shell.
type SyntaxError struct {
	Offset int    // byte offset in the command text
	Msg    string // what was found and how to fix it
}

func (e *SyntaxError) Error() string { return e.Msg }

// word is one shell word with where it started and whether it can be an
// assignment (NAME= written unquoted).
type word struct {
	text   string
	start  int
	assign bool
}

// Split reads cmd as one simple shell command: words separated by blanks,
// '...' literal, "..." literal except for backslash before " \ $ ` and a
// newline, a backslash outside quotes makes the next byte literal. Nothing
// is expanded, so anything sh would expand or interpret is an error naming
// it: | & ; < > ( ) unquoted, $ and ` anywhere, a # comment, unquoted
// * ? [ (filename globs) and a leading ~. Leading words of the form
// NAME=value are returned as Env.
func Split(cmd string) (Command, error) {
	var words []word
	var cur strings.Builder
	inWord, assign, nameOK := false, false, true
	cmdSeen := false // a word that is not an assignment was seen
	start := 0
	begin := func(i int) {
		if !inWord {
			inWord, start, assign, nameOK = true, i, false, true
			cur.Reset()
		}
	}
	end := func() {
		if inWord {
			words = append(words, word{text: cur.String(), start: start, assign: assign})
			inWord = false
			cmdSeen = cmdSeen || !assign
		}
	}
	// lit adds a literal byte; unquoted tracks whether an = can still
	// make the word an assignment.
	lit := func(b byte, unquoted bool) {
		if !assign && !cmdSeen {
			switch {
			case b == '=' && unquoted && nameOK && cur.Len() > 0:
				assign = true
			case !unquoted || !isNameByte(b, cur.Len() == 0):
				nameOK = false
			}
		}
		cur.WriteByte(b)
	}
	for i := 0; i < len(cmd); i++ {
		c := cmd[i]
		switch {
		case c == ' ' || c == '\t':
			end()
		case c == '\n' || c == '\r':
			return Command{}, &SyntaxError{i, "a line break: a proof command is one line"}
		case c == '\'':
			begin(i)
			j := strings.IndexByte(cmd[i+1:], '\'')
			if j < 0 {
				return Command{}, &SyntaxError{i, "an unterminated ' quote"}
			}
			for k := i + 1; k < i+1+j; k++ {
				lit(cmd[k], false)
			}
			i += j + 1
		case c == '"':
			begin(i)
			closed := false
			for i++; i < len(cmd); i++ {
				d := cmd[i]
				if d == '"' {
					closed = true
					break
				}
				switch d {
				case '$', '`':
					return Command{}, &SyntaxError{i, fmt.Sprintf("%q inside double quotes: the shell would expand it; prove expands nothing (use single quotes for a literal)", string(d))}
				case '\\':
					if i+1 < len(cmd) && strings.IndexByte("\"\\$`", cmd[i+1]) >= 0 {
						i++
						d = cmd[i]
					}
				}
				lit(d, false)
			}
			if !closed {
				return Command{}, &SyntaxError{len(cmd), "an unterminated \" quote"}
			}
		case c == '\\':
			begin(i)
			if i+1 >= len(cmd) {
				return Command{}, &SyntaxError{i, "a trailing backslash"}
			}
			i++
			lit(cmd[i], false)
		case strings.IndexByte("|&;<>()", c) >= 0:
			op := string(c)
			if i+1 < len(cmd) && (cmd[i+1] == c || (c == '>' && cmd[i+1] == '&') || (c == '<' && cmd[i+1] == '&')) {
				op += string(cmd[i+1])
			}
			return Command{}, &SyntaxError{i, fmt.Sprintf("the shell operator %q: a proof is one command (no pipes, lists, redirections or subshells)", op)}
		case c == '$' || c == '`':
			return Command{}, &SyntaxError{i, fmt.Sprintf("%q: the shell would expand it; prove expands nothing", string(c))}
		case c == '#' && !inWord:
			return Command{}, &SyntaxError{i, "a # comment; remove it"}
		case (c == '*' || c == '?' || c == '[') && !assign:
			return Command{}, &SyntaxError{i, fmt.Sprintf("an unquoted %q: the shell would expand it as a file name glob; quote the word", string(c))}
		case c == '~' && !inWord:
			return Command{}, &SyntaxError{i, "a leading ~: the shell would expand it to a home directory; write the path"}
		default:
			begin(i)
			lit(c, true)
		}
	}
	end()
	var out Command
	k := 0
	for ; k < len(words) && words[k].assign; k++ {
		name, value, _ := strings.Cut(words[k].text, "=")
		out.Env = append(out.Env, EnvVar{Name: name, Value: value})
	}
	for _, w := range words[k:] {
		out.Argv = append(out.Argv, w.text)
	}
	if len(out.Argv) == 0 {
		if len(out.Env) > 0 {
			return Command{}, &SyntaxError{len(cmd), "only environment assignments, no command"}
		}
		return Command{}, &SyntaxError{0, "an empty command"}
	}
	out.Bare = strings.TrimSpace(cmd[words[k].start:])
	return out, nil
}

// isNameByte reports whether b can be part of an environment variable name
// (first: whether it starts one).
func isNameByte(b byte, first bool) bool {
	switch {
	case b == '_', 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z':
		return true
	case '0' <= b && b <= '9':
		return !first
	}
	return false
}

// MatchCanonical returns the first glob of globs that the command matches:
// its text without the leading assignments, or as written. In a glob `*`
// matches any text (spaces and slashes included) and every other byte is
// literal; a glob ending in " *" also matches the command without
// arguments ("cargo test *" matches "cargo test").
func MatchCanonical(globs []string, raw string, c Command) (string, bool) {
	raw = strings.TrimSpace(raw)
	for _, g := range globs {
		short := strings.TrimSuffix(g, " *")
		if wildcardMatch(g, c.Bare) || wildcardMatch(g, raw) || (short != g && c.Bare == short) {
			return g, true
		}
	}
	return "", false
}

// wildcardMatch matches s against pattern, where `*` matches any text and
// every other byte is literal, in O(len(pattern)*len(s)) at worst.
func wildcardMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// GoTestJSON returns argv with -json added after "go test" when argv is a
// go test command without a -json flag, and whether it added it. The tests
// are the same; only their output becomes machine-readable, which names
// every test and its outcome.
func GoTestJSON(argv []string) ([]string, bool) {
	if len(argv) < 2 || argv[0] != "go" || argv[1] != "test" {
		return argv, false
	}
	for _, a := range argv[2:] {
		if a == "-args" || a == "--args" {
			break
		}
		if a == "-json" || a == "--json" || strings.HasPrefix(a, "-json=") || strings.HasPrefix(a, "--json=") {
			return argv, false
		}
	}
	out := make([]string, 0, len(argv)+1)
	out = append(out, argv[:2]...)
	out = append(out, "-json")
	out = append(out, argv[2:]...)
	return out, true
}
