package flagargs

import (
	"errors"
	"flag"
	"io"
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		args   []string
		pos    []string
		format string
	}{
		{[]string{"a.md", "--format", "json", "b.md"}, []string{"a.md", "b.md"}, "json"},
		{[]string{"--format=json"}, nil, "json"},
		{[]string{"a", "--", "--format", "x"}, []string{"a", "--format", "x"}, "text"},
		{[]string{"--", "-v"}, []string{"-v"}, "text"},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		format := fs.String("format", "text", "")
		pos, err := Parse(fs, c.args)
		if err != nil || !reflect.DeepEqual(pos, c.pos) || *format != c.format {
			t.Errorf("%q: pos %q format %q err %v; want %q %q", c.args, pos, *format, err, c.pos, c.format)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := Parse(fs, []string{"a", "--help"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: %v", err)
	}
	var fe *Error
	if _, err := Parse(fs, []string{"a", "--nope"}); !errors.As(err, &fe) || err.Error() != "flag provided but not defined: -nope" {
		t.Errorf("unknown flag: %v", err)
	}
}
