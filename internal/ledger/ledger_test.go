package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var ctx = context.Background()

// t0 is a fixed start time: the ledger has no clock, tests neither.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

func openTemp(t *testing.T) (*Ledger, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), ".taskproof", "ledger.db")
	l, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l, path
}

func pragmaInt(t *testing.T, l *Ledger, name string) int64 {
	t.Helper()
	var v int64
	if err := l.db.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

// rawDB opens path with the driver directly, bypassing Open's checks,
// to set up states Open must cope with.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func at(ms int64) *int64 { return &ms }

// fullRun uses every field, so a round trip checks every column.
func fullRun() Run {
	return Run{
		Kind:       KindProve,
		TaskID:     "TASK-0003B",
		Commit:     "0123456789abcdef0123456789abcdef01234567",
		Dirty:      true,
		Profile:    "smp",
		Command:    []string{"taskproof", "prove", "TASK-0003B", "--base", "main"},
		Verdict:    "FAILED",
		StartedAt:  t0,
		DurationMS: 1234,
		Markers: []MarkerOutcome{
			{Marker: "minios: boot ok", Seen: true, Line: 12, AtMS: at(0)},
			{Marker: "minios: timer ready", Seen: true, Line: 40, AtMS: nil},
			{Marker: "SELFTEST: end", Seen: false},
		},
		Tests: []TestOutcome{
			{Suite: "example.com/m/a", Name: "TestA", Outcome: Passed},
			{Suite: "example.com/m/b", Name: "TestA", Outcome: Failed},
			{Name: "test_reject_bad_input", Outcome: NotRun},
		},
		Items: []ItemOutcome{
			{Item: "./scripts/qemu-test.sh", Kind: "command", Verdict: "proven"},
			{Item: "TestA", Kind: "test", Verdict: "failed"},
		},
		EvidencePath:   ".taskproof/evidence/TASK-0003B.tar",
		EvidenceDigest: "sha256:" + strings.Repeat("ab", 32),
	}
}

func TestOpenCreatesAndMigrates(t *testing.T) {
	l, path := openTemp(t)
	st, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got&^0o022 != 0o755&^0o022 || !st.IsDir() {
		t.Errorf(".taskproof mode %v, want a 0755 directory (less umask)", st.Mode())
	}
	if got := pragmaInt(t, l, "user_version"); got != int64(SchemaVersion) || SchemaVersion != 2 {
		t.Errorf("user_version = %d, SchemaVersion = %d; want 2 and 2", got, SchemaVersion)
	}
	if got := pragmaInt(t, l, "application_id"); got != applicationID {
		t.Errorf("application_id = %#x, want %#x", got, applicationID)
	}
	if got := pragmaInt(t, l, "foreign_keys"); got != 1 {
		t.Errorf("foreign_keys = %d, want 1", got)
	}
	if got := pragmaInt(t, l, "busy_timeout"); got != busyTimeoutMS {
		t.Errorf("busy_timeout = %d, want %d", got, busyTimeoutMS)
	}
	var mode string
	if err := l.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var tables []string
	rows, err := l.db.Query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if want := []string{"run_items", "run_markers", "run_proofs", "run_tests", "runs"}; !reflect.DeepEqual(tables, want) {
		t.Errorf("tables %v, want %v", tables, want)
	}
	// The WAL mode is in the file: a plain connection sees it too.
	l.Close()
	db := rawDB(t, path)
	defer db.Close()
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("after reopen journal_mode = %q, %v; want wal", mode, err)
	}
}

func TestOpenEmptyFileMigrates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Open(path)
	if err != nil {
		t.Fatalf("Open of an empty file: %v", err)
	}
	defer l.Close()
	if got := pragmaInt(t, l, "user_version"); got != int64(SchemaVersion) {
		t.Errorf("user_version = %d, want %d", got, SchemaVersion)
	}
}

func TestReopenKeepsData(t *testing.T) {
	l, path := openTemp(t)
	want := fullRun()
	id, err := l.Record(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// The last close checkpoints the WAL into the database file.
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s-wal still there after Close: %v", path, err)
	}
	l2, err := OpenExisting(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	got, err := l2.History(ctx, "TASK-0003B", 0)
	if err != nil {
		t.Fatal(err)
	}
	want.ID = id
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("after reopen got\n%+v\nwant\n%+v", got, want)
	}
}

