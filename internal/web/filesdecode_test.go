package web_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/gittest"
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

// tapScript prints TAP with markup in a comment line.
const tapScript = "#!/bin/sh\necho 'TAP version 13'\necho '1..3'\necho '# </script><script>alert(5)</script>'\n" +
	"echo 'ok 1 - parse <b>x</b>'\necho 'ok 2 - reject'\necho 'ok 3 - slow # SKIP no disk'\n"

// testsRepo is a git repository whose TASK-0001 (titled title) is proven
// by a test command that prints TAP with markup in it, proven once by the
// real binary.
func testsRepo(t *testing.T, title string) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range map[string]string{
		"taskproof.toml": "[proof]\ncanonical = [\"./tap.sh\"]\n",
		".gitignore":     ".taskproof/\n",
		"tap.sh":         tapScript,
		"tasks/TASK-0001-tests.md": "---\ntitle: TASK-0001 " + title + "\nstatus: Done\n---\n\n## Context\n\n- x\n\n" +
			"## Stop conditions (Definition of Done)\n\n- **Proof (tests)**:\n  - Command(s):\n    - `./tap.sh`\n  - Required tests:\n    - `reject`\n\n" +
			"## Touched paths (allowlist)\n\n- `tap.sh`\n",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	gittest.Repo(t, root)
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
	root := testsRepo(t, "Parser tests")
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
	root := testsRepo(t, "Parser tests")
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

// TestBrowserLiveProveLinksLedger: the run page of a prove, opened while
// it runs, leads to the prove's ledger run once it ends, without a
// reload; the link and the file-error paths show a hostile title and
// console line as text.
func TestBrowserLiveProveLinksLedger(t *testing.T) {
	b := newBrowser(t)
	root := testsRepo(t, `<img src=x onerror=alert(1)>`)
	// The next commit's tests take a while: the page opens before they end.
	if err := os.WriteFile(filepath.Join(root, "tap.sh"), []byte(strings.Replace(tapScript, "\n", "\nsleep 5\n", 1)), 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.CommitAll(t, root, "slow tests")
	url := serve(t, root)
	b.visit(url, "board-before")

	prove := exec.Command(taskproofBin(t), "prove", "TASK-0001")
	prove.Dir = root
	prove.Env = append(os.Environ(), "CI=")
	out := &strings.Builder{}
	prove.Stdout, prove.Stderr = out, out
	if err := prove.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- prove.Wait() }()
	t.Cleanup(func() {
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			prove.Process.Kill()
		}
	})
	// The board lists the first prove's finished record too: take the
	// running one.
	running := `[...document.querySelectorAll('#live-runs li')].filter(li => li.querySelector('.v-running'))`
	if !b.waitFor(running+`.length === 1`, 10*time.Second) {
		t.Fatal("the board never listed the running prove")
	}
	href := eval[string](b, running+`[0].querySelector('a').getAttribute('href')`)
	b.visit(url+href, "prove-running")
	eval[bool](b, `window.__notReloaded = true`)
	if st := eval[string](b, `(document.querySelector('#run-state') || {}).textContent`); st != "running" {
		t.Fatalf("the prove is %q when the page opened, not running: the test shows nothing live", st)
	}
	if n := eval[int](b, `document.querySelectorAll('a.ledger-link').length`); n != 0 {
		t.Fatalf("a running prove links to %d ledger runs", n)
	}
	if err := <-done; err != nil {
		t.Fatalf("prove: %v\n%s", err, out)
	}
	// The first prove in testsRepo is ledger run 1; this one is 2.
	if !b.waitFor(`!!document.querySelector('a.ledger-link[href$="runs/2.html"]')`, 15*time.Second) {
		t.Fatalf("the open page never linked to ledger run 2; links: %s", eval[string](b, `[...document.querySelectorAll('a')].map(a => a.getAttribute('href')).join(' ')`))
	}
	if !eval[bool](b, `window.__notReloaded === true`) {
		t.Error("the page reloaded")
	}
	b.screenshot("prove-finished")
	b.visit(url+strings.TrimPrefix(eval[string](b, `document.querySelector('a.ledger-link').getAttribute('href')`), "/"), "ledger-run")
	if h := eval[string](b, `document.querySelector('h1').textContent`); !strings.Contains(h, "Run #2") || !strings.Contains(h, "proven") {
		t.Errorf("the linked page's heading is %q, want run #2 proven", h)
	}
	if n := eval[int](b, `document.querySelectorAll('tr.shared-run').length`); n != 1 {
		t.Errorf("the ledger run lists %d shared runs, want the one that ran ./tap.sh", n)
	}
	b.clean("live prove")

	// The same run's pages with a corrupt, re-signed tests/1.json: the
	// error names the file; markup stays text.
	resign(t, root, evidence.TestsName(1), []byte(`<img src=x onerror=alert(6)>`))
	for _, p := range []string{"tasks/TASK-0001.html", "runs/e-TASK-0001.html", "runs/2.html", strings.TrimPrefix(href, "/")} {
		b.visit(url+p, "corrupt-"+strings.NewReplacer("/", "-", ".", "-").Replace(p))
		// Ledger run 2 and the live record name the digest the prove
		// wrote; the re-signed bundle is another, so not theirs.
		if strings.HasPrefix(p, "tasks/") || strings.HasPrefix(p, "runs/e-") {
			if got := eval[string](b, `[...document.querySelectorAll('.file-error')].map(e => e.textContent).join('|')`); !strings.Contains(got, "files/tests/1.json does not decode: invalid character '<'") {
				t.Errorf("/%s: file errors %q, want one naming files/tests/1.json", p, got)
			}
		}
		if n := eval[int](b, `document.querySelectorAll('img, script:not([src])').length`); n != 0 {
			t.Errorf("/%s: %d img or inline script elements: markup became HTML", p, n)
		}
		b.clean("/" + p)
	}
}
