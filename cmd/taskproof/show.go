package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/task"
)

const showHelp = `Prints one task document the way taskproof reads it: id, title, status as
written and normalised, owner, created, dependencies (kind and line), links,
sections with their line spans, proof commands, required markers, required
tests, touched paths (pattern, prose or denied) and the security sections.

The proof line gives the task's evidence state with its reasons: proven,
stale, failed, invalid, claimed (the header says Done or In Review without
valid evidence) or unproven; see taskproof board --help. It reads
.taskproof/evidence/TASK-ID.tar and .taskproof/signing.pub.

TASK-ID is matched case-insensitively and may use a Unicode hyphen
(TASK‑0005 with U+2011 reads as TASK-0005). A path to a task file
(tasks/TASK-0003B-x.md) is accepted as well.

--format json prints a JSON array of documents (one element, or one per
file when the id is duplicated), with snake_case keys; lists are [] when
empty. Each document has a "proof" object: state, reasons, summary, claims,
bundle, and for a bundle that verified commit, digest and key_id. --format text prints every file with that id, one after another.

Exit codes: 0 printed, 1 no task with that id, 2 usage error or unreadable
repository.`

// showOptions are the inputs of `taskproof show`.
type showOptions struct {
	Root   string
	Format string // text or json
	Task   string // id as typed, or a path to a task file
}

func cmdShow(ctx context.Context, env *cliEnv, args []string) error {
	o := showOptions{}
	fs := newFlagSet(env, "show", "show TASK-ID [--root DIR] [--format text|json]", showHelp)
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	switch len(pos) {
	case 0:
		return usagef("missing TASK-ID; usage: taskproof show TASK-ID (e.g. taskproof show TASK-0003)")
	case 1:
		o.Task = pos[0]
	default:
		return usagef("show takes one TASK-ID, got %d arguments", len(pos))
	}
	return runShow(ctx, o, env)
}

// runShow finds the task and prints it.
func runShow(ctx context.Context, o showOptions, env *cliEnv) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	r, _, _, err := openTasks(o.Root)
	if err != nil {
		return err
	}
	docs, err := r.Lookup(o.Task)
	if errors.Is(err, repo.ErrNoTask) {
		return findings(err)
	}
	if err != nil {
		return err
	}
	pub, err := proofstate.LoadPublicKey(r.Root)
	if err != nil {
		return err
	}
	assessor := proofstate.NewAssessor(ctx, r, pub)
	shown := make([]showDoc, len(docs))
	for i, d := range docs {
		shown[i] = showDoc{Document: d, Proof: assessor.Assess(d, nil)}
	}
	return writeOutput(env.stdout, o.Format, shown, func() []byte {
		var buf bytes.Buffer
		for i, d := range docs {
			if i > 0 {
				buf.WriteString("\n")
			}
			if len(docs) > 1 {
				fmt.Fprintf(&buf, "# %d of %d files with id %s\n", i+1, len(docs), d.ID)
			}
			renderShowText(&buf, d, shown[i].Proof)
		}
		return buf.Bytes()
	})
}

// showDoc is one document as show prints it: the parse plus its evidence
// state.
type showDoc struct {
	*task.Document
	Proof proofstate.Assessment `json:"proof"`
}

// renderShowText writes the readable form of one document.
func renderShowText(buf *bytes.Buffer, d *task.Document, proof proofstate.Assessment) {
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
	for _, r := range proof.Reasons {
		row("", "- "+r)
	}
	row("  owner", fieldText(d.Owner))
	row("  created", fieldText(d.Created))
	tw.Flush()

	section(buf, "dependencies", len(d.Deps), func(tw *tabwriter.Writer) {
		for _, x := range d.Deps {
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\n", x.Line, x.ID, x.Kind, x.Label)
		}
	})
	section(buf, "links", len(d.Links), func(tw *tabwriter.Writer) {
		for _, x := range d.Links {
			label := x.Label
			if label == "" {
				label = "-"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", x.Line, label, x.Target)
		}
	})
	section(buf, "sections", len(d.Sections), func(tw *tabwriter.Writer) {
		for _, s := range d.Sections {
			fmt.Fprintf(tw, "  %d-%d\t%s %s\n", s.Line, s.EndLine, strings.Repeat("#", s.Level), s.Heading)
		}
	})
	section(buf, "proof commands", len(d.Proofs), func(tw *tabwriter.Writer) {
		for _, p := range d.Proofs {
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", p.Line, p.Kind, p.Command)
		}
	})
	section(buf, "required markers", len(d.Markers), func(tw *tabwriter.Writer) {
		for _, m := range d.Markers {
			where := "stop conditions"
			if m.Security {
				where = "security proof"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", m.Line, where, m.Text)
		}
	})
	section(buf, "required tests", len(d.Tests), func(tw *tabwriter.Writer) {
		for _, t := range d.Tests {
			where := "stop conditions"
			if t.Security {
				where = "security proof"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", t.Line, where, t.Name)
		}
	})
	section(buf, "touched paths", len(d.Touched), func(tw *tabwriter.Writer) {
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

// section prints a titled, aligned block, or "(none)".
func section(buf *bytes.Buffer, title string, n int, rows func(*tabwriter.Writer)) {
	fmt.Fprintf(buf, "\n%s (%d)\n", title, n)
	if n == 0 {
		buf.WriteString("  (none)\n")
		return
	}
	tw := tabwriter.NewWriter(buf, 0, 0, 2, ' ', 0)
	rows(tw)
	tw.Flush()
}

func fieldText(f task.Field) string {
	if f.Line == 0 {
		return "(none)"
	}
	return fmt.Sprintf("%s  line %d", f.Value, f.Line)
}
