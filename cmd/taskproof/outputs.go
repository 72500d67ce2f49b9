package main

import (
	"github.com/taskproof/taskproof/internal/board"
	"github.com/taskproof/taskproof/internal/contract"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/graph"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/lint"
	"github.com/taskproof/taskproof/internal/prove"
	"github.com/taskproof/taskproof/internal/report"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/testout"
)

// jsonOutputs are the JSON documents commands print with --format json,
// by the name of their schema (docs/schema/output/NAME.schema.json,
// generated from these types by TestOutputSchemas -update).
var jsonOutputs = map[string]any{
	"board":           board.Board{},
	"contract-lint":   contract.LintReport{},
	"contract-list":   contract.Listing{},
	"drift":           board.Report{},
	"evidence-show":   evidence.ShowReport{},
	"evidence-verify": evidence.VerifyReport{},
	"flaky":           ledger.FlakyReport{},
	"graph":           graph.Graph{},
	"history":         ledger.HistoryReport{},
	"hygiene":         scope.HygieneReport{},
	"lint":            lint.Report{},
	"plan":            prove.PlanView{},
	"prove":           prove.Result{},
	"prove-many":      manyReport{},
	"run":             report.Report{},
	"scope":           scope.Result{},
	"tests":           testout.Report{},
}
