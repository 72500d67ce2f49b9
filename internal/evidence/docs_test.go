package evidence

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestEvidenceDoc: docs/evidence.md names the format taskproof writes:
// the type URIs, every predicate, item, run and proof field, and every
// kind of bundle file, so the document cannot silently fall behind.
func TestEvidenceDoc(t *testing.T) {
	data, err := os.ReadFile("../../docs/evidence.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	want := []string{StatementType, PredicateType, PayloadType, EnvelopeEntry, "statement.json",
		"files/" + ConfigName, "files/" + ScopeName, "files/" + HygieneName,
		"files/" + LogName(0)[:len("logs/")], "files/" + MarkersName(0)[:len("markers/")],
		"files/" + ReportName(0)[:len("reports/")], "files/" + TestsName(0)[:len("tests/")],
		KindMarker, KindTest, KindScope, KindHygiene, KindCommand, Proven, Failed, NotRun,
		"verify-blob-attestation"}
	for _, v := range []any{Statement{}, Subject{}, Predicate{}, Item{}, Run{}, RunRef{}, Tool{}} {
		ty := reflect.TypeOf(v)
		for i := 0; i < ty.NumField(); i++ {
			name, _, _ := strings.Cut(ty.Field(i).Tag.Get("json"), ",")
			want = append(want, `"`+name+`"`)
		}
	}
	for _, w := range want {
		quoted := strings.Trim(w, `"`)
		if !strings.Contains(doc, w) && !strings.Contains(doc, "`"+quoted+"`") {
			t.Errorf("docs/evidence.md does not document %s", w)
		}
	}
}
