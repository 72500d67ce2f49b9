package repo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateTask: the first task of a repository without its tasks
// directory creates it; the next gets the next id; a follow-up of a
// missing task is ErrNoTask; a stray file at the new task's path is never
// overwritten; an unwritable tasks directory is ErrWrite.
func TestCreateTask(t *testing.T) {
	root := t.TempDir()
	r := Open(root)
	p1, err := r.CreateTask("Boot the guest", "2026-03-04", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "tasks", "TASK-0001-boot-the-guest.md"); p1 != want {
		t.Errorf("first task at %s, want %s", p1, want)
	}
	data, err := os.ReadFile(p1)
	if err != nil || !strings.Contains(string(data), "Boot the guest") || !strings.Contains(string(data), "2026-03-04") {
		t.Errorf("first task: %v\n%s", err, data)
	}
	p2, err := Open(root).CreateTask("Second", "2026-03-05", "")
	if err != nil || !strings.Contains(filepath.Base(p2), "TASK-0002") {
		t.Errorf("second task: %s, %v", p2, err)
	}
	if _, err := Open(root).CreateTask("Follow", "2026-03-05", "TASK-0042"); !errors.Is(err, ErrNoTask) {
		t.Errorf("follow-up of a missing task: %v, want ErrNoTask", err)
	}
	p3, err := Open(root).CreateTask("  Noise\thandshake ", "2026-03-05", "task-0001")
	if err != nil || filepath.Base(p3) != "TASK-0001B-noise-handshake.md" {
		t.Errorf("follow-up: %s, %v", p3, err)
	}
	for _, tt := range []struct{ title, date, followUp, want string }{
		{" \t", "2026-03-05", "", "the title is empty"},
		{"T", "05/03/2026", "", `--date "05/03/2026" is not a date`},
		{"T", "2026-03-05", "0001", `--follow-up "0001" is not a task id`},
	} {
		if _, err := Open(root).CreateTask(tt.title, tt.date, tt.followUp); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("CreateTask(%q, %q, %q): %v, want %q", tt.title, tt.date, tt.followUp, err, tt.want)
		}
	}
	// A pattern that matches only TASK-0001 hides the file the next task
	// would be: it is reported, never overwritten.
	narrow := t.TempDir()
	stray := filepath.Join(narrow, "tasks", "TASK-0002-notes.md")
	if err := os.MkdirAll(filepath.Dir(stray), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"taskproof.toml":           "[tasks]\npattern = \"TASK-0001*.md\"\n",
		"tasks/TASK-0001-a.md":     "---\ntitle: TASK-0001 A\nstatus: Draft\n---\n",
		"tasks/TASK-0002-notes.md": "notes\n",
	} {
		if err := os.WriteFile(filepath.Join(narrow, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Open(narrow).CreateTask("Notes", "2026-03-05", ""); !errors.Is(err, ErrTaskFileExists) || !strings.Contains(err.Error(), "TASK-0002-notes.md already exists") {
		t.Errorf("a hidden file at the new path: %v, want ErrTaskFileExists", err)
	}
	if got, _ := os.ReadFile(stray); string(got) != "notes\n" {
		t.Errorf("the hidden file was overwritten: %q", got)
	}
	if os.Geteuid() != 0 {
		ro := t.TempDir()
		if err := os.Mkdir(filepath.Join(ro, "tasks"), 0o555); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(ro).CreateTask("Nope", "2026-03-05", ""); !errors.Is(err, ErrWrite) {
			t.Errorf("read-only tasks directory: %v, want ErrWrite", err)
		}
	}
}