func TestRecordRoundTripNormalisesTime(t *testing.T) {
	l, _ := openTemp(t)
	r := fullRun()
	r.StartedAt = t0.In(time.FixedZone("CET", 3600))
	r.Command = nil
	r.Markers, r.Tests, r.Items = nil, nil, nil
	if _, err := l.Record(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := l.History(ctx, AllTasks, 0)
	if err != nil {
		t.Fatal(err)
	}
	g := got[0]
	if !g.StartedAt.Equal(t0) || g.StartedAt.Location() != time.UTC {
		t.Errorf("StartedAt = %v, want %v in UTC", g.StartedAt, t0)
	}
	if g.Command == nil || len(g.Command) != 0 || g.Markers == nil || g.Tests == nil || g.Items == nil {
		t.Errorf("empty lists should read back empty, not nil: %+v", g)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	l, path := openTemp(t)
	newer := SchemaVersion + 1
	if _, err := l.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", newer)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	_, err := Open(path)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open = %v, want ErrNewerSchema", err)
	}
	for _, want := range []string{fmt.Sprintf("ledger schema v%d is newer than this taskproof (v%d); upgrade taskproof", newer, SchemaVersion), path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestCorruptFileRefused(t *testing.T) {
	garbage := bytes.Repeat([]byte("this is not a database\x00\xff"), 400)
	// headerOK keeps a valid SQLite header but overwrites page 1's schema.
	headerOK := func(t *testing.T, path string) {
		l, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Record(ctx, fullRun()); err != nil {
			t.Fatal(err)
		}
		l.Close()
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteAt(bytes.Repeat([]byte{0xee}, 3000), 100); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, path string)
		want  string
	}{
		{"garbage", func(t *testing.T, path string) { os.WriteFile(path, garbage, 0o644) }, "file is not a database"},
		{"short garbage", func(t *testing.T, path string) { os.WriteFile(path, []byte("hello\n"), 0o644) }, "file is not a database"},
		{"broken schema page", headerOK, "malformed"},
		{"another program's database", func(t *testing.T, path string) {
			db := rawDB(t, path)
			defer db.Close()
			if _, err := db.Exec("CREATE TABLE notes (body TEXT)"); err != nil {
				t.Fatal(err)
			}
		}, "SQLite database of another program"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ledger.db")
			tc.setup(t, path)
			for _, open := range []func(string) (*Ledger, error){Open, OpenExisting} {
				l, err := open(path)
				if err == nil {
					l.Close()
					t.Fatal("opened a corrupt ledger without error")
				}
				if !errors.Is(err, ErrCorrupt) {
					t.Errorf("error %v is not ErrCorrupt", err)
				}
				msg := err.Error()
				for _, want := range []string{path, tc.want, "move it away (mv " + path + " " + path + ".bak)"} {
					if !strings.Contains(msg, want) {
						t.Errorf("error %q does not contain %q", msg, want)
					}
				}
			}
		})
	}
}

func TestOpenExistingNeverCreates(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".taskproof", "ledger.db")
	_, err := OpenExisting(path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("OpenExisting of a missing ledger = %v, want fs.ErrNotExist", err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenExisting created %s", filepath.Dir(path))
	}
}

func TestDefaultPath(t *testing.T) {
	if got, want := DefaultPath("/repo"), filepath.FromSlash("/repo/.taskproof/ledger.db"); got != want {
		t.Errorf("DefaultPath = %q, want %q", got, want)
	}
}

