// Package ledger is taskproof's run history: an embedded SQLite database
// (the real engine, pure Go: modernc.org/sqlite, no cgo, no server) that
// keeps every `run` and `prove` with its verdict, timings, per-marker and
// per-test outcomes, Definition-of-Done verdicts and the evidence it
// produced. It answers two questions: what happened to a task over time
// (History) and which markers and tests are unstable on the same code
// (Flaky).
//
// # File
//
// The database lives at DefaultPath(root), `.taskproof/ledger.db` under
// the repository root. Open creates it (and `.taskproof/`, mode 0755) on
// first use; OpenExisting never creates anything and returns an error
// wrapping fs.ErrNotExist when there is no ledger yet, for read-only
// commands (history, flaky). Every connection runs with a busy timeout and
// foreign keys on, and the file is in WAL mode (checked on open), so
// several taskproof processes may record at the same time: a writer waits
// for the other (write transactions are BEGIN IMMEDIATE) instead of
// failing. The schema is versioned by PRAGMA user_version (and marked by
// PRAGMA application_id) and migrated forward on open, each migration in
// one transaction that re-reads the version, so two processes opening a
// new ledger at once migrate it once. A database written by a newer
// taskproof is refused (ErrNewerSchema, "ledger schema v3 is newer than
// this taskproof (v1); upgrade taskproof"); a file that is not a taskproof
// ledger (garbage, a corrupt or foreign SQLite file) is refused
// (ErrCorrupt) naming the file and the fix: move it away.
//
// # Recording (for the integrator of run and prove)
//
// After the verdict is known and the reports and evidence are written,
// the command records one Run and closes the ledger:
//
//	l, err := ledger.Open(ledger.DefaultPath(root))
//	if err != nil { /* warn on stderr; the proof itself stands */ }
//	defer l.Close()
//	id, err := l.Record(ctx, ledger.Run{
//		Kind:       ledger.KindRun,          // or ledger.KindProve
//		TaskID:     "",                      // prove: the canonical task.ID ("TASK-0003B"); run: ""
//		Commit:     headSHA,                 // full hex of HEAD; "" outside git
//		Dirty:      worktreeHasChanges,      // dirty runs are history, never flaky statistics
//		Profile:    src.profile,             // contract profile, "" when none
//		Command:    o.Argv,                  // run: the verified argv; prove: prove's own argv
//		Verdict:    string(res.Verdict),     // run: the verify.Verdict; prove: its overall verdict
//		StartedAt:  started,                 // the caller's clock (the ledger has none); read back in UTC
//		DurationMS: out.Duration.Milliseconds(),
//		Markers:    markers,                 // one per required marker, from report.Check: {c.Marker, c.Count > 0, c.Line, c.AtMS}
//		Tests:      tests,                   // one per test case: {c.Suite, c.Name, ledger.Outcome(c.Outcome)}; NotRun for a required test that never ran
//		Items:      items,                   // prove: one per Definition-of-Done item, verdict proven, failed or not_run
//		EvidencePath:   bundleRelPath,       // slash-separated, relative to the root; "" when none
//		EvidenceDigest: "sha256:…",          // "" when none
//	})
//
// Record validates the run (Kind run or prove, a Verdict, a StartedAt
// between 1970 and 2261, a TaskID for prove, named markers and tests,
// known test outcomes, no marker or test listed twice: fold repeated
// executions of one test, e.g. go test -count=2, into one outcome first)
// and writes it with its markers, tests and items in one transaction. A
// failure to record should be a warning that does not change the proof's
// exit code: the ledger is history, the evidence is the proof.
//
// Flaky groups runs by (task, command, commit, profile): the same proof of
// the same code under the same configuration. So a prove records prove's
// own argv as Command (not a concatenation of its proof commands), and a
// caller that cannot name a clean commit says so (Commit "" or Dirty
// true), which keeps the run out of the flaky statistics.
//
// # Reading
//
// History(ctx, taskID, limit) returns a task's runs (AllTasks: every run,
// plain runs included) newest first by StartedAt, ties broken by the
// higher id, with markers, tests and items in recorded order; limit <= 0
// means all. Flaky(ctx, FlakyOptions{MinRuns}) returns the markers and
// tests whose outcome varied within a group of at least MinRuns runs, with
// per-outcome counts, the rate of the good outcome (seen, passed) and an
// instability (1 - the share of the most common outcome), most unstable
// first, then by kind and name.
package ledger
