package lint

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

// TestLinkPathCodeSpans: code spans that hold a slash or a dot but are
// not paths (addresses, calls, joined spans, versions) are not link
// targets; paths with dots, dashes and trailing slashes still are.
func TestLinkPathCodeSpans(t *testing.T) {
	for _, tt := range []struct{ target, want string }{
		{"`192.168.7.1/16`", ""},
		{"`10.0.2.2`", ""},
		{"`fs.open(\"/var/x\", O_RDONLY)`", ""},
		{"`store.get('/cfg/a')`", ""},
		{"`.tar`/`unpackd`", ""},
		{"`a=1/b`", ""},
		{"`2.0.1`", ""},
		{"`1.5/2.0`", ""},
		{"`fn(x)/y`", ""},
		{"`docs/rfcs/RFC-0007-net.md`", "docs/rfcs/RFC-0007-net.md"},
		{"`./scripts/qemu-run.sh`", "./scripts/qemu-run.sh"},
		{"`source/apps/self_test/`", "source/apps/self_test/"},
		{"`v2/schema.json`", "v2/schema.json"},
		{"`.github/workflows/ci.yml`", ".github/workflows/ci.yml"},
		// Paths in another namespace than the repository.
		{"`state:/prefs/device.nxs`", ""},
		{"pkg:/apps/x.toml", ""},
		{"C:/Users/x/notes.md", ""},
		{"docs/x.md:12", "docs/x.md"},
		{"tasks/TASK-0064", "tasks/TASK-0064"}, // resolved against the task files by checkLinks
	} {
		got, ok := linkPath(tt.target)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("linkPath(%q) = %q, %v; want %q", tt.target, got, ok, tt.want)
		}
	}
}

// TestBrokenLinkCodeSpans: in testdata/codespans the address, call,
// joined-span and version spans give no broken-link, and the two missing
// paths written in code spans still do.
func TestBrokenLinkCodeSpans(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "codespans", "TASK-0001-net.md"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := task.Parse("tasks/TASK-0001-net.md", src)
	if err != nil {
		t.Fatal(err)
	}
	exists := map[string]bool{"docs/rfc.md": true, "tasks": true}
	ds := Check([]*task.Document{d}, memEnv([]*task.Document{d}, map[string][]byte{d.Path: src}, exists))
	var lines []int
	for _, x := range ruleHits(ds, "broken-link") {
		lines = append(lines, x.Line)
	}
	if !slices.Equal(lines, []int{7, 16}) {
		t.Errorf("broken-link on lines %v, want 7 and 16 (the two missing paths)\n%v", lines, ds)
	}
}

// TestCorpusCodeSpans: at f5405da0 the address, call and joined spans of
// TASK-0003, TASK-0019 and TASK-0034 give no broken-link, while missing
// paths written in code spans elsewhere still do.
func TestCorpusCodeSpans(t *testing.T) {
	_, names, src, exists := corpusFiles(t)
	docs := parseAll(t, names, src)
	ds := Check(docs, memEnv(docs, src, exists))
	quiet := map[string][]int{"TASK-0003-": {181}, "TASK-0019-": {290}, "TASK-0034-": {74, 148}}
	inSpan := 0
	for _, d := range ruleHits(ds, "broken-link") {
		for prefix, lines := range quiet {
			if strings.HasPrefix(d.File, "tasks/"+prefix) && slices.Contains(lines, d.Line) {
				t.Errorf("broken-link on a code span that is not a path: %+v", d)
			}
		}
		line := strings.Split(string(src[d.File]), "\n")[d.Line-1]
		target := strings.TrimPrefix(d.Message, "link target ")
		target = target[:strings.Index(target, " does not exist")]
		if strings.Contains(line, "`"+target+"`") {
			inSpan++
		}
	}
	if inSpan == 0 {
		t.Error("no broken-link for a missing path written in a code span")
	}
}
