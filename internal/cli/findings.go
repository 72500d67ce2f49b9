package cli

import (
	"flag"

	"github.com/taskproof/taskproof/internal/codequality"
	"github.com/taskproof/taskproof/internal/sarif"
	"github.com/taskproof/taskproof/internal/workflowcmd"
)

// FindingFormats are the output formats of every command that reports
// findings: its own text and JSON, SARIF for code scanning, GitHub
// workflow commands and a GitLab code quality report.
var FindingFormats = []string{"text", "json", "sarif", "github", "gitlab"}

// FindingOutput is the output flags of a command that reports findings.
type FindingOutput struct {
	Format string
	// ExitZero exits 0 even with findings, so a workflow can upload them
	// without `|| true`.
	ExitZero bool
}

// FindingFlags registers --format (FindingFormats) and --exit-zero into
// o. ParseNone, ParseOne, ParseSome and ParseTask then also Resolve the
// format.
func (f *FlagSet) FindingFlags(o *FindingOutput) {
	f.FormatFlag(&o.Format, FindingFormats...)
	f.BoolVar(&o.ExitZero, "exit-zero", false, "exit 0 even when there are findings (to upload them)")
	f.findings = o
}

// Resolve picks the format after parsing: github under GitHub Actions
// unless --format was given (DefaultFormat), and checks it.
func (o *FindingOutput) Resolve(env *Env, f *FlagSet) error {
	explicit := false
	f.Visit(func(fl *flag.Flag) { explicit = explicit || fl.Name == "format" })
	o.Format = DefaultFormat(env, o.Format, FindingFormats[0], explicit)
	return CheckFormat(o.Format, FindingFormats...)
}

// Write prints a command's findings: v as JSON, text, or l (its findings)
// as SARIF, workflow commands or code quality, the log naming the
// program's version. failed says the check did not pass; unless
// --exit-zero that is a quiet ErrFindings.
func (o *FindingOutput) Write(env *Env, l sarif.Log, v any, text func() []byte, failed bool) error {
	if env.Program != nil {
		l.Version = env.Program.Version
	}
	var err error
	switch o.Format {
	case "sarif":
		err = sarif.Write(env.Stdout, l)
	case "github":
		err = workflowcmd.Write(env.Stdout, workflowcmd.FromSARIF(l))
	case "gitlab":
		err = codequality.Write(env.Stdout, l)
	default:
		err = WriteOutput(env.Stdout, o.Format, v, text)
	}
	if err != nil {
		return Infra(err)
	}
	if failed && !o.ExitZero {
		return Silent(ErrFindings)
	}
	return nil
}
