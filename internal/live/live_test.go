package live

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/verify"
)

func spec() *verify.Spec {
	return &verify.Spec{
		Phases: []string{"boot", "end"},
		Markers: []verify.Marker{
			{ID: "boot ok", Text: "boot ok", Kind: verify.KindOK, Phase: "boot", Required: true},
			{ID: "net stub", Text: "net stub", Kind: verify.KindStub, Phase: "boot"},
			{ID: "all done", Text: "all done", Kind: verify.KindOK, Phase: "end", Required: true, Min: 1},
		},
		Forbidden: []verify.Marker{{ID: "FAIL", Text: "FAIL", Kind: verify.KindFail, Mode: verify.Substring}},
	}
}

func mark(id string, kind verify.Kind, phase string, line int, at time.Duration) harness.Mark {
	return harness.Mark{Observation: verify.Observation{Marker: id, Kind: kind, Phase: phase, Line: line}, At: at}
}

// TestRecordRoundTrip writes a run as a producer does and reads it back as
// the dashboard does, at every stage.
func TestRecordRoundTrip(t *testing.T) {
	root := t.TempDir()
	rec, err := Start(root, KindProve, "TASK-0001", []string{"taskproof", "prove", "TASK-0001"})
	if err != nil {
		t.Fatal(err)
	}
	id := rec.ID()
	if !ValidID(id) {
		t.Fatalf("id %q is not valid", id)
	}
	r, err := Read(root, id)
	if err != nil || r.State != Running || r.Effective() != Running || len(r.Steps) != 0 || r.Task != "TASK-0001" {
		t.Fatalf("after Start: %+v %v", r, err)
	}

	tap := rec.Step(1, "taskproof run -- ./boot.sh", []string{"./boot.sh"}, spec())
	tap.Console([]byte("firmware\r\nboot ok\r\nhalf a li"))
	tap.Mark(mark("boot ok", verify.KindOK, "boot", 2, 150*time.Millisecond))
	r, _ = Read(root, id)
	if len(r.Steps) != 1 || r.Steps[0].State != Running || len(r.Steps[0].Required) != 2 || r.Steps[0].Phases[1] != "end" {
		t.Fatalf("step: %+v", r.Steps)
	}
	if len(r.Steps[0].Markers) != 4 || r.Steps[0].Markers[3].Kind != "fail" {
		t.Errorf("declared markers: %+v", r.Steps[0].Markers)
	}
	marks, err := ReadMarks(root, id, 1, 0)
	if err != nil || len(marks) != 1 || marks[0] != (Mark{Marker: "boot ok", Kind: "ok", Phase: "boot", Line: 2, AtMS: 150}) {
		t.Fatalf("marks: %+v %v", marks, err)
	}
	tap.Console([]byte("ne\nall done\n"))
	tap.Mark(mark("all done", verify.KindOK, "end", 4, 300*time.Millisecond))
	rec.EndStep(1, "PASS", "PASS: 2/2 required markers", nil)
	tests := rec.Step(2, "go test ./...", []string{"go", "test", "-json", "./..."}, nil)
	tests.Console([]byte("ok\n"))
	rec.EndStep(2, "failed", "failed: TestX", &Failure{Kind: "CRASH", Message: "exit status 1"})
	if err := rec.Finish("failed", "8 items: 7 proven, 1 failed", 42); err != nil {
		t.Fatal(err)
	}

	r, _ = Read(root, id)
	if r.State != Finished || r.Verdict != "failed" || r.LedgerID != 42 || r.DurationMS < 0 {
		t.Errorf("finished record: %+v", r)
	}
	if r.Steps[0].Verdict != "PASS" || r.Steps[1].State != Finished || r.Steps[1].Failure == nil || r.Steps[1].Failure.Kind != "CRASH" {
		t.Errorf("steps: %+v", r.Steps)
	}
	p, _ := ConsolePath(root, id, 1)
	con, _ := os.ReadFile(p)
	if string(con) != "firmware\r\nboot ok\r\nhalf a line\nall done\n" {
		t.Errorf("console %q", con)
	}
	marks, _ = ReadMarks(root, id, 1, 1)
	if len(marks) != 1 || marks[0].Marker != "all done" {
		t.Errorf("marks after the first: %+v", marks)
	}
	list, err := List(root)
	if err != nil || len(list) != 1 || list[0].ID != id {
		t.Errorf("List: %+v %v", list, err)
	}
}

