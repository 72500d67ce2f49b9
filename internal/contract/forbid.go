package contract

import (
	"regexp"
	"slices"
	"sort"
	"sync"

	"github.com/taskproof/taskproof/internal/verify"
)

// defaultForbidden are the panic and fatal lines every contract forbids
// unless it drops one by id ([forbid] drop_defaults). They are matched on
// the line after ANSI escapes and the log prefix are stripped. The ids are
// stable: contracts name them.
var defaultForbidden = []struct{ id, pattern, why string }{
	{"panic", `^panic\b`, "a line that starts with panic (Go runtime, most kernels: `panic: ...`)"},
	{"PANIC", `\bPANIC\b`, "PANIC in capitals anywhere (`KERNEL PANIC`, `[PANIC]`, `PANIC at ...`)"},
	{"kernel-panic", `Kernel panic`, "Linux `Kernel panic - not syncing`"},
	{"panicked-at", `\bpanicked at\b`, "Rust panics: `thread 'main' panicked at src/main.rs:1:1`, no_std `panicked at ...`"},
	{"fatal", `\[FATAL[\] ]`, "a `[FATAL]` tag or a `[FATAL target]` log prefix"},
}

// DefaultForbidden returns the default forbidden patterns as regex markers
// with ids "default:ID", in a fresh slice on every call (the compiled
// patterns, safe for concurrent use, are shared).
func DefaultForbidden() []verify.Marker {
	return slices.Clone(defaultForbiddenMarkers())
}

// defaultForbiddenMarkers compiles the default patterns once, on first
// use: every Resolve needs them, and a process resolves at most a few
// contracts.
var defaultForbiddenMarkers = sync.OnceValue(func() []verify.Marker {
	out := make([]verify.Marker, len(defaultForbidden))
	for i, d := range defaultForbidden {
		out[i] = verify.Marker{
			ID:      "default:" + d.id,
			Text:    d.pattern,
			Mode:    verify.Regex,
			Pattern: regexp.MustCompile(d.pattern),
			Kind:    verify.KindFail,
			Source:  "(default)",
		}
	}
	return out
})

func defaultForbiddenByID() map[string]bool {
	m := map[string]bool{}
	for _, d := range defaultForbidden {
		m[d.id] = true
	}
	return m
}

func defaultForbiddenIDs() []string {
	ids := make([]string, len(defaultForbidden))
	for i, d := range defaultForbidden {
		ids[i] = d.id
	}
	sort.Strings(ids)
	return ids
}
