package cli

import (
	"bytes"
	"fmt"
)

// JSONSchemaVersion is the version of every JSON document taskproof
// prints: its first key, "schema_version". It changes when a field is
// removed or changes meaning; added fields keep it. docs/schema/output/
// holds each document's JSON Schema.
const JSONSchemaVersion = 1

// WithSchemaVersion puts "schema_version" first in a JSON object rendered
// two-space indented ("{\n  ..."), leaving every other byte as it was; any
// other JSON (an array, a compact object) is returned unchanged.
func WithSchemaVersion(doc []byte) []byte {
	field := fmt.Sprintf(`"schema_version": %d`, JSONSchemaVersion)
	switch {
	case bytes.HasPrefix(doc, []byte("{\n  ")):
		return append([]byte("{\n  "+field+",\n  "), doc[len("{\n  "):]...)
	case bytes.HasPrefix(doc, []byte("{}")):
		return append([]byte("{\n  "+field+"\n}"), doc[len("{}"):]...)
	}
	return doc
}
