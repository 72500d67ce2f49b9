package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// flagDoc is one flag as help, completion and the man page show it: in
// one style, --name VALUE (-j N for a one-letter flag).
type flagDoc struct {
	Name   string
	Value  string   // "" for a boolean flag
	Usage  string   // without the value name's backquotes
	Def    string   // default, "" when zero
	Values []string // the allowed values of --format
}

// flagDocs documents the flags of fs in name order.
func flagDocs(fs *flag.FlagSet) []flagDoc {
	var out []flagDoc
	fs.VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		d := flagDoc{Name: f.Name, Usage: usage}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			d.Value = strings.ToUpper(cmpOr(value, "value"))
			if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "[]" {
				d.Def = f.DefValue
			}
		}
		if list, ok := strings.CutPrefix(usage, "output format: "); ok && f.Name == "format" {
			d.Values, d.Value = strings.Split(list, ", "), "FORMAT"
		}
		out = append(out, d)
	})
	return out
}

// writeFlagDocs prints flags as "  --name VALUE" lines with the usage
// indented below, as the help of every command shows them.
func writeFlagDocs(w io.Writer, flags []flagDoc) {
	for _, d := range flags {
		line := "  " + d.dashed()
		if d.Value != "" {
			line += " " + d.Value
		}
		fmt.Fprintln(w, line)
		usage := d.Usage
		if d.Def != "" {
			usage += fmt.Sprintf(" (default %s)", d.Def)
		}
		fmt.Fprintf(w, "        %s\n", usage)
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// dashed is the flag's name as typed: --name, or -x for one letter.
func (d flagDoc) dashed() string {
	if len(d.Name) == 1 {
		return "-" + d.Name
	}
	return "--" + d.Name
}
