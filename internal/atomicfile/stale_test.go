package atomicfile

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// The test binary doubles as a writer that gets killed: with
// ATOMICFILE_HOLD=TARGET it creates TARGET's temporary file, writes part
// of the content, prints the file's name and waits to be killed.
func TestMain(m *testing.M) {
	if target := os.Getenv("ATOMICFILE_HOLD"); target != "" {
		f, err := CreateTemp(target)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		f.WriteString("half of the new cont")
		fmt.Println(f.Name())
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holdTemp starts a writer process holding target's temporary file.
func holdTemp(t *testing.T, target string) (*exec.Cmd, string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "ATOMICFILE_HOLD="+target)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("writer: %v", err)
	}
	return cmd, strings.TrimSpace(line)
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func TestIsTemp(t *testing.T) {
	for _, tc := range []struct {
		path string
		want bool
	}{
		{".TASK-0001-boot.md.tmp-123456", true},
		{"tasks/.TASK-0001-boot.md.tmp-9", true},
		{".taskproof/evidence/.TASK-0001.tar.tmp-42", true},
		{".a.tmp-1", true},
		{".tmp-1", false},                       // no target name
		{"TASK-0001.md.tmp-1", false},           // not hidden
		{".TASK-0001.md.tmp-", false},           // no digits
		{".TASK-0001.md.tmp-12x", false},        // not only digits
		{".TASK-0001.md.swp", false},            // another tool's file
		{".TASK-0001.md.tmp.123", false},        // another tool's pattern
		{".TASK-0001.md.tmp-1/notes.md", false}, // a directory of that name
		{"tasks/TASK-0001.md", false},
	} {
		if got := IsTemp(tc.path); got != tc.want {
			t.Errorf("IsTemp(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

// TestSweepAfterKilledWriter: a writer killed with SIGKILL mid-write leaves
// its temporary file; a sweep leaves it alone while the writer lives and
// removes it, and only it, once the writer is dead.
func TestSweepAfterKilledWriter(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "TASK-0001.md")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Look-alikes that are not ours.
	for _, n := range []string{".TASK-0001.md.swp", "TASK-0001.md.tmp-1", ".x.tmp-12x"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before := names(t, dir)
	writer, tmp := holdTemp(t, target)
	if !IsTemp(tmp) || filepath.Dir(tmp) != dir {
		t.Fatalf("temporary file %q is not named as IsTemp says, in %s", tmp, dir)
	}
	// Old as it may be, a file whose writer lives is never removed.
	old := time.Now().Add(-24 * time.Hour)
	if err := os.Chtimes(tmp, old, old); err != nil {
		t.Fatal(err)
	}
	if removed, err := SweepStale(dir); err != nil || len(removed) != 0 {
		t.Fatalf("sweep with a live writer removed %v (%v)", removed, err)
	}
	if err := writer.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = writer.Wait()
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("the killed writer left no temporary file: %v", err)
	}
	removed, err := SweepStale(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != tmp {
		t.Fatalf("sweep removed %v, want [%s]", removed, tmp)
	}
	if got := names(t, dir); strings.Join(got, " ") != strings.Join(before, " ") {
		t.Errorf("after the sweep: %v, want %v", got, before)
	}
	if b, _ := os.ReadFile(target); string(b) != "old" {
		t.Errorf("target changed to %q", b)
	}
}

// TestWriteSweepsStale: the next write into the directory cleans up after
// a killed writer, and never a live one's file.
func TestWriteSweepsStale(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "board.md")
	dead, deadTmp := holdTemp(t, target)
	_, liveTmp := holdTemp(t, filepath.Join(dir, "other.md"))
	if err := dead.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = dead.Wait()
	if err := Write(target, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(deadTmp); !os.IsNotExist(err) {
		t.Errorf("stale %s survived the next write: %v", deadTmp, err)
	}
	if _, err := os.Stat(liveTmp); err != nil {
		t.Errorf("a live writer's %s was removed: %v", liveTmp, err)
	}
	if got := names(t, dir); len(got) != 2 {
		t.Errorf("directory holds %v, want board.md and the live writer's file", got)
	}
}
