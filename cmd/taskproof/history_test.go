package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/taskproof/taskproof/internal/ledger"
)

// TestLedgerScript runs the history and flaky scripts that need recorded
// runs (testdata/ledger-script/*.txtar). Until run and prove record runs
// themselves, the scripts fill the ledger with ledger-record, which
// stores runs described in JSON through the real ledger.Record, exactly
// as run and prove will: a test-only command, not part of taskproof.
func TestLedgerScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/ledger-script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"ledger-record":         cmdLedgerRecord,
			"ledger-schema-version": cmdLedgerSchemaVersion,
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
	})
}

// cmdLedgerRecord: ledger-record ROOT RUNS.json records every run of the
// JSON array (ledger.Run's JSON form) into ROOT's ledger, creating it.
func cmdLedgerRecord(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: ledger-record ROOT RUNS.json")
	}
	var runs []ledger.Run
	data := ts.ReadFile(args[1])
	if err := json.Unmarshal([]byte(data), &runs); err != nil {
		ts.Fatalf("%s: %v", args[1], err)
	}
	l, err := ledger.Open(ledger.DefaultPath(ts.MkAbs(args[0])))
	ts.Check(err)
	defer l.Close()
	for _, r := range runs {
		_, err := l.Record(context.Background(), r)
		ts.Check(err)
	}
}

// cmdLedgerSchemaVersion: ledger-schema-version ROOT N sets the schema
// version of ROOT's ledger behind taskproof's back, as a newer taskproof
// would have left it.
func cmdLedgerSchemaVersion(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: ledger-schema-version ROOT N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	db, err := sql.Open("sqlite", ledger.DefaultPath(ts.MkAbs(args[0])))
	ts.Check(err)
	defer db.Close()
	_, err = db.Exec("PRAGMA user_version = " + strconv.Itoa(n))
	ts.Check(err)
}
