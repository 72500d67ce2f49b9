package main

import (
	"errors"
	"io"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/proofrun"
	"github.com/taskproof/taskproof/internal/report"
	"github.com/taskproof/taskproof/internal/verify"
)

// What run and verify share: their exit codes, where markers come from,
// and how a report is written and printed.

// proofHelp is the end of the help of run and verify: where markers come
// from, and their exit codes.
var proofHelp = helpText("proof-markers") + "\n\n" + helpText("proof-exit")

// emitProof writes the report files and prints the verdict: the JSON
// report on stdout with --format json, otherwise the PASS line on stdout
// or the failure on stderr. unit measures the run ("in 0.8s").
func emitProof(env *cli.Env, f proofrun.Flags, r *report.Report, unit string) error {
	errs := []error{proofrun.WriteReports(r, proofrun.Reports{Report: f.Report, JUnit: f.JUnit, Summary: f.Summary})}
	if err := cli.AppendStepSummary(env, r.Markdown()); err != nil {
		errs = append(errs, err)
	}
	switch {
	case f.Format == "json":
		env.Stdout.Write(cli.WithSchemaVersion(r.JSON()))
	case r.Verdict == string(verify.Pass):
		io.WriteString(env.Stdout, r.Text(unit))
	default:
		io.WriteString(env.Stderr, r.Text(unit))
	}
	return errors.Join(errs...)
}

// verdictError is the silent error of a report's verdict: nil for PASS,
// else the class of the exit code run and verify document.
func verdictError(r *report.Report) error {
	if err := proofrun.VerdictError(verify.Verdict(r.Verdict)); err != nil {
		return cli.Silent(err)
	}
	return nil
}
