package workflowcmd

import (
	"bytes"
	"testing"
)

func TestWrite(t *testing.T) {
	var b bytes.Buffer
	err := Write(&b, []Annotation{
		{Level: "error", File: "sub/tasks/a,b.md", Line: 3, Col: 2, Title: "broken-link: x", Message: "100% gone\nsecond line"},
		{Level: "warning", File: "t.md", Title: "w", Message: "m"},
		{Level: "info", Message: "no location"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "::error file=sub/tasks/a%2Cb.md,line=3,col=2,title=broken-link%3A x::100%25 gone%0Asecond line\n" +
		"::warning file=t.md,title=w::m\n" +
		"::notice::no location\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}
