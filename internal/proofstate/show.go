package proofstate

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/task"
)

// ShowText writes the readable form of one task document and its
// evidence state (`taskproof show`).
func ShowText(buf *bytes.Buffer, d *task.Document, proof Assessment) {
	title := d.Title
	if title == "" {
		title = "(no title)"
	}
	id := string(d.ID)
	if id == "" {
		id = "(no id)"
	}
	fmt.Fprintf(buf, "%s: %s\n", id, title)

	tw := tabwriter.NewWriter(buf, 0, 0, 2, ' ', 0)
	row := func(cols ...string) { fmt.Fprintln(tw, strings.Join(cols, "\t")) }
	row("  file", d.Path)
	idFrom := "file name"
	if d.IDLine > 0 {
		idFrom = "line " + strconv.Itoa(d.IDLine)
	}
	if d.FileID != "" && d.FileID != d.ID {
		idFrom += "; file name says " + string(d.FileID)
	}
	row("  id", fmt.Sprintf("%s (%s)", id, idFrom))
	header := "front matter"
	if !d.HasFrontMatter {
		header = "header bullets (no front matter)"
	}
	row("  header", header)
	status := "(none)"
	if d.Status.Line > 0 {
		class := string(d.Status.Class)
		if class == "" {
			class = "unknown (outside the vocabulary)"
		}
		status = fmt.Sprintf("%s  written %q, line %d", class, d.Status.Raw, d.Status.Line)
	}
	row("  status", status)
	p := string(proof.State)
	if proof.Commit != "" {
		p += fmt.Sprintf("  %s, commit %s, %s", proof.Bundle, scope.ShortHash(proof.Commit), proof.Digest)
	}
	row("  proof", p)
	if proof.Signer != nil {
		row("  signed by", proof.Signer.String())
	}
	for _, r := range proof.Reasons {
		row("", "- "+r)
	}
	row("  owner", fieldText(d.Owner))
	row("  created", fieldText(d.Created))
	tw.Flush()

	scope.TextBlock(buf, "dependencies", len(d.Deps), func(tw *tabwriter.Writer) {
		for _, x := range d.Deps {
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\n", x.Line, x.ID, x.Kind, x.Label)
		}
	})
	scope.TextBlock(buf, "links", len(d.Links), func(tw *tabwriter.Writer) {
		for _, x := range d.Links {
			label := x.Label
			if label == "" {
				label = "-"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", x.Line, label, x.Target)
		}
	})
	scope.TextBlock(buf, "sections", len(d.Sections), func(tw *tabwriter.Writer) {
		for _, s := range d.Sections {
			fmt.Fprintf(tw, "  %d-%d\t%s %s\n", s.Line, s.EndLine, strings.Repeat("#", s.Level), s.Heading)
		}
	})
	scope.TextBlock(buf, "proof commands", len(d.Proofs), func(tw *tabwriter.Writer) {
		for _, p := range d.Proofs {
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", p.Line, p.Kind, p.Command)
		}
	})
	scope.TextBlock(buf, "required markers", len(d.Markers), func(tw *tabwriter.Writer) {
		for _, m := range d.Markers {
			where := "stop conditions"
			if m.Security {
				where = "security proof"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", m.Line, where, m.Text)
		}
	})
	scope.TextBlock(buf, "required tests", len(d.Tests), func(tw *tabwriter.Writer) {
		for _, t := range d.Tests {
			where := "stop conditions"
			if t.Security {
				where = "security proof"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", t.Line, where, t.Name)
		}
	})
	scope.TextBlock(buf, "touched paths", len(d.Touched), func(tw *tabwriter.Writer) {
		for _, p := range d.Touched {
			kind, text := "allow", p.Pattern
			if p.Deny {
				kind = "deny"
			}
			if p.Pattern == "" {
				kind, text = kind+" (prose)", p.Raw
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", p.Line, kind, text)
		}
	})
	fmt.Fprintln(buf, "\nsecurity")
	tw = tabwriter.NewWriter(buf, 0, 0, 2, ' ', 0)
	switch {
	case d.Security.Line == 0:
		fmt.Fprintln(tw, "  considerations\t(no section)")
	case d.Security.Relevant:
		fmt.Fprintf(tw, "  considerations\tline %d, filled in (security-relevant)\n", d.Security.Line)
	default:
		fmt.Fprintf(tw, "  considerations\tline %d, N/A or template only\n", d.Security.Line)
	}
	if d.Security.ProofLine > 0 {
		fmt.Fprintf(tw, "  proof\tline %d\n", d.Security.ProofLine)
	} else {
		fmt.Fprintln(tw, "  proof\t(no section)")
	}
	tw.Flush()
}

func fieldText(f task.Field) string {
	if f.Line == 0 {
		return "(none)"
	}
	return fmt.Sprintf("%s  line %d", f.Value, f.Line)
}

// ShownDoc is one document as `taskproof show` prints it: the parse plus
// its evidence state.
type ShownDoc struct {
	*task.Document
	Proof Assessment `json:"proof"`
}

// ShowDocsText is the readable form of the documents with one id: each as
// ShowText writes it, numbered when there are several.
func ShowDocsText(docs []ShownDoc) []byte {
	var buf bytes.Buffer
	for i, d := range docs {
		if i > 0 {
			buf.WriteString("\n")
		}
		if len(docs) > 1 {
			fmt.Fprintf(&buf, "# %d of %d files with id %s\n", i+1, len(docs), d.ID)
		}
		ShowText(&buf, d.Document, d.Proof)
	}
	return buf.Bytes()
}