func TestRecordRejects(t *testing.T) {
	l, _ := openTemp(t)
	for _, tc := range []struct {
		name   string
		modify func(r *Run)
		want   string
	}{
		{"kind", func(r *Run) { r.Kind = "build" }, `kind "build" is not one of run, prove`},
		{"prove without task", func(r *Run) { r.TaskID = "" }, "a prove needs its task id"},
		{"verdict", func(r *Run) { r.Verdict = "" }, "no verdict"},
		{"start", func(r *Run) { r.StartedAt = time.Time{} }, "no start time"},
		{"start range", func(r *Run) { r.StartedAt = time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC) }, "start time 1600-01-01T00:00:00Z out of range"},
		{"duration", func(r *Run) { r.DurationMS = -1 }, "negative duration"},
		{"marker name", func(r *Run) { r.Markers[1].Marker = "" }, "marker 2 has no name"},
		{"marker twice", func(r *Run) { r.Markers[2].Marker = r.Markers[0].Marker }, `marker "minios: boot ok" listed twice`},
		{"test name", func(r *Run) { r.Tests[0].Name = "" }, "test 1 has no name"},
		{"test outcome", func(r *Run) { r.Tests[0].Outcome = "ok" }, `outcome "ok" is not one of`},
		{"test twice", func(r *Run) { r.Tests[1].Suite = r.Tests[0].Suite }, "test TestA (example.com/m/a) listed twice"},
		{"item", func(r *Run) { r.Items[0].Verdict = "" }, "item 1 needs both"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := fullRun()
			tc.modify(&r)
			_, err := l.Record(ctx, r)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Record = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	runs, err := l.History(ctx, AllTasks, 0)
	if err != nil || len(runs) != 0 {
		t.Errorf("rejected runs left %d rows (%v)", len(runs), err)
	}
	// The same test name in two suites, and a plain run without a task, are fine.
	r := fullRun()
	r.Kind, r.TaskID = KindRun, ""
	if _, err := l.Record(ctx, r); err != nil {
		t.Errorf("valid plain run rejected: %v", err)
	}
}

func TestHistoryOrderAndFilter(t *testing.T) {
	l, _ := openTemp(t)
	rec := func(task string, startSec int) int64 {
		r := Run{Kind: KindProve, TaskID: task, Verdict: "PASS", StartedAt: t0.Add(time.Duration(startSec) * time.Second)}
		if task == "" {
			r.Kind = KindRun
		}
		id, err := l.Record(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a1 := rec("TASK-0001", 10)
	a2 := rec("TASK-0001", 30)
	b1 := rec("TASK-0002", 20)
	a3 := rec("TASK-0001", 30) // same start as a2: the newer id comes first
	p1 := rec("", 40)
	a4 := rec("TASK-0001", 5) // recorded last, started first

	ids := func(task string, limit int) []int64 {
		runs, err := l.History(ctx, task, limit)
		if err != nil {
			t.Fatal(err)
		}
		out := []int64{}
		for _, r := range runs {
			out = append(out, r.ID)
		}
		return out
	}
	for _, tc := range []struct {
		task  string
		limit int
		want  []int64
	}{
		{"TASK-0001", 0, []int64{a3, a2, a1, a4}},
		{"TASK-0001", 2, []int64{a3, a2}},
		{"TASK-0001", -1, []int64{a3, a2, a1, a4}},
		{"TASK-0002", 0, []int64{b1}},
		{"TASK-0009", 0, []int64{}},
		{AllTasks, 0, []int64{p1, a3, a2, b1, a1, a4}},
		{AllTasks, 3, []int64{p1, a3, a2}},
	} {
		if got := ids(tc.task, tc.limit); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("History(%q, %d) = %v, want %v", tc.task, tc.limit, got, tc.want)
		}
	}
}

func TestHistoryManyRunsLoadsDetails(t *testing.T) {
	// More runs than one IN (...) chunk, so details are loaded in chunks.
	l, _ := openTemp(t)
	n := detailChunk + 7
	for i := 0; i < n; i++ {
		r := Run{Kind: KindRun, Verdict: "PASS", StartedAt: t0.Add(time.Duration(i) * time.Second),
			Markers: []MarkerOutcome{{Marker: fmt.Sprintf("m%d", i), Seen: i%2 == 0}}}
		if _, err := l.Record(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := l.History(ctx, AllTasks, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != n {
		t.Fatalf("%d runs, want %d", len(runs), n)
	}
	for k, r := range runs {
		i := n - 1 - k
		want := []MarkerOutcome{{Marker: fmt.Sprintf("m%d", i), Seen: i%2 == 0}}
		if !reflect.DeepEqual(r.Markers, want) {
			t.Fatalf("run %d markers %+v, want %+v", r.ID, r.Markers, want)
		}
	}
}

// TestProvedBy: a shared run's id and an execution's id each find the
// tasks whose proves it proved; a run that proved nothing finds none.
func TestProvedBy(t *testing.T) {
	l, _ := openTemp(t)
	ctx := t.Context()
	for _, task := range []string{"TASK-0002", "TASK-0001", "TASK-0003"} {
		run := Run{Kind: KindProve, TaskID: task, Commit: "c", Command: []string{"taskproof", "prove", "--all"}, Verdict: "proven",
			StartedAt: time.Unix(1, 0), Proofs: []ProofRun{{N: 1, Shared: "aaa", Exec: "e1"}}}
		if task == "TASK-0003" {
			run.Proofs = []ProofRun{{N: 1, Shared: "bbb", Exec: "e2", Reused: "cache"}, {N: 2, Shared: "aaa", Exec: "e1"}}
		}
		if _, err := l.Record(ctx, run); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		run  string
		want []string
	}{{"aaa", []string{"TASK-0001", "TASK-0002", "TASK-0003"}}, {"e2", []string{"TASK-0003"}}, {"zzz", nil}} {
		got, err := l.ProvedBy(ctx, c.run)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ProvedBy(%s) = %v, %v; want %v", c.run, got, err, c.want)
		}
	}
}