// TestReadMarksIgnoresPartialLine: a line still being written is not read.
func TestReadMarksIgnoresPartialLine(t *testing.T) {
	root := t.TempDir()
	id := NewID(time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), 7)
	if id != "20260102T030405-000006-7" {
		t.Fatalf("NewID: %q", id)
	}
	dir := filepath.Join(Path(root), id)
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, MarkersFile(1)), []byte(`{"marker":"a","kind":"ok","phase":"","line":1,"at_ms":5}`+"\n"+`{"marker":"b","ki`), 0o644)
	marks, err := ReadMarks(root, id, 1, 0)
	if err != nil || len(marks) != 1 || marks[0].Marker != "a" {
		t.Errorf("marks %+v %v", marks, err)
	}
	os.WriteFile(filepath.Join(dir, MarkersFile(2)), []byte("not json\n"), 0o644)
	if _, err := ReadMarks(root, id, 2, 0); err == nil || !strings.Contains(err.Error(), "2.markers.jsonl line 1") {
		t.Errorf("garbage: %v", err)
	}
	if m, err := ReadMarks(root, id, 3, 0); m != nil || err != nil {
		t.Errorf("missing file: %v %v", m, err)
	}
}

// TestValidIDRefusesPaths: ids come from URLs; only the producer's form
// may reach the file system.
func TestValidIDRefusesPaths(t *testing.T) {
	for _, s := range []string{"", "..", "../etc", "20260102T030405-000006-7/../x", "20260102T030405-000006-", "x20260102T030405-000006-7"} {
		if ValidID(s) {
			t.Errorf("ValidID(%q) = true", s)
		}
		if _, err := Read(t.TempDir(), s); err == nil {
			t.Errorf("Read(%q) succeeded", s)
		}
	}
}

// TestAbandoned: a running record whose producer died is abandoned.
func TestAbandoned(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no true(1):", err)
	}
	r := Record{State: Running, PID: cmd.Process.Pid}
	if got := r.Effective(); got != Abandoned {
		t.Errorf("dead producer: %s", got)
	}
	r.PID = os.Getpid()
	if got := r.Effective(); got != Running {
		t.Errorf("live producer: %s", got)
	}
}

// TestConsoleCap: a console beyond MaxConsole is cut with one line saying so.
func TestConsoleCap(t *testing.T) {
	root := t.TempDir()
	rec, err := Start(root, KindRun, "", []string{"x"})
	if err != nil {
		t.Fatal(err)
	}
	tap := rec.Step(1, "x", nil, nil)
	chunk := bytes.Repeat([]byte("0123456789abcde\n"), 4096) // 64 KiB
	for i := 0; i < MaxConsole/len(chunk)+3; i++ {
		tap.Console(chunk)
	}
	rec.Finish("PASS", "", 0)
	p, _ := ConsolePath(root, rec.ID(), 1)
	st, _ := os.Stat(p)
	if st.Size() > MaxConsole+200 || st.Size() < MaxConsole {
		t.Errorf("console is %d bytes, cap %d", st.Size(), MaxConsole)
	}
	data, _ := os.ReadFile(p)
	if !bytes.Contains(data[len(data)-200:], []byte("console cut at")) {
		t.Error("no truncation line")
	}
}

// TestPruneKeepsNewest: Start removes finished runs beyond Keep, never a
// running one.
func TestPruneKeepsNewest(t *testing.T) {
	root := t.TempDir()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	write := func(i int, state string, pid int) string {
		id := NewID(base.Add(time.Duration(i)*time.Second), pid)
		dir := filepath.Join(Path(root), id)
		os.MkdirAll(dir, 0o755)
		data, _ := json.Marshal(Record{Version: Version, ID: id, State: state, PID: pid, Steps: []Step{}})
		os.WriteFile(filepath.Join(dir, RecordFile), data, 0o644)
		return id
	}
	running := write(0, Running, os.Getpid()) // oldest, but alive
	for i := 1; i <= Keep+5; i++ {
		write(i, Finished, 1)
	}
	rec, err := Start(root, KindRun, "", []string{"x"})
	if err != nil {
		t.Fatal(err)
	}
	list, _ := List(root)
	if len(list) != Keep+2 {
		t.Errorf("%d records left, want %d (Keep finished, the running one, the new one)", len(list), Keep+2)
	}
	have := map[string]bool{}
	for _, r := range list {
		have[r.ID] = true
	}
	if !have[running] || !have[rec.ID()] {
		t.Errorf("pruned a running record or the new one")
	}
	if have[NewID(base.Add(time.Second), 1)] {
		t.Error("the oldest finished run survived")
	}
}

// TestNilRecorder: a producer without a live record carries on.
func TestNilRecorder(t *testing.T) {
	var r *Recorder
	if tap := r.Step(1, "x", nil, nil); tap != nil {
		t.Error("nil recorder returned a tap")
	}
	r.EndStep(1, "PASS", "", nil)
	if err := r.Finish("PASS", "", 0); err != nil || r.ID() != "" || r.Err() != nil {
		t.Error("nil recorder misbehaved")
	}
}

// TestStartUnwritable: Start reports a root it cannot write into.
func TestStartUnwritable(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, ".taskproof"), []byte("a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Start(root, KindRun, "", nil); err == nil {
		t.Error("Start succeeded under a file")
	}
}
