package cli

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/taskproof/taskproof/internal/textwrap"
)

// FlagDoc is one flag as help, completion and the man page show it: in
// one style, --name VALUE (-j N for a one-letter flag).
type FlagDoc struct {
	Name   string
	Value  string   // "" for a boolean flag
	Usage  string   // without the value name's backquotes
	Def    string   // default, "" when zero
	Values []string // the allowed values of --format
}

// FlagDocs documents the flags of fs in name order.
func FlagDocs(fs *flag.FlagSet) []FlagDoc {
	var out []FlagDoc
	fs.VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		d := FlagDoc{Name: f.Name, Usage: usage}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			d.Value = strings.ToUpper(cmp.Or(value, "value"))
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

// WriteFlagDocs prints one flag a line, "  --name VALUE  usage", the
// usages aligned and wrapped at 80 columns, as every command's help shows
// them.
func WriteFlagDocs(w io.Writer, flags []FlagDoc) {
	width := 0
	heads := make([]string, len(flags))
	for i, d := range flags {
		heads[i] = d.Dashed()
		if d.Value != "" {
			heads[i] += " " + d.Value
		}
		width = max(width, len(heads[i]))
	}
	width = min(width, 24)
	for i, d := range flags {
		usage := d.Usage
		if d.Def != "" {
			usage += fmt.Sprintf(" (default %s)", d.Def)
		}
		indent := 2 + width + 2
		lines := textwrap.Words(usage, max(80-indent, 30))
		if len(lines) == 0 {
			lines = []string{""} // a flag without usage still gets its line
		}
		if len(heads[i]) > width {
			fmt.Fprintf(w, "  %s\n", heads[i])
		} else {
			fmt.Fprintf(w, "  %-*s  %s\n", width, heads[i], lines[0])
			lines = lines[1:]
		}
		for _, l := range lines {
			fmt.Fprintf(w, "%s%s\n", strings.Repeat(" ", indent), l)
		}
	}
}

// Dashed is the flag's name as typed: --name, or -x for one letter.
func (d FlagDoc) Dashed() string {
	if len(d.Name) == 1 {
		return "-" + d.Name
	}
	return "--" + d.Name
}
