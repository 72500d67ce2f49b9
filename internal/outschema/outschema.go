// Package outschema derives the JSON Schema (draft 2020-12) of a JSON
// document taskproof prints from the Go type it encodes, so the published
// schemas of the outputs cannot drift from the code.
package outschema

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
)

// Of returns the schema of the JSON encoding of v's type, titled, with
// schema_version (the given version) as a required first property.
func Of(title string, version int, v any) map[string]any {
	s := schemaOf(reflect.TypeOf(v), map[reflect.Type]bool{})
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["title"] = title
	if props, ok := s["properties"].(map[string]any); ok {
		props["schema_version"] = map[string]any{"const": version, "description": "The version of this document's layout."}
		s["required"] = append([]string{"schema_version"}, s["required"].([]string)...)
	}
	return s
}

// Marshal renders a schema as two-space indented JSON with a trailing
// newline (map keys sorted, so the output is stable).
func Marshal(s map[string]any) ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

var rawMessage = reflect.TypeOf(json.RawMessage(nil))

func schemaOf(t reflect.Type, seen map[reflect.Type]bool) map[string]any {
	if t == rawMessage {
		return map[string]any{}
	}
	if reflect.PointerTo(t).Implements(reflect.TypeOf((*json.Marshaler)(nil)).Elem()) || t.Implements(reflect.TypeOf((*json.Marshaler)(nil)).Elem()) {
		return map[string]any{} // encodes itself: any JSON
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := schemaOf(t.Elem(), seen)
		return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string"} // base64
		}
		// A nil slice encodes as null.
		return map[string]any{"type": []any{"array", "null"}, "items": schemaOf(t.Elem(), seen)}
	case reflect.Map:
		return map[string]any{"type": []any{"object", "null"}, "additionalProperties": schemaOf(t.Elem(), seen)}
	case reflect.Struct:
		if seen[t] {
			return map[string]any{} // recursive type: not described twice
		}
		seen[t] = true
		defer delete(seen, t)
		props := map[string]any{}
		var required []string
		addFields(t, props, &required, seen)
		sort.Strings(required)
		return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
	}
	return map[string]any{} // interface: any JSON
}

// addFields adds t's encoded fields (embedded structs inlined, as
// encoding/json does) to props; fields without omitempty are required.
func addFields(t reflect.Type, props map[string]any, required *[]string, seen map[reflect.Type]bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(ft, props, required, seen)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type, seen)
		if !strings.Contains(opts, "omitempty") {
			*required = append(*required, name)
		}
	}
}
