package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DefaultRel is where the ledger lives, relative to the repository root.
const DefaultRel = ".taskproof/ledger.db"

// DefaultPath is the ledger of the repository at root.
func DefaultPath(root string) string {
	return filepath.Join(root, filepath.FromSlash(DefaultRel))
}

// busyTimeoutMS is how long a writer waits for another process's write
// transaction before giving up. Recording takes milliseconds; a proof
// takes seconds, so waiting long is cheap and failing is not.
const busyTimeoutMS = 10000

var (
	// ErrNewerSchema means the ledger was written by a newer taskproof.
	ErrNewerSchema = errors.New("ledger schema is newer than this taskproof")
	// ErrCorrupt means the file is not a readable taskproof ledger.
	ErrCorrupt = errors.New("not a readable taskproof ledger")
)

// kindError is an error that errors.Is matches against a sentinel while
// its message stays one plain sentence.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Is(target error) bool { return target == e.kind }

func (l *Ledger) moveAway() string {
	return fmt.Sprintf("move it away (mv %s %s.bak) and taskproof starts a new ledger", l.path, l.path)
}

func (l *Ledger) foreign() error {
	return &kindError{ErrCorrupt, fmt.Sprintf("%s is a SQLite database of another program, not a taskproof ledger; %s", l.path, l.moveAway())}
}

// Ledger is an open run history. It is safe for concurrent use; several
// Ledgers (in one process or many) may share one file.
type Ledger struct {
	db   *sql.DB
	path string
}

// Open opens the ledger at path, creating it and its directory (0755)
// when missing, and migrates its schema to SchemaVersion.
func Open(path string) (*Ledger, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create ledger directory: %w", err)
	}
	return open(path, "rwc")
}

// OpenExisting opens the ledger at path like Open, but never creates it:
// when there is no file it returns an error wrapping fs.ErrNotExist.
func OpenExisting(path string) (*Ledger, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("open ledger %s: is a directory", path)
	}
	// mode=rw: should the file vanish now, SQLite fails instead of creating it.
	return open(path, "rw")
}

func open(path, mode string) (*Ledger, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	// A file: URI so that any path (spaces, '?', '#') reaches SQLite
	// intact. The pragmas run on every new connection of the pool, busy
	// timeout first. synchronous=NORMAL is the WAL setting that cannot
	// corrupt the database; at worst a power cut loses the last runs.
	q := url.Values{}
	q.Set("mode", mode)
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate") // writers queue at BEGIN, where busy_timeout applies
	dsn := "file:" + (&url.URL{Path: filepath.ToSlash(abs)}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	// Writers take turns anyway; a few connections let reads overlap a write.
	db.SetMaxOpenConns(4)
	l := &Ledger{db: db, path: path}
	if err := l.init(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return l, nil
}

// Path is the file the ledger was opened from.
func (l *Ledger) Path() string { return l.path }

// Close closes the database; the last connection checkpoints the WAL.
func (l *Ledger) Close() error {
	if err := l.db.Close(); err != nil {
		return fmt.Errorf("close ledger %s: %w", l.path, err)
	}
	return nil
}

// init turns on WAL and migrates the schema.
func (l *Ledger) init(ctx context.Context) error {
	// Switching a new file to WAL needs an exclusive lock, and SQLite may
	// answer SQLITE_BUSY at once instead of calling the busy handler when
	// another process is opening the same file; retry within the busy
	// timeout, as the busy handler would.
	var mode string
	deadline := time.Now().Add(busyTimeoutMS * time.Millisecond)
	for delay := time.Millisecond; ; delay = min(delay*2, 50*time.Millisecond) {
		err := l.db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode)
		if err == nil {
			break
		}
		if !strings.Contains(err.Error(), "SQLITE_BUSY") || time.Now().After(deadline) {
			return l.wrap("enable WAL", err)
		}
		select {
		case <-ctx.Done():
			return l.wrap("enable WAL", ctx.Err())
		case <-time.After(delay):
		}
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("ledger %s: SQLite kept journal mode %q instead of WAL (is the file on a network file system?)", l.path, mode)
	}
	v, err := l.userVersion(ctx, l.db)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return l.newer(v)
	}
	for v < SchemaVersion {
		if v, err = l.migrate(ctx); err != nil {
			return err
		}
	}
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (l *Ledger) userVersion(ctx context.Context, q querier) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, l.wrap("read schema version", err)
	}
	return v, nil
}

func (l *Ledger) newer(v int) error {
	return &kindError{ErrNewerSchema, fmt.Sprintf("ledger schema v%d is newer than this taskproof (v%d); upgrade taskproof (ledger %s)", v, SchemaVersion, l.path)}
}

// migrate applies the next migration in one IMMEDIATE transaction,
// re-reading the version inside it: another process may have migrated
// since. It returns the version the database is at afterwards.
func (l *Ledger) migrate(ctx context.Context) (int, error) {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, l.wrap("begin migration", err)
	}
	defer tx.Rollback()
	v, err := l.userVersion(ctx, tx)
	if err != nil {
		return 0, err
	}
	switch {
	case v > SchemaVersion:
		return 0, l.newer(v)
	case v == SchemaVersion:
		return v, nil
	}
	var app int64
	if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return 0, l.wrap("read application id", err)
	}
	if v == 0 {
		var tables int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
			return 0, l.wrap("read schema", err)
		}
		if (app != 0 && app != applicationID) || tables > 0 {
			return 0, l.foreign()
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
			return 0, l.wrap("mark ledger", err)
		}
	} else if app != applicationID {
		return 0, l.foreign()
	}
	if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
		return 0, l.wrap(fmt.Sprintf("migrate schema v%d to v%d", v, v+1), err)
	}
	// user_version is part of the database header, written by this transaction.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
		return 0, l.wrap("write schema version", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, l.wrap(fmt.Sprintf("commit migration to v%d", v+1), err)
	}
	return v + 1, nil
}

// wrap adds the ledger path and, for a file SQLite cannot read, the fix.
func (l *Ledger) wrap(what string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return &kindError{ErrCorrupt, fmt.Sprintf("ledger %s cannot be read (%v); %s", l.path, err, l.moveAway())}
		}
	}
	return fmt.Errorf("ledger %s: %s: %w", l.path, what, err)
}
