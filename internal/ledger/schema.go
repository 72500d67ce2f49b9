package ledger

// applicationID marks a SQLite file as a taskproof ledger (PRAGMA
// application_id, "tprl"), so a foreign database is refused rather than
// migrated into.
const applicationID = 0x7470726c

// migrations[i] takes the schema from version i to version i+1. Append
// only: a released migration never changes, because ledgers in the field
// are already past it. SchemaVersion is len(migrations).
var migrations = []string{
	// v1: runs and their per-marker, per-test and per-item outcomes.
	`
CREATE TABLE runs (
	id              INTEGER PRIMARY KEY,
	kind            TEXT    NOT NULL CHECK (kind IN ('run', 'prove')),
	task_id         TEXT    NOT NULL,
	commit_id       TEXT    NOT NULL,
	dirty           INTEGER NOT NULL CHECK (dirty IN (0, 1)),
	profile         TEXT    NOT NULL,
	command         TEXT    NOT NULL, -- argv as a JSON array
	verdict         TEXT    NOT NULL,
	started_ns      INTEGER NOT NULL, -- Unix nanoseconds, UTC
	duration_ms     INTEGER NOT NULL,
	evidence_path   TEXT    NOT NULL,
	evidence_digest TEXT    NOT NULL
);
CREATE INDEX runs_by_task ON runs (task_id, started_ns, id);
CREATE INDEX runs_by_time ON runs (started_ns, id);

CREATE TABLE run_markers (
	run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	seq    INTEGER NOT NULL,
	marker TEXT    NOT NULL,
	seen   INTEGER NOT NULL CHECK (seen IN (0, 1)),
	line   INTEGER NOT NULL,
	at_ms  INTEGER, -- NULL when the time is unknown
	PRIMARY KEY (run_id, seq),
	UNIQUE (run_id, marker)
);

CREATE TABLE run_tests (
	run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	seq     INTEGER NOT NULL,
	suite   TEXT    NOT NULL,
	name    TEXT    NOT NULL,
	outcome TEXT    NOT NULL CHECK (outcome IN ('passed', 'failed', 'errored', 'skipped', 'not_run')),
	PRIMARY KEY (run_id, seq),
	UNIQUE (run_id, suite, name)
);

CREATE TABLE run_items (
	run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	seq     INTEGER NOT NULL,
	item    TEXT    NOT NULL,
	kind    TEXT    NOT NULL,
	verdict TEXT    NOT NULL,
	PRIMARY KEY (run_id, seq)
);
`,
	// v2: the shared runs behind a prove's proof commands: one run proves
	// every task that names it.
	`
CREATE TABLE run_proofs (
	run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	n      INTEGER NOT NULL, -- the proof command
	shared TEXT    NOT NULL, -- the shared run's id (same command, env, contract, profile)
	exec   TEXT    NOT NULL, -- the execution whose output proved it
	reused TEXT    NOT NULL, -- "" when it ran in this prove, else "cache" or the lane result
	PRIMARY KEY (run_id, n)
);
CREATE INDEX run_proofs_by_exec ON run_proofs (exec);
CREATE INDEX run_proofs_by_shared ON run_proofs (shared);
`,
}

// SchemaVersion is the ledger schema this taskproof reads and writes.
var SchemaVersion = len(migrations)
