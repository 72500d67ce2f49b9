// Package schematest validates TOML documents against the JSON Schemas
// taskproof ships for editors (docs/schema), in tests.
package schematest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/BurntSushi/toml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Compile loads the JSON Schema at path.
func Compile(path string) (*jsonschema.Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(path, doc); err != nil {
		return nil, err
	}
	return c.Compile(path)
}

// ValidateTOML decodes a TOML document and validates it as JSON (what
// taplo and Even Better TOML do with a JSON Schema).
func ValidateTOML(s *jsonschema.Schema, data []byte) error {
	var v map[string]any
	if _, err := toml.Decode(string(data), &v); err != nil {
		return fmt.Errorf("not TOML: %w", err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

// Properties returns the property names a schema object (decoded JSON)
// declares at the path of property names, following "items" for arrays
// and "additionalProperties" for tables of tables ("*" in path).
func Properties(schema map[string]any, path ...string) (map[string]bool, error) {
	cur := schema
	for _, p := range path {
		switch p {
		case "*":
			next, ok := cur["additionalProperties"].(map[string]any)
			if !ok {
				return nil, fmt.Errorf("no additionalProperties schema at %v", path)
			}
			cur = next
		case "[]":
			next, ok := cur["items"].(map[string]any)
			if !ok {
				return nil, fmt.Errorf("no items schema at %v", path)
			}
			cur = next
		default:
			props, _ := cur["properties"].(map[string]any)
			next, ok := props[p].(map[string]any)
			if !ok {
				return nil, fmt.Errorf("no property %s at %v", p, path)
			}
			cur = next
		}
	}
	props, _ := cur["properties"].(map[string]any)
	out := map[string]bool{}
	for k := range props {
		out[k] = true
	}
	return out, nil
}

// Decode reads the JSON Schema at path as plain JSON, for Properties.
func Decode(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return schema, nil
}

// Sorted lists a set's members in order, for messages.
func Sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
