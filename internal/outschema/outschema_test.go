package outschema

import (
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

type inner struct {
	N int `json:"n"`
}

type Embedded struct {
	E string `json:"e"`
}

type doc struct {
	Embedded
	Name    string            `json:"name"`
	Opt     string            `json:"opt,omitempty"`
	Ptr     *inner            `json:"ptr"`
	List    []inner           `json:"list"`
	Map     map[string]string `json:"map"`
	Skipped string            `json:"-"`
	hidden  int
}

// TestOf: the schema of a type accepts what encoding/json makes of it
// (nil pointers, slices and maps as null; omitempty fields absent) and
// rejects unknown fields, missing required ones and wrong types.
func TestOf(t *testing.T) {
	b, err := Marshal(Of("doc", 3, doc{}))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	sch, _ := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err := c.AddResource("mem://doc.json", sch); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem://doc.json")
	if err != nil {
		t.Fatal(err)
	}
	valid := func(js string) bool {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(js))
		if err != nil {
			t.Fatal(err)
		}
		return s.Validate(inst) == nil
	}
	for js, want := range map[string]bool{
		`{"schema_version":3,"e":"x","name":"a","ptr":null,"list":null,"map":null}`:                        true,
		`{"schema_version":3,"e":"x","name":"a","opt":"o","ptr":{"n":1},"list":[{"n":2}],"map":{"k":"v"}}`: true,
		`{"schema_version":2,"e":"x","name":"a","ptr":null,"list":null,"map":null}`:                        false, // version
		`{"schema_version":3,"name":"a","ptr":null,"list":null,"map":null}`:                                false, // embedded field missing
		`{"schema_version":3,"e":"x","name":"a","ptr":null,"list":null,"map":null,"Skipped":""}`:           false, // unknown field
		`{"schema_version":3,"e":"x","name":1,"ptr":null,"list":null,"map":null}`:                          false, // type
		`{"schema_version":3,"e":"x","name":"a","ptr":{"n":"1"},"list":null,"map":null}`:                   false, // nested type
	} {
		if got := valid(js); got != want {
			t.Errorf("valid(%s) = %v, want %v", js, got, want)
		}
	}
}
