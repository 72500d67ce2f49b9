package web_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/web"
)

// served is the body the server answers GET path with; anything but 200
// fails the test.
func served(t *testing.T, s *web.Server, path string) string {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("GET %s: %d\n%s", path, w.Code, w.Body)
	}
	return w.Body.String()
}

// testsRepo is a git repository whose TASK-0001 is proven by a test
// command that prints TAP, proven by the real binary.
func testsRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range map[string]string{
		"taskproof.toml": "[proof]\ncanonical = [\"./tap.sh\"]\n",
		".gitignore":     ".taskproof/\n",
		"tap.sh":         "#!/bin/sh\necho 'TAP version 13'\necho '1..3'\necho 'ok 1 - parse <b>x</b>'\necho 'ok 2 - reject'\necho 'ok 3 - slow # SKIP no disk'\n",
		"tasks/TASK-0001-tests.md": "---\ntitle: TASK-0001 Parser tests\nstatus: Done\n---\n\n## Context\n\n- x\n\n" +
			"## Stop conditions (Definition of Done)\n\n- **Proof (tests)**:\n  - Command(s):\n    - `./tap.sh`\n  - Required tests:\n    - `reject`\n\n" +
			"## Touched paths (allowlist)\n\n- `tap.sh`\n",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	git(t, root, "init", "-q", "-b", "main")
	git(t, root, "add", "-A")
	git(t, root, "commit", "-qm", "tests")
	tp(t, root, 0, "keygen")
	tp(t, root, 0, "prove", "TASK-0001")
	return root
}

// resign rewrites root's bundle of TASK-0001 with the file name replaced
// by data, signed again with the repository's key, so it verifies.
func resign(t *testing.T, root, name string, data []byte) {
	t.Helper()
	path := proofstate.BundlePath(root, task.ID("TASK-0001"))
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := evidence.Read(raw)
	if err != nil {
		t.Fatal(err)
	}
	var files []evidence.File
	for _, e := range c.Files {
		d, err := c.ReadFile(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		if e.Name == name {
			d = data
		}
		files = append(files, evidence.File{Name: e.Name, Data: d})
	}
	keyPEM, err := os.ReadFile(filepath.Join(root, evidence.DefaultPrivateKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	key, err := evidence.ParsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	out, err := evidence.Build(files, c.Statement.Predicate, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBundleFilesRoundTrip: every JSON file prove writes decodes into its
// type in internal/evidence and encodes back to the same bytes, so the
// readers' schema is the writer's, field for field.
func TestBundleFilesRoundTrip(t *testing.T) {
	root := testsRepo(t)
	raw, err := os.ReadFile(proofstate.BundlePath(root, "TASK-0001"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := evidence.Read(raw)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]func() any{
		evidence.ConfigName:   func() any { return new(evidence.Config) },
		evidence.TestsName(1): func() any { return new(evidence.Tests) },
		evidence.ScopeName:    func() any { return new(evidence.Scope) },
		evidence.HygieneName:  func() any { return new(evidence.Hygiene) },
	}
	for name, newV := range types {
		data, err := c.ReadFile(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		v := newV()
		if ok, err := evidence.Decode([]evidence.File{{Name: name, Data: data}}, name, v); !ok || err != nil {
			t.Errorf("%s: decode: %v", name, err)
			continue
		}
		again, err := evidence.JSONFile(v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, data) {
			t.Errorf("%s does not round-trip through its evidence type:\nwritten %s\nagain   %s", name, data, again)
		}
	}
	// The timed cases keep their durations through the shared type.
	data, _ := c.ReadFile(evidence.TestsName(1))
	if !strings.Contains(string(data), `"name": "reject"`) || !strings.Contains(string(data), `"skipped": 1`) {
		t.Errorf("tests/1.json lacks the TAP cases:\n%s", data)
	}
}

// TestBundleFileDecodeError: a verified bundle whose tests/1.json does not
// decode shows the error, naming the file, on the task and run pages; the
// file's data is not silently missing.
func TestBundleFileDecodeError(t *testing.T) {
	root := testsRepo(t)
	s := web.NewServer(root, web.Options{})
	clean := served(t, s, "/runs/e-TASK-0001.html")
	if !strings.Contains(clean, "reject (passed)") || strings.Contains(clean, "file-error") {
		t.Fatalf("the sound bundle's run page lacks its required test or shows a file error:\n%s", clean)
	}
	resign(t, root, evidence.TestsName(1), []byte(`{"format": "tap", "cases": [{"suite": 1`))
	for _, p := range []string{"/tasks/TASK-0001.html", "/runs/e-TASK-0001.html"} {
		body := served(t, s, p)
		if !strings.Contains(body, `class="bad-text file-error">evidence file error: files/tests/1.json does not decode`) {
			t.Errorf("GET %s: no error naming files/tests/1.json:\n%s", p, body)
		}
		if p == "/tasks/TASK-0001.html" && !strings.Contains(body, `<span class="good-text">verified</span>`) {
			t.Errorf("GET %s: the re-signed bundle does not verify, so the test proves nothing", p)
		}
	}
	// The same bundle in `evidence md`: the error names the file too.
	out := tp(t, root, 1, "evidence", "md", "TASK-0001")
	if !strings.Contains(out, "files/tests/1.json does not decode") {
		t.Errorf("evidence md does not name the file that does not decode:\n%s", out)
	}
}
