package main

import (
	"cmp"
	"flag"
	"os/exec"
	"path/filepath"
	"strings"

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

func (o *findingFlags) register(fs *flagSet) {
	fs.formatFlag(&o.Format, findingFormats...)
	fs.BoolVar(&o.ExitZero, "exit-zero", false, "exit 0 even when there are findings (to upload them)")
}

// resolve picks the format after parsing: github under GitHub Actions
// unless --format was given, and checks it.
func (o *findingFlags) resolve(env *cliEnv, fs *flagSet) error {
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "format" })
	o.Format = defaultFormat(env, o.Format, findingFormats[0], explicit)
	return checkFormat(o.Format, findingFormats...)
}

// write prints a command's findings: v as JSON, text, or l (its findings)
// as SARIF, workflow commands or code quality. failed says the check did
// not pass; unless --exit-zero that is a quiet errFindings.
func (o *findingFlags) write(env *cliEnv, l sarif.Log, v any, text func() []byte, failed bool) error {
	l.Version = version
	var err error
	switch o.Format {
	case "sarif":
		err = sarif.Write(env.stdout, l)
	case "github":
		err = workflowcmd.Write(env.stdout, annotations(l))
	case "gitlab":
		err = codequality.Write(env.stdout, l)
	default:
		err = writeOutput(env.stdout, o.Format, v, text)
	}
	if err != nil {
		return infra(err)
	}
	if failed && !o.ExitZero {
		return silent(errFindings)
	}
	return nil
}

// annotations turns findings into workflow commands, with the files and
// levels their SARIF form has.
func annotations(l sarif.Log) []workflowcmd.Annotation {
	as := make([]workflowcmd.Annotation, len(l.Results))
	for i, loc := range l.Locate() {
		r := l.Results[i]
		level := "notice"
		switch loc.Level {
		case sarif.Error:
			level = "error"
		case sarif.Warning:
			level = "warning"
		}
		msg := r.Message
		if r.Fix != "" {
			msg += " (fix: " + r.Fix + ")"
		}
		line := r.Line // 0: the whole file, no line property
		as[i] = workflowcmd.Annotation{Level: level, File: loc.File, Line: line, Col: r.Column, Title: "taskproof " + r.Rule, Message: msg}
	}
	return as
}

// repoTop is the top level of the git work tree holding dir, or dir
// itself (absolute) outside git.
func repoTop(dir string) string {
	abs, err := filepath.Abs(cmp.Or(dir, "."))
	if err != nil {
		return dir
	}
	out, err := exec.Command("git", "-C", abs, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return abs
	}
	return strings.TrimSpace(string(out))
}

// repoRelative makes file (as the user opens it from the working
// directory) relative to top, slash-separated; a file outside top stays
// as given.
func repoRelative(top, file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return filepath.ToSlash(file)
	}
	// git prints the top level with symlinks resolved.
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	if t, err := filepath.EvalSymlinks(top); err == nil {
		top = t
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(file)
	}
	return filepath.ToSlash(rel)
}
