package prove

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/task"
)

func TestManyReportFinish(t *testing.T) {
	p := &Plan{Tasks: []*TaskPlan{
		{Doc: &task.Document{ID: "TASK-0001", Path: "tasks/TASK-0001.md"}, Fresh: "sha256:aa"},
		{Doc: &task.Document{ID: "TASK-0002", Path: "tasks/TASK-0002.md"}},
	}}
	for _, c := range []struct {
		name    string
		verdict string // of TASK-0002, proved in this prove
		left    []LeftView
		lanes   []LaneProblem
		want    string
	}{
		{"all proven", evidence.Proven, nil, nil, evidence.Proven},
		{"a task failed", evidence.Failed, nil, nil, evidence.Failed},
		{"left out without a proof", evidence.Proven, []LeftView{{Task: "TASK-0003", NoProof: true}}, nil, evidence.Proven},
		{"left out with a proof", evidence.Proven, []LeftView{{Task: "TASK-0003", Reason: "refused"}}, nil, evidence.Failed},
		{"a lane left nothing", evidence.Proven, nil, []LaneProblem{{Lane: "r1", Message: "no result"}}, evidence.Failed},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &ManyReport{Verdict: evidence.Proven, Tasks: []ManyTask{}, Left: c.left, Lanes: c.lanes, byTask: map[string]ManyTask{}}
			r.Add(Result{Task: "TASK-0002", File: "tasks/TASK-0002.md", Verdict: c.verdict}, &Sealed{Path: ".taskproof/evidence/TASK-0002.tar", Digest: "sha256:bb"})
			r.Finish(p)
			if r.Verdict != c.want {
				t.Errorf("verdict %s, want %s", r.Verdict, c.want)
			}
			if len(r.Tasks) != 2 || !r.Tasks[0].UpToDate || r.Tasks[0].Evidence != ".taskproof/evidence/TASK-0001.tar" || r.Tasks[1].UpToDate {
				t.Errorf("tasks %+v: want TASK-0001 up to date, TASK-0002 proved now", r.Tasks)
			}
			text := string(r.Text())
			if !strings.Contains(text, "TASK-0001  proven   .taskproof/evidence/TASK-0001.tar (up to date)") ||
				!strings.Contains(text, strings.ToUpper(c.want)+": 2 task(s)") {
				t.Errorf("text:\n%s", text)
			}
			md := string(r.JobSummary())
			if !strings.HasPrefix(md, "## taskproof: "+c.want) || !strings.Contains(md, "| TASK-0002 | "+c.verdict+" | `.taskproof/evidence/TASK-0002.tar` sha256:bb |") {
				t.Errorf("job summary:\n%s", md)
			}
		})
	}
}

func TestRefusedLines(t *testing.T) {
	e := &RefusedError{Task: &task.Document{ID: "TASK-0001", Path: "tasks/t.md"}, Problems: []dod.Problem{
		{Line: 12, Message: "no proof command"}, {Message: "no Definition of Done"},
	}}
	got := strings.Join(e.Lines(), "\n")
	if want := "tasks/t.md:12: no proof command\ntasks/t.md: no Definition of Done"; got != want {
		t.Errorf("lines:\n%s\nwant:\n%s", got, want)
	}
}

func TestReadLanes(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	if res, _, err := ReadLanes([]string{empty}, pub); err != nil || len(res) != 0 {
		t.Errorf("a directory without results: %v %v, want none and no error", res, err)
	}
	file := filepath.Join(empty, "not-a-dir")
	os.WriteFile(file, nil, 0o644)
	if _, _, err := ReadLanes([]string{file}, pub); err == nil || !strings.Contains(err.Error(), "is not a directory of lane results") {
		t.Errorf("a file as DIR: %v", err)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, LaneFile("r1")), []byte("{}"), 0o644)
	if _, _, err := ReadLanes([]string{bad}, pub); !errors.Is(err, ErrNotProven) || !strings.Contains(err.Error(), LaneFile("r1")) {
		t.Errorf("an unsigned result: %v, want ErrNotProven naming the file", err)
	}
}
