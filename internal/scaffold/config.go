package scaffold

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/config"
)

// ConfigFile returns the commented taskproof.toml that `taskproof init`
// writes. Every key of internal/config is there, set to the default (so the
// file means exactly what having no file means), with a comment saying what
// it does; groups, which have no default, are shown as a commented example.
func ConfigFile() []byte { return ConfigFileWithGroups(nil, "") }

// ConfigFileWithGroups is ConfigFile with groups written as [[groups]]
// tables instead of the commented example; from names the file they were
// read from, for the comment above them.
func ConfigFileWithGroups(groups []config.Group, from string) []byte {
	d := config.Default()
	var b bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }

	p("# taskproof.toml: configuration for taskproof, written by `taskproof init`.\n")
	p("# Every value below is the default; delete a key to keep the default, edit it to\n")
	p("# change it. Paths are relative to the repository root. Unknown keys are errors,\n")
	p("# so a typo cannot silently switch a check off.\n")

	p("\n[tasks]\n")
	p("# Directory holding the task documents.\n")
	p("dir = %s\n", tomlString(d.Tasks.Dir))
	p("# File-name glob of task documents inside dir.\n")
	p("pattern = %s\n", tomlString(d.Tasks.Pattern))
	p("# Template `taskproof new` fills in (TASK-XXXX, status, created). When the file\n")
	p("# does not exist, `new` uses the template built into taskproof.\n")
	p("template = %s\n", tomlString(d.Tasks.Template))
	p("# Board written by `taskproof board --write` and compared by `board --check`.\n")
	p("board = %s\n", tomlString(d.Tasks.Board))

	p("\n[status]\n")
	p("# Canonical statuses. A header status is matched case-insensitively, ignoring\n")
	p("# decorations such as \"✅\" or \"(…)\"; anything else is reported by lint.\n")
	p("vocabulary = %s\n", tomlArray(d.Status.Vocabulary))

	p("\n# Other spellings and what they mean: lower-case alias = canonical status.\n")
	p("# Entries here are added to the built-in ones listed below.\n")
	p("[status.aliases]\n")
	keys := make([]string, 0, len(d.Status.Aliases))
	for k := range d.Status.Aliases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p("%s = %s\n", tomlKey(k), tomlString(d.Status.Aliases[k]))
	}

	p("\n# Groups of tasks for the board, each shown with Done/Total. tasks lists ids and\n")
	p("# ranges: \"TASK-0010..TASK-0011\" is every existing id numbered 10 to 11, letter-\n")
	p("# suffixed ids such as TASK-0010B included. Tasks in no group are listed\n")
	if len(groups) == 0 {
		p("# separately on the board. Example:\n")
		p("#\n")
		p("# [[groups]]\n")
		p("# name = \"Networking\"\n")
		p("# tasks = [\"TASK-0003\", \"TASK-0003B\", \"TASK-0010..TASK-0019\"]\n")
	} else {
		p("# separately on the board. These %d groups were read from %s;\n", len(groups), from)
		p("# `taskproof drift` checks that file against the headers.\n")
		for _, g := range groups {
			p("\n[[groups]]\n")
			p("name = %s\n", tomlString(g.Name))
			p("tasks = %s\n", tomlArray(g.Tasks))
		}
	}

	p("\n[proof]\n")
	p("# Marker contract: the single file that declares every console marker.\n")
	p("contract = %s\n", tomlString(d.Proof.Contract))
	p("# Commands a task may list as proof (globs, * matches anything); lint reports\n")
	p("# any other proof command as not canonical.\n")
	p("canonical = %s\n", tomlArray(d.Proof.Canonical))
	p("# Files proofs use that their commands do not name, e.g. guest images in an\n")
	p("# ignored build/: prove records their digests; a changed one makes evidence stale.\n")
	p("# Example: inputs = [\"build/*.elf\"]\n")
	p("inputs = %s\n", tomlArray(d.Proof.Inputs))

	p("\n[scope]\n")
	p("# Paths every task may touch in addition to its own allowlist.\n")
	p("always_allow = %s\n", tomlArray(d.Scope.AlwaysAllow))

	p("\n[hygiene]\n")
	p("# Globs of daemon sources where unwrap()/expect() is forbidden in a diff.\n")
	p("# Example: daemon_paths = [\"source/services/**\"]\n")
	p("daemon_paths = %s\n", tomlArray(d.Hygiene.DaemonPaths))
	p("# Globs of files that are stubs, for the diff hygiene rules.\n")
	p("# Example: stub_paths = [\"source/**/stub*.rs\"]\n")
	p("stub_paths = %s\n", tomlArray(d.Hygiene.StubPaths))

	p("\n[evidence]\n")
	p("# Evidence bundles may come from others (CI artefacts, pull requests); one above\n")
	p("# these sizes is refused before it is read. Bytes; prove refuses to write one.\n")
	p("max_bundle_bytes = %d\n", d.Evidence.MaxBundleBytes)
	p("# Largest single entry (a console log, a test report).\n")
	p("max_entry_bytes = %d\n", d.Evidence.MaxEntryBytes)
	p("\n[trust]\n")
	p("# When only evidence from a [[signers]] entry allowed to set a status counts for\n")
	p("# status set, the board and collect: \"ci\" (when $CI is set and signers are\n")
	p("# named), \"always\" or \"never\". Any other key's evidence is self-signed.\n")
	p("require = %s\n", tomlString(d.Trust.Require))
	p("\n# Trusted signers: a committed public key and the statuses its evidence may set.\n")
	p("# Keep CI's private key a CI secret (see docs/trust.md). Example:\n")
	p("#\n")
	p("# [[signers]]\n")
	p("# name = \"ci\"\n")
	p("# key = \"keys/ci.pub\"\n")
	p("# may = [\"Done\", \"In Review\"]\n")
	p("\n[board]\n")
	p("# How `taskproof drift` reads a hand-written board.\n")
	p("\n# Words the board uses for its own states, mapped to a status so that drift\n")
	p("# checks rows that say them. Unmapped words (Queued, Next, Proposed, Planned,\n")
	p("# ...) are not status claims. Example: Queued = \"Draft\"\n")
	p("[board.vocabulary]\n")
	return b.Bytes()
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// tomlKey writes k bare when TOML allows it, quoted otherwise.
func tomlKey(k string) string {
	if k == "" {
		return `""`
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return tomlString(k)
		}
	}
	return k
}

func tomlArray(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = tomlString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
