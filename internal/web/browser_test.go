package web_test

// End-to-end tests of the dashboard in real headless Chromium (Debian's
// chromium), driven by chromedp, against the real taskproof binary: it
// proves examples/minios in real QEMU, serves the repository, and the
// browser checks what a person would look at. Every page visited is
// screenshotted into $TASKPROOF_SCREENSHOTS (default: the test's temp
// dir, named in the log).
//
// They skip without chromium, except with TASKPROOF_REQUIRE_BROWSER=1
// (CI), where a missing browser fails them; the tests that boot QEMU
// follow TASKPROOF_REQUIRE_QEMU the same way.

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/taskproof/taskproof/internal/gittest"
	"github.com/taskproof/taskproof/internal/testcorpus"
)

// chromiumPath finds the browser.
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func requireBrowser(t *testing.T) string {
	t.Helper()
	p := chromiumPath()
	if p != "" {
		return p
	}
	msg := "browser e2e: chromium not found; run scripts/setup.sh"
	if os.Getenv("TASKPROOF_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + " (TASKPROOF_REQUIRE_BROWSER=1 makes this a failure)")
	}
	t.Skip(msg)
	return ""
}

func requireQEMU(t *testing.T) {
	t.Helper()
	var missing []string
	for _, tool := range []string{"qemu-system-x86_64", "as", "ld", "bash", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := "QEMU e2e: " + strings.Join(missing, ", ") + " not found; run scripts/setup.sh"
	if os.Getenv("TASKPROOF_REQUIRE_QEMU") == "1" {
		t.Fatal(msg + " (TASKPROOF_REQUIRE_QEMU=1 makes this a failure)")
	}
	t.Skip(msg)
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// taskproofBin builds the real binary once per test process.
func taskproofBin(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "taskproof-web-test-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "taskproof")
		out, err := exec.Command("go", "build", "-o", binPath, "../../cmd/taskproof").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// tp runs the binary in dir and fails the test unless it exits with want.
func tp(t *testing.T, dir string, want int, args ...string) string {
	t.Helper()
	cmd := exec.Command(taskproofBin(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CI=")
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("taskproof %s: %v", strings.Join(args, " "), err)
	}
	if code != want {
		t.Fatalf("taskproof %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
	}
	return string(out)
}

// miniosRepo copies examples/minios into a fresh git repository, builds
// the guest variants and makes a signing key.
func miniosRepo(t *testing.T) string {
	t.Helper()
	requireQEMU(t)
	root := filepath.Join(t.TempDir(), "minios")
	src := os.DirFS("../../examples/minios")
	keep, err := fs.Sub(src, ".")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(root, keep); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(root, "build"))
	os.RemoveAll(filepath.Join(root, ".taskproof"))
	if err := os.WriteFile(filepath.Join(root, ".gitignore"), []byte("build/\n.taskproof/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gittest.Repo(t, root)
	build := exec.Command("bash", filepath.Join(root, "build.sh"), filepath.Join(root, "build"), "pass", "linger")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	tp(t, root, 0, "keygen")
	return root
}

// serve starts `taskproof serve --addr 127.0.0.1:0` on root and returns
// its URL; the server is stopped when the test ends.
func serve(t *testing.T, root string) string {
	t.Helper()
	cmd := exec.Command(taskproofBin(t), "serve", "--addr", "127.0.0.1:0", "--root", root)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v", err)
	}
	m := regexp.MustCompile(`http://[0-9.:]+/`).FindString(line)
	if m == "" {
		t.Fatalf("serve printed %q", line)
	}
	return m
}

// browser is one headless Chromium tab that records console errors,
// exceptions and dialogs.
type browser struct {
	t    *testing.T
	ctx  context.Context
	mu   sync.Mutex
	errs []string
	dlg  []string
	shot string
	n    int
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := requireBrowser(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	b := &browser{t: t, ctx: ctx, shot: os.Getenv("TASKPROOF_SCREENSHOTS")}
	if b.shot == "" {
		b.shot = filepath.Join(t.TempDir(), "screenshots")
	}
	b.shot = filepath.Join(b.shot, t.Name())
	if err := os.MkdirAll(b.shot, 0o755); err != nil {
		t.Fatal(err)
	}
	b.listen(ctx)
	return b
}

// listen records what a tab reports; a dialog is dismissed at once.
func (b *browser) listen(ctx context.Context) {
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value))
				}
				b.errs = append(b.errs, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			b.errs = append(b.errs, "exception: "+ev.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
				b.errs = append(b.errs, "log "+string(ev.Entry.Level)+": "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		case *page.EventJavascriptDialogOpening:
			b.dlg = append(b.dlg, string(ev.Type)+": "+ev.Message)
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	if err != nil {
		b.t.Fatal(err)
	}
}

// visit opens url, waits for the scripts to run, and screenshots it.
func (b *browser) visit(url, name string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		b.t.Fatalf("open %s: %v", url, err)
	}
	chromedp.Do(b.ctx, chromedp.Sleep(300*time.Millisecond))
	b.screenshot(name)
}

func (b *browser) screenshot(name string) {
	b.t.Helper()
	b.n++
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(b.shot, fmt.Sprintf("%02d-%s.png", b.n, name))
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
}

// loadTime logs how long the open page took to load in the browser, from
// the navigation's start to the end of its load event (scripts run, SVG
// laid out), as Navigation Timing reports it; the report quotes these.
func (b *browser) loadTime(name string) float64 {
	b.t.Helper()
	ms := eval[float64](b, `(() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime })()`)
	paint := eval[float64](b, `(() => { const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : -1 })()`)
	b.t.Logf("timing: %s loaded in %.0f ms (first contentful paint %.0f ms)", name, ms, paint)
	if ms <= 0 {
		b.t.Errorf("%s: no load time (%v)", name, ms)
	}
	return ms
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

// waitFor polls a boolean expression until it holds or the deadline.
func (b *browser) waitFor(js string, d time.Duration) bool {
	b.t.Helper()
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		if eval[bool](b, js) {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// clean fails the test on any console error, exception or dialog so far.
func (b *browser) clean(where string) {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errs {
		b.t.Errorf("%s: %s", where, e)
	}
	for _, d := range b.dlg {
		b.t.Errorf("%s: a dialog opened: %s", where, d)
	}
	b.errs, b.dlg = nil, nil
}

var miniosLadder = []string{
	"minios: boot ok", "minios: serial ready", "minios: memory ok",
	"minios: timer ready", "minios: selftest ok", "minios: all done",
}

// TestBrowserQEMUMinios is the demo's proof seen in the browser: the board
// shows TASK-0001 proven and TASK-0002 claimed, the task page lists its 9
// items proven with links to their lines, the run page's timeline has the
// 6 markers in order. The static export shows the same.
func TestBrowserQEMUMinios(t *testing.T) {
	b := newBrowser(t)
	root := miniosRepo(t)
	tp(t, root, 0, "prove", "TASK-0001")
	url := serve(t, root)

	b.visit(url, "board")
	b.loadTime("minios board")
	if got := eval[string](b, `document.querySelector('tr.task[data-id="TASK-0001"]').dataset.state`); got != "proven" {
		t.Errorf("board: TASK-0001 is %q, want proven", got)
	}
	if got := eval[string](b, `document.querySelector('tr.task[data-id="TASK-0002"]').dataset.state`); got != "claimed" {
		t.Errorf("board: TASK-0002 is %q, want claimed", got)
	}
	if !eval[bool](b, `!!document.querySelector('#claimed li[data-id="TASK-0002"]')`) {
		t.Error("board: TASK-0002 is not listed as claimed without proof")
	}
	// The state filter shows only the claimed task.
	eval[bool](b, `document.querySelector('.chip[data-state="claimed"]').click(), true`)
	if got := eval[[]string](b, `[...document.querySelectorAll('tr.task')].filter(r => !r.hidden).map(r => r.dataset.id)`); strings.Join(got, ",") != "TASK-0002" {
		t.Errorf("board filtered by claimed shows %v, want [TASK-0002]", got)
	}
	b.screenshot("board-claimed")
	b.clean("board")

	b.visit(url+"tasks/TASK-0001.html", "task")
	b.loadTime("minios task page")
	items := eval[[]map[string]string](b, `[...document.querySelectorAll('table.items tr.item')].map(tr => ({
		kind: tr.dataset.kind, verdict: tr.dataset.verdict,
		stated: (tr.querySelector('a.line-link') || {}).href || "",
		evidence: (tr.querySelector('a.ev-link') || {}).href || ""}))`)
	if len(items) != 9 {
		t.Fatalf("task page lists %d items, want 9: %v", len(items), items)
	}
	var markerLinks []string
	for i, it := range items {
		if it["verdict"] != "proven" {
			t.Errorf("item %d (%s) is %q, want proven", i+1, it["kind"], it["verdict"])
		}
		if it["evidence"] == "" {
			t.Errorf("item %d (%s) has no evidence link", i+1, it["kind"])
		}
		if it["kind"] == "marker" {
			if !regexp.MustCompile(`/runs/[0-9]+\.html#L[0-9]+$`).MatchString(it["evidence"]) {
				t.Errorf("marker item %d links to %q, want a console line of its run", i+1, it["evidence"])
			}
			if !strings.Contains(it["stated"], "#src-L") {
				t.Errorf("marker item %d: no link to the line of the task stating it (%q)", i+1, it["stated"])
			}
			markerLinks = append(markerLinks, it["evidence"])
		}
	}
	if len(markerLinks) != 6 {
		t.Errorf("%d marker items, want 6", len(markerLinks))
	}
	b.clean("task page")

	// Each marker link lands on the console line showing that marker.
	for i, link := range markerLinks {
		if err := chromedp.Do(b.ctx, chromedp.Navigate(link), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
		text := eval[string](b, `(document.getElementById(location.hash.slice(1)) || {textContent: ""}).textContent`)
		if !strings.Contains(text, miniosLadder[i]) {
			t.Errorf("link %s shows %q, want the line of %q", link, text, miniosLadder[i])
		}
	}
	b.screenshot("run-console-line")
	runURL := strings.SplitN(markerLinks[0], "#", 2)[0]
	b.visit(runURL, "run")
	b.loadTime("minios run page")
	order := eval[[]string](b, `[...document.querySelectorAll('svg.tl g.mark.required:not(.missing)')]
		.sort((a, b) => +a.dataset.order - +b.dataset.order).map(g => g.dataset.marker)`)
	if strings.Join(order, "|") != strings.Join(miniosLadder, "|") {
		t.Errorf("timeline: required markers in arrival order %q, want %q", order, miniosLadder)
	}
	if n := eval[int](b, `document.querySelectorAll('.console .ln.m-ok, .console .ln.m-ready').length`); n != 6 {
		t.Errorf("console highlights %d ok/ready lines, want 6", n)
	}
	if v := eval[string](b, `document.querySelector('#run-verdict').textContent.trim()`); v != "proven" {
		t.Errorf("run verdict %q, want proven", v)
	}
	b.clean("run page")

	b.visit(url+"graph.html", "graph")
	b.visit(url+"runs.html", "runs")
	b.clean("graph and runs")

	// The static export: same board, task and run, no live updates.
	site := filepath.Join(t.TempDir(), "site")
	tp(t, root, 0, "site", "--out", site)
	static := httptest.NewServer(http.FileServer(http.Dir(site)))
	defer static.Close()
	b.visit(static.URL+"/index.html", "static-board")
	if got := eval[string](b, `document.querySelector('tr.task[data-id="TASK-0001"]').dataset.state`); got != "proven" {
		t.Errorf("static board: TASK-0001 is %q", got)
	}
	b.visit(static.URL+"/tasks/TASK-0001.html", "static-task")
	link := eval[string](b, `document.querySelector('tr.item[data-kind="marker"] a.ev-link').getAttribute('href')`)
	b.visit(static.URL+"/tasks/"+link, "static-run")
	if n := eval[int](b, `document.querySelectorAll('svg.tl g.mark.required:not(.missing)').length`); n != 6 {
		t.Errorf("static run page: %d required markers on the timeline, want 6", n)
	}
	b.clean("static site")
}

// TestBrowserQEMULive: a run of the lingering guest starts while its page
// is open; its markers appear on that page (no reload) and the board
// lists it as running.
func TestBrowserQEMULive(t *testing.T) {
	b := newBrowser(t)
	root := miniosRepo(t)
	url := serve(t, root)
	b.visit(url, "board-before")

	// The guest boots after a pause, so the page is open before the first
	// marker; --drain keeps the run going a while after the last one.
	run := exec.Command(taskproofBin(t), "run", "--contract", "proof/contract.toml", "--timeout", "60s", "--drain", "4s",
		"--", "sh", "-c", "sleep 2; exec ./qemu.sh linger")
	run.Dir = root
	run.Env = append(os.Environ(), "CI=")
	out := &strings.Builder{}
	run.Stdout, run.Stderr = out, out
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var runErr error
	go func() { runErr = run.Wait(); close(done) }()
	defer func() {
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			run.Process.Kill()
			<-done
		}
	}()

	if !b.waitFor(`!document.querySelector('#live-runs').hidden && document.querySelector('#live-runs').textContent.includes('qemu.sh linger')`, 10*time.Second) {
		t.Fatal("the board never listed the running run")
	}
	b.screenshot("board-running")
	href := eval[string](b, `document.querySelector('#live-runs a').getAttribute('href')`)
	b.visit(url+href, "run-started")
	eval[bool](b, `window.__notReloaded = true`)
	if n := eval[int](b, `document.querySelectorAll('.console .ln.m-ok, .console .ln.m-ready').length`); n != 0 {
		t.Fatalf("the page opened after %d markers; the guest should not have booted yet", n)
	}
	if !b.waitFor(`document.querySelectorAll('.console .ln.m-ok, .console .ln.m-ready').length === 6`, 30*time.Second) {
		t.Fatalf("the markers never appeared on the open page; run output:\n%s", out)
	}
	if st := eval[string](b, `(document.querySelector('#run-state') || {}).textContent`); st != "running" {
		t.Errorf("markers arrived, but the run is %q, not running: they came with the final page, not live", st)
	}
	if !b.waitFor(`document.querySelectorAll('svg.tl g.mark.required:not(.pending):not(.missing)').length === 6`, 5*time.Second) {
		t.Error("the timeline did not follow the markers")
	}
	if got := eval[string](b, `[...document.querySelectorAll('tr.check')].map(r => r.querySelector('.cnt').textContent).join(',')`); got != "1/1,1/1,1/1,1/1,1/1,1/1" {
		t.Errorf("required-marker counts %q", got)
	}
	b.screenshot("run-live")
	<-done
	if runErr != nil {
		t.Fatalf("run: %v\n%s", runErr, out)
	}
	if !b.waitFor(`(document.querySelector('#run-verdict') || {textContent: ""}).textContent.trim() === 'PASS'`, 10*time.Second) {
		t.Error("the page did not show the final verdict PASS")
	}
	if !eval[bool](b, `window.__notReloaded === true`) {
		t.Error("the page reloaded")
	}
	b.screenshot("run-finished")
	b.clean("live run")
}

// TestChromiumCorpus (in Chromium, like the TestBrowser tests; named so
// that its skip without the corpus is not counted as a missing browser):
// the open-nexus board and graph show all 352 tasks
// without a console error, and the graph focuses TASK-0009 with its cycle.
func TestChromiumCorpus(t *testing.T) {
	corpus := testcorpus.Dir(t)
	b := newBrowser(t)
	url := serve(t, corpus)
	b.visit(url, "board")
	b.loadTime("corpus board")
	taskPages := eval[[]string](b, `[...new Set([...document.querySelectorAll('tr.task a[href]')].map(a => a.getAttribute('href')).filter(h => /^tasks\/[^/]+\.html$/.test(h)))]`)
	ids := eval[int](b, `new Set([...document.querySelectorAll('tr.task')].map(r => r.dataset.id)).size`)
	files := eval[int](b, `new Set([...document.querySelectorAll('tr.task')].map(r => r.dataset.path)).size`)
	if ids != 352 || files != 353 {
		t.Errorf("board shows %d ids in %d files, want 352 in 353", ids, files)
	}
	eval[bool](b, `(() => { const i = document.querySelector('#text-filter'); i.value = 'TASK-0247'; i.dispatchEvent(new Event('input')); return true })()`)
	if got := eval[[]string](b, `[...document.querySelectorAll('tr.task')].filter(r => !r.hidden).map(r => r.dataset.id + ':' + r.dataset.state)`); len(got) == 0 || got[0] != "TASK-0247:claimed" {
		t.Errorf("text filter TASK-0247 shows %v", got)
	}
	b.screenshot("board-filtered")
	b.clean("corpus board")

	b.visit(url+"graph.html", "graph")
	b.loadTime("corpus graph (352 tasks)")
	drawn := eval[int](b, `new Set([...document.querySelectorAll('svg#graph g.node:not(.dangling)')].map(g => g.dataset.id)).size`)
	if drawn != 352 {
		t.Errorf("graph draws %d tasks, want 352", drawn)
	}
	before := eval[string](b, `document.querySelector('svg#graph').getAttribute('viewBox')`)
	eval[bool](b, `(() => { const s = document.querySelector('svg#graph'), r = s.getBoundingClientRect();
		s.dispatchEvent(new WheelEvent('wheel', {deltaY: -400, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true})); return true })()`)
	if after := eval[string](b, `document.querySelector('svg#graph').getAttribute('viewBox')`); after == before {
		t.Error("the wheel did not zoom the graph")
	}
	b.clean("corpus graph")

	b.visit(url+"graph.html?focus=TASK-0009&depth=1", "graph-focus")
	b.loadTime("corpus graph focused on TASK-0009")
	if !eval[bool](b, `document.querySelector('svg#graph g.node[data-id="TASK-0008B"]').classList.contains('cycle')`) {
		t.Error("focus TASK-0009: TASK-0008B is not drawn on a cycle")
	}
	for _, e := range [][2]string{{"TASK-0009", "TASK-0008B"}, {"TASK-0008B", "TASK-0009"}} {
		js := fmt.Sprintf(`!!document.querySelector('svg#graph path.edge.cycle[data-from="%s"][data-to="%s"]')`, e[0], e[1])
		if !eval[bool](b, js) {
			t.Errorf("focus TASK-0009: no cycle edge %s -> %s", e[0], e[1])
		}
	}
	if n := eval[int](b, `document.querySelectorAll('svg#graph g.node').length`); n >= 352 {
		t.Errorf("focus drew %d tasks: not a neighbourhood", n)
	}
	b.clean("corpus graph focus")

	// Every other kind of page, on tasks with a cycle, a claim, a split
	// id and the last id: no console error.
	for _, p := range []string{"runs.html", "graph.html?blocking=1", "tasks/TASK-0009.html", "tasks/TASK-0008B.html",
		"tasks/TASK-0247.html", "tasks/TASK-0001.html", "?state=claimed"} {
		b.visit(url+p, "page-"+regexp.MustCompile(`[^a-zA-Z0-9]+`).ReplaceAllString(p, "-"))
		if n := eval[int](b, `document.querySelectorAll('main').length`); n != 1 {
			t.Errorf("/%s: %d main elements", p, n)
		}
		b.clean("corpus /" + p)
	}

	// The static export focuses in the page.
	site := filepath.Join(t.TempDir(), "site")
	tp(t, corpus, 0, "site", "--out", site)
	static := httptest.NewServer(http.FileServer(http.Dir(site)))
	defer static.Close()
	b.visit(static.URL+"/graph.html?focus=TASK-0009&depth=1", "static-graph-focus")
	if !eval[bool](b, `!document.querySelector('svg#graph g.node[data-id="TASK-0008B"]').classList.contains('dim')`) {
		t.Error("static graph: TASK-0008B is dimmed, but it is a neighbour of TASK-0009")
	}
	if n := eval[int](b, `document.querySelectorAll('svg#graph g.node.dim').length`); n < 250 {
		t.Errorf("static graph: the focus dimmed %d tasks; most of the graph is outside the neighbourhood of TASK-0009", n)
	}
	b.clean("static corpus graph")

	// Every task page the board links, in the static export (the same
	// templates, without the server's per-request work) and without
	// screenshots: it loads with no console error, one main, and the
	// task's id in its heading.
	if len(taskPages) != 352 {
		t.Errorf("the board links %d task pages, want 352", len(taskPages))
	}
	for _, p := range taskPages {
		if err := chromedp.Do(b.ctx, chromedp.Navigate(static.URL+"/"+p), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatalf("open /%s: %v", p, err)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(p, "tasks/"), ".html")
		if ok := eval[bool](b, `document.querySelectorAll('main').length === 1 && document.querySelector('h1').textContent.includes(`+strconv.Quote(id)+`)`); !ok {
			t.Errorf("/%s: not one main with %s in its heading", p, id)
		}
		b.clean("corpus /" + p)
	}
}

// TestBrowserXSS: a task title and console lines holding markup render as
// text on every page, and no dialog opens.
func TestBrowserXSS(t *testing.T) {
	b := newBrowser(t)
	root := t.TempDir()
	title := `<img src=x onerror=alert(1)>`
	task := "---\ntitle: TASK-0001 " + title + "\nstatus: Done\n---\n\n## Context\n\n- `</script><script>alert(3)</script>`\n\n## Stop conditions (Definition of Done)\n\n- **Proof (QEMU)**:\n  - Command(s):\n    - `taskproof run --expect ok -- ./boot.sh`\n"
	other := "---\ntitle: TASK-0002 plain\nstatus: Draft\ndepends-on:\n  - TASK-0001\n---\n\n## Context\n\n- x\n"
	for name, data := range map[string]string{
		"tasks/TASK-0001-xss.md":   task,
		"tasks/TASK-0002-plain.md": other,
		"boot.sh":                  "#!/bin/sh\necho '</script><script>alert(2)</script>'\necho '<img src=x onerror=alert(4)>'\necho ok\n",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tp(t, root, 0, "run", "--root", root, "--expect", "ok", "--", "./boot.sh")
	url := serve(t, root)
	pages := []string{"", "tasks/TASK-0001.html", "tasks/TASK-0002.html", "runs/1.html", "graph.html", "graph.html?focus=TASK-0001", "runs.html"}
	for _, p := range pages {
		b.visit(url+p, "page-"+regexp.MustCompile(`[^a-zA-Z0-9]+`).ReplaceAllString(p, "-"))
		if n := eval[int](b, `document.querySelectorAll('img, script:not([src])').length`); n != 0 {
			t.Errorf("/%s: %d img or inline script elements: markup from the repository became HTML", p, n)
		}
		b.clean("/" + p)
	}
	b.visit(url, "board")
	if got := eval[string](b, `document.querySelector('tr.task[data-id="TASK-0001"] .title').textContent`); got != title {
		t.Errorf("board title %q, want the literal %q", got, title)
	}
	b.visit(url+"runs/1.html", "run")
	text := eval[string](b, `document.querySelector('.console').textContent`)
	if !strings.Contains(text, "</script><script>alert(2)</script>") {
		t.Errorf("the console does not show the line as text:\n%s", text)
	}
	b.clean("xss")
}
