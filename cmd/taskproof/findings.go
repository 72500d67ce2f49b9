package main

import (
	"flag"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/codequality"
	"github.com/taskproof/taskproof/internal/sarif"
	"github.com/taskproof/taskproof/internal/workflowcmd"
)

// findingFormats are the output formats of every command that reports
// findings: its own text and JSON, SARIF for code scanning, GitHub
// workflow commands and a GitLab code quality report.
var findingFormats = []string{"text", "json", "sarif", "github", "gitlab"}

// findingFlags are the output flags of a command that reports findings.
type findingFlags struct {
	Format string
	// ExitZero exits 0 even with findings, so a workflow can upload them
	// without `|| true`.
	ExitZero bool
}

func (o *findingFlags) register(fs *cli.FlagSet) {
	fs.FormatFlag(&o.Format, findingFormats...)
	fs.BoolVar(&o.ExitZero, "exit-zero", false, "exit 0 even when there are findings (to upload them)")
}

// resolve picks the format after parsing: github under GitHub Actions
// unless --format was given, and checks it.
func (o *findingFlags) resolve(env *cli.Env, fs *cli.FlagSet) error {
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "format" })
	o.Format = cli.DefaultFormat(env, o.Format, findingFormats[0], explicit)
	return cli.CheckFormat(o.Format, findingFormats...)
}

// write prints a command's findings: v as JSON, text, or l (its findings)
// as SARIF, workflow commands or code quality. failed says the check did
// not pass; unless --exit-zero that is a quiet cli.ErrFindings.
func (o *findingFlags) write(env *cli.Env, l sarif.Log, v any, text func() []byte, failed bool) error {
	l.Version = version
	var err error
	switch o.Format {
	case "sarif":
		err = sarif.Write(env.Stdout, l)
	case "github":
		err = workflowcmd.Write(env.Stdout, workflowcmd.FromSARIF(l))
	case "gitlab":
		err = codequality.Write(env.Stdout, l)
	default:
		err = cli.WriteOutput(env.Stdout, o.Format, v, text)
	}
	if err != nil {
		return cli.Infra(err)
	}
	if failed && !o.ExitZero {
		return cli.Silent(cli.ErrFindings)
	}
	return nil
}
