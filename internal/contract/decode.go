package contract

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// fileCtx is one contract file being decoded: its name and layout, for
// positions.
type fileCtx struct {
	name string
	lay  *layout
}

// tbl is one TOML table of a file, with the path and index that locate it.
type tbl struct {
	f    *fileCtx
	m    map[string]any
	path []string // header path, e.g. ["profile", "smp"] or ["marker"]
	n    int      // index among tables with the same path (arrays of tables)
	what string   // how messages name the table, e.g. `[[marker]] #3`
	// label names the table from its path and index when what is empty:
	// only a message needs the name, and formatting one per table cost a
	// manifest's load more than decoding its markers.
	label func(tbl) string
	// sec is the table's header when known (table n of path), so that
	// locating a key needs no lookup.
	sec *section
	// inner is the key of an inline table of the named table (emit_when),
	// for messages about it.
	inner string
}

// name is how messages name the table.
func (t tbl) name() string {
	s := t.what
	if s == "" && t.label != nil {
		s = t.label(t)
	}
	if t.inner != "" {
		s += " " + t.inner
	}
	return s
}

// quotedLabel names `[a."b c"]`, an upstream marker table.
func quotedLabel(t tbl) string { return fmt.Sprintf("[%s.%q]", t.path[0], t.path[1]) }

// dottedLabel names `[a.b]`.
func dottedLabel(t tbl) string { return "[" + strings.Join(t.path, ".") + "]" }

// arrayLabel names `[[a]] #3`, the third table of an array of tables.
func arrayLabel(t tbl) string { return fmt.Sprintf("[[%s]] #%d", strings.Join(t.path, "."), t.n+1) }

func (t tbl) line(key string) int {
	if t.sec != nil {
		return t.sec.lineOf(key)
	}
	return t.f.lay.line(t.n, key, t.path...)
}

func (t tbl) errf(key, format string, a ...any) error {
	return &Error{File: t.f.name, Line: t.line(key), Msg: t.name() + ": " + fmt.Sprintf(format, a...)}
}

func (t tbl) ref(key, v string) ref {
	return ref{Name: v, File: t.f.name, Line: t.line(key)}
}

func (t tbl) elemRef(key, v string) ref {
	return ref{Name: v, File: t.f.name, Line: t.f.lay.elementLine(t.n, key, v, t.path...)}
}

// known rejects keys outside the closed schema: a typo must not silently
// disable a check.
func (t tbl) known(keys ...string) error {
	var unknown []string
	for k := range t.m {
		if !contains(keys, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return t.errf(unknown[0], "unknown key %q; expected one of: %s", unknown[0], strings.Join(keys, ", "))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (t tbl) str(key string) (string, bool, error) {
	v, ok := t.m[key]
	if !ok {
		return "", false, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", false, t.errf(key, "%s must be a string, got %s", key, typeName(v))
	}
	return s, true, nil
}

func (t tbl) integer(key string) (int, bool, error) {
	v, ok := t.m[key]
	if !ok {
		return 0, false, nil
	}
	i, isInt := v.(int64)
	if !isInt {
		return 0, false, t.errf(key, "%s must be an integer, got %s", key, typeName(v))
	}
	if i < 0 || i > 1<<31-1 {
		return 0, false, t.errf(key, "%s must be between 0 and %d, got %d", key, 1<<31-1, i)
	}
	return int(i), true, nil
}

func (t tbl) boolean(key string) (bool, bool, error) {
	v, ok := t.m[key]
	if !ok {
		return false, false, nil
	}
	b, isBool := v.(bool)
	if !isBool {
		return false, false, t.errf(key, "%s must be true or false, got %s", key, typeName(v))
	}
	return b, true, nil
}

// strList accepts an array of strings (or, when one is true, a single string).
func (t tbl) strList(key string, one bool) ([]string, error) {
	v, ok := t.m[key]
	if !ok {
		return nil, nil
	}
	if s, isStr := v.(string); isStr && one {
		return []string{s}, nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		return nil, t.errf(key, "%s must be an array of strings, got %s", key, typeName(v))
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, isStr := e.(string)
		if !isStr {
			return nil, t.errf(key, "%s[%d] must be a string, got %s", key, i, typeName(e))
		}
		out = append(out, s)
	}
	return out, nil
}

func (t tbl) refs(key string, one bool) ([]ref, error) {
	list, err := t.strList(key, one)
	if err != nil {
		return nil, err
	}
	out := make([]ref, len(list))
	for i, s := range list {
		out[i] = t.elemRef(key, s)
	}
	return out, nil
}

// sub returns a child table value (a TOML table) or false when absent.
func (t tbl) sub(key string) (map[string]any, bool, error) {
	v, ok := t.m[key]
	if !ok {
		return nil, false, nil
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		return nil, false, t.errf(key, "%s must be a table, got %s", key, typeName(v))
	}
	return m, true, nil
}

// tables returns an array of tables.
func (t tbl) tables(key string) ([]map[string]any, error) {
	v, ok := t.m[key]
	if !ok {
		return nil, nil
	}
	switch a := v.(type) {
	case []map[string]any:
		return a, nil
	case []any:
		out := make([]map[string]any, 0, len(a))
		for i, e := range a {
			m, isMap := e.(map[string]any)
			if !isMap {
				return nil, t.errf(key, "%s[%d] must be a table, got %s", key, i, typeName(e))
			}
			out = append(out, m)
		}
		return out, nil
	}
	return nil, t.errf(key, "%s must be an array of tables ([[%s]]), got %s", key, key, typeName(v))
}

// stringMap decodes a table of string values, e.g. env.
func (t tbl) stringMap(key string) (map[string]string, error) {
	m, ok, err := t.sub(key)
	if err != nil || !ok {
		return nil, err
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		s, isStr := v.(string)
		if !isStr {
			return nil, t.errf(key, "%s.%s must be a string, got %s (quote it: %s = \"%v\")", key, k, typeName(v), k, v)
		}
		out[k] = s
	}
	return out, nil
}

// child makes the tbl for a nested table.
func (t tbl) child(m map[string]any, n int, what string, path ...string) tbl {
	return tbl{f: t.f, m: m, path: path, n: n, what: what}
}

// labeled makes the tbl for a nested table that label names.
func (t tbl) labeled(m map[string]any, n int, label func(tbl) string, path ...string) tbl {
	return tbl{f: t.f, m: m, path: path, n: n, label: label}
}

// sortedKeys returns a map's keys in order, for deterministic errors.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	case time.Time:
		return "a date-time"
	}
	return fmt.Sprintf("%T", v)
}

// eachTable calls fn for every [section.NAME] table, in name order, after
// checking that it is a table with only the given keys.
func (t tbl) eachTable(section string, keys []string, fn func(name string, st tbl) error) error {
	m, ok, err := t.sub(section)
	if err != nil || !ok {
		return err
	}
	for _, name := range sortedKeys(m) {
		body, isMap := m[name].(map[string]any)
		st := t.labeled(body, 0, dottedLabel, section, name)
		if !isMap {
			return st.errf("", "must be a table, got %s", typeName(m[name]))
		}
		if err := st.known(keys...); err != nil {
			return err
		}
		if err := fn(name, st); err != nil {
			return err
		}
	}
	return nil
}
