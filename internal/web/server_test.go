package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/taskproof/taskproof/internal/harness"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/live"
	"github.com/taskproof/taskproof/internal/verify"
)

func get(t *testing.T, h http.Handler, method, target, host string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if host != "" {
		req.Host = host
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// TestPagesRender: every page of the fixture renders, with the security
// headers, and links to the other pages.
func TestPagesRender(t *testing.T) {
	f := newFixture(t)
	s := NewServer(f.root, Options{})
	for _, p := range []string{"/", "/index.html", "/graph.html", "/graph.html?focus=TASK-0002&depth=2&blocking=1", "/runs.html",
		"/tasks/TASK-0001.html", "/tasks/TASK-0002.html", fmt.Sprintf("/runs/%d.html", f.ledgerID), "/runs/live-" + f.liveID + ".html",
		"/api/board.json", "/assets/app.css", "/assets/app.js", "/assets/favicon.svg",
		"/runs/live-" + f.liveID + "/step/1", "/runs/live-" + f.liveID + "/timeline/1"} {
		w := get(t, s, "GET", p, "")
		if w.Code != 200 {
			t.Errorf("GET %s: %d\n%s", p, w.Code, w.Body)
			continue
		}
		h := w.Header()
		if strings.HasSuffix(strings.SplitN(p, "?", 2)[0], ".html") || p == "/" {
			if !strings.Contains(w.Body.String(), `<body data-base="`) || !strings.Contains(w.Body.String(), `data-live="1"`) {
				t.Errorf("GET %s: the served page does not offer live updates", p)
			}
		}
		if h.Get("Content-Security-Policy") != CSP || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s: security headers %v", p, h)
		}
	}
	if b := get(t, s, "GET", "/runs/live-"+f.liveID+"/step/1", "").Body.String(); !strings.HasPrefix(b, `<section class="card step" id="step-1"`) {
		t.Errorf("step fragment: %.80s", b)
	}
	if b := get(t, s, "GET", "/runs/live-"+f.liveID+"/timeline/1", "").Body.String(); !strings.Contains(b, `<svg class="tl"`) || !strings.Contains(b, `data-marker="boot ok"`) {
		t.Errorf("timeline fragment: %.200s", b)
	}
	if ct := get(t, s, "GET", "/assets/app.js", "").Header().Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("app.js served as %q", ct)
	}
	board := get(t, s, "GET", "/", "").Body.String()
	for _, want := range []string{`data-id="TASK-0001"`, `data-state="claimed"`, `href="tasks/TASK-0002.html"`, `Core &lt;b&gt;`, `Claimed without proof`} {
		if !strings.Contains(board, want) {
			t.Errorf("board lacks %s", want)
		}
	}
	task := get(t, s, "GET", "/tasks/TASK-0002.html", "").Body.String()
	for _, want := range []string{`href="../tasks/TASK-0001.html"`, `href="../tasks/TASK-0003.html"`, `class="in-cycle"`, `href="../graph.html?focus=TASK-0002&amp;depth=1"`} {
		if !strings.Contains(task, want) {
			t.Errorf("task page lacks %s", want)
		}
	}
}

// TestReadOnly: only GET and HEAD; anything else is 405 and changes nothing.
func TestReadOnly(t *testing.T) {
	f := newFixture(t)
	s := NewServer(f.root, Options{})
	before := treeState(t, f.root)
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"} {
		for _, p := range []string{"/", "/tasks/TASK-0001.html", "/events", "/runs/1/events"} {
			w := get(t, s, m, p, "")
			if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: %d, Allow %q", m, p, w.Code, w.Header().Get("Allow"))
			}
		}
	}
	w := get(t, s, "HEAD", "/", "")
	if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD /: %d, %d body bytes", w.Code, w.Body.Len())
	}
	if after := treeState(t, f.root); after != before {
		t.Errorf("the repository changed under the requests:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// treeState lists every file under root with its size, mode and mtime.
func treeState(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %d %v %d\n", p, info.Size(), info.Mode(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestHostCheck: on loopback only loopback names are served (DNS rebinding).
func TestHostCheck(t *testing.T) {
	f := newFixture(t)
	s := NewServer(f.root, Options{Hosts: LoopbackHosts})
	for host, want := range map[string]int{
		"127.0.0.1:7878": 200, "localhost:7878": 200, "LOCALHOST": 200, "[::1]:7878": 200,
		"evil.example:7878": http.StatusMisdirectedRequest, "127.0.0.1.evil.example": http.StatusMisdirectedRequest,
	} {
		if got := get(t, s, "GET", "/", host).Code; got != want {
			t.Errorf("Host %s: %d, want %d", host, got, want)
		}
	}
}

// TestUntrustedTextIsEscaped: titles and console lines are text on every
// page; no page has an inline script.
func TestUntrustedTextIsEscaped(t *testing.T) {
	f := newFixture(t)
	s := NewServer(f.root, Options{})
	scriptTag := regexp.MustCompile(`(?i)<script[^>]*>`)
	for _, p := range []string{"/", "/graph.html", "/tasks/TASK-0001.html", fmt.Sprintf("/runs/%d.html", f.ledgerID), "/runs.html"} {
		body := get(t, s, "GET", p, "").Body.String()
		if strings.Contains(body, "<img") || strings.Contains(body, "alert(2)</script>") {
			t.Errorf("%s: markup from the repository reached the page unescaped", p)
		}
		for _, tag := range scriptTag.FindAllString(body, -1) {
			if !strings.Contains(tag, ` src="`) {
				t.Errorf("%s: inline script %s", p, tag)
			}
		}
	}
	run := get(t, s, "GET", fmt.Sprintf("/runs/%d.html", f.ledgerID), "").Body.String()
	if !strings.Contains(run, "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;") {
		t.Error("the console line is not shown as text")
	}
	if !strings.Contains(run, "firmware banner") {
		t.Error("ANSI escapes were not removed from the console")
	}
	board := get(t, s, "GET", "/", "").Body.String()
	if !strings.Contains(board, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("the title is not shown as text on the board")
	}
}

// TestNotFound: unknown and malformed ids are 404, never a file path.
func TestNotFound(t *testing.T) {
	f := newFixture(t)
	s := NewServer(f.root, Options{})
	for _, p := range []string{"/tasks/TASK-9999.html", "/tasks/task-0001.html", "/tasks/TASK-0001", "/tasks/..%2F..%2Fetc%2Fpasswd",
		"/runs/999.html", "/runs/0.html", "/runs/abc.html", "/runs/live-..%2F..%2Fetc.html", "/runs/live-20260101T000000-000000-1.html",
		"/runs/e-TASK-0002.html", "/runs/1/timeline/9", "/runs/live-x/events", "/nope"} {
		if w := get(t, s, "GET", p, ""); w.Code != 404 {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
	}
	// A dot-dot path is redirected to its clean form, which is no page.
	if w := get(t, s, "GET", "/assets/../taskproof.toml", ""); w.Code == 200 || strings.Contains(w.Body.String(), "groups") {
		t.Errorf("GET /assets/../taskproof.toml: %d %s", w.Code, w.Body)
	}
}

// TestBadRepository: a root without tasks is an error page, not a panic.
func TestBadRepository(t *testing.T) {
	s := NewServer(t.TempDir(), Options{})
	w := get(t, s, "GET", "/", "")
	if w.Code != 500 || !strings.Contains(w.Body.String(), "no tasks directory") {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

// sseReader reads events from a stream.
type sseReader struct {
	r *bufio.Reader
}

type sseEvent struct{ name, id, data string }

func (s sseReader) next(t *testing.T) sseEvent {
	t.Helper()
	var ev sseEvent
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v (event so far %+v)", err, ev)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if ev.name != "" {
				return ev
			}
		case strings.HasPrefix(line, "event: "):
			ev.name = line[len("event: "):]
		case strings.HasPrefix(line, "id: "):
			ev.id = line[len("id: "):]
		case strings.HasPrefix(line, "data: "):
			ev.data = line[len("data: "):]
		}
	}
}

func (s sseReader) until(t *testing.T, name string) sseEvent {
	t.Helper()
	for {
		if ev := s.next(t); ev.name == name {
			return ev
		}
	}
}

// untilData reads events until one named name whose data holds every
// string of want; the stream's deadline ends the wait. The server polls,
// so it may send a state between two the test made (a record started,
// its first step not yet written).
func (s sseReader) untilData(t *testing.T, name string, want ...string) sseEvent {
	t.Helper()
	for {
		ev := s.until(t, name)
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(ev.data, w)
		}
		if ok {
			return ev
		}
		t.Logf("%s event without %q yet: %s", name, want, ev.data)
	}
}

func stream(t *testing.T, url string) (sseReader, func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		b, _ := io.ReadAll(resp.Body)
		cancel()
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return sseReader{bufio.NewReader(resp.Body)}, func() { cancel(); resp.Body.Close() }
}

// TestRunEvents follows a live record as a producer writes it: console
// lines, marks, the step's end and the run's end arrive as events, and a
// reconnect continues from the last event id.
func TestRunEvents(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(NewServer(f.root, Options{Poll: 20 * time.Millisecond}))
	defer srv.Close()
	rec, err := live.Start(f.root, live.KindRun, "", []string{"./boot.sh"})
	if err != nil {
		t.Fatal(err)
	}
	tap := rec.Step(1, "./boot.sh", nil, fixtureSpec())
	tap.Console([]byte("firmware\r\nboo"))

	ev, stop := stream(t, srv.URL+"/runs/live-"+rec.ID()+"/events?at=")
	defer stop()
	got := ev.until(t, "console")
	if !strings.Contains(got.data, `"text":"firmware"`) || strings.Contains(got.data, "boo") || got.id != "1:10:1:0" {
		t.Errorf("first console event %+v: want only the complete line", got)
	}
	tap.Console([]byte("t ok\r\n"))
	tap.Mark(harness.Mark{Observation: verify.Observation{Marker: "boot ok", Kind: verify.KindOK, Phase: "boot", Line: 2}, At: 90 * time.Millisecond})
	got = ev.until(t, "console")
	if !strings.Contains(got.data, `"n":2`) || !strings.Contains(got.data, `"text":"boot ok"`) {
		t.Errorf("second console event %+v", got)
	}
	m := ev.until(t, "mark")
	if !strings.Contains(m.data, `"anchor":"L2"`) || !strings.Contains(m.data, `"cls":"m-ok"`) || m.id != "1:19:2:1" {
		t.Errorf("mark event %+v", m)
	}
	rec.EndStep(1, "PASS", "PASS: 1/1", nil)
	rec.Finish("PASS", "PASS: 1/1", 0)
	end := ev.until(t, "end")
	if !strings.Contains(end.data, `"verdict":"PASS"`) {
		t.Errorf("end event %+v", end)
	}

	// A client that reconnects with Last-Event-ID gets nothing twice.
	req, _ := http.NewRequest("GET", srv.URL+"/runs/live-"+rec.ID()+"/events", nil)
	req.Header.Set("Last-Event-ID", m.id)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "event: console") || strings.Contains(string(body), "event: mark") || !strings.Contains(string(body), "event: end") {
		t.Errorf("after reconnect:\n%s", body)
	}
}

// TestBoardEvents: the board stream lists a running run and its progress,
// and sends new proof states when the repository changes.
func TestBoardEvents(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(NewServer(f.root, Options{Poll: 20 * time.Millisecond}))
	defer srv.Close()
	ev, stop := stream(t, srv.URL+"/events")
	defer stop()
	if got := ev.until(t, "runs"); got.data != "[]" {
		// The fixture's run finished at setup; it may still be listed as
		// just ended, but never as running.
		if strings.Contains(got.data, `"state":"running"`) {
			t.Errorf("first runs event %s", got.data)
		}
	}
	rec, err := live.Start(f.root, live.KindProve, "TASK-0001", []string{"taskproof", "prove", "TASK-0001"})
	if err != nil {
		t.Fatal(err)
	}
	rec.Step(1, "taskproof run", nil, fixtureSpec())
	// A runs event with the running prove and its step's progress; the
	// stream's deadline fails the test when none comes.
	ev.untilData(t, "runs", `"task":"TASK-0001"`, `"state":"running"`, `"progress":"0/1 markers"`)
	// Editing a header changes the board.
	p := f.root + "/tasks/TASK-0002-net.md"
	data, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(data), "status: Draft", "status: Done", 1)), 0o644)
	ev.untilData(t, "board", `"id":"TASK-0002","path":"tasks/TASK-0002-net.md","state":"claimed"`)
	rec.Finish("failed", "", 0)
}

// TestTaskHistoryAndFlaky: a task's runs and its flaky markers come from
// the ledger.
func TestTaskHistoryAndFlaky(t *testing.T) {
	f := newFixture(t)
	l, err := ledger.Open(ledger.DefaultPath(f.root))
	if err != nil {
		t.Fatal(err)
	}
	commit := strings.Repeat("ab", 20)
	for i, seen := range []bool{true, false, true} {
		_, err := l.Record(context.Background(), ledger.Run{
			Kind: ledger.KindProve, TaskID: "TASK-0001", Commit: commit, Command: []string{"taskproof", "prove", "TASK-0001"},
			Verdict: map[bool]string{true: "proven", false: "failed"}[seen], StartedAt: time.Date(2026, 3, 2, 12, i, 0, 0, time.UTC),
			Markers: []ledger.MarkerOutcome{{Marker: "boot ok", Seen: seen, Line: 3}},
			Items:   []ledger.ItemOutcome{{Item: "boot ok", Kind: "marker", Verdict: map[bool]string{true: "proven", false: "failed"}[seen]}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	body := get(t, NewServer(f.root, Options{}), "GET", "/tasks/TASK-0001.html", "").Body.String()
	if n := strings.Count(body, `href="../runs/`); n < 3 {
		t.Errorf("task page links %d runs, want 3", n)
	}
	if !strings.Contains(body, `<tr class="flaky"><td>marker</td><td><code>boot ok</code></td><td>3</td><td>seen 2, missed 1</td>`) {
		t.Errorf("no flaky row for boot ok:\n%s", body)
	}
}

// TestFindingsBesideTasks: lint findings sit in their task's row.
func TestFindingsBesideTasks(t *testing.T) {
	f := newFixture(t)
	snap, err := Source{Root: f.root}.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := buildBoard(snap, pageBase{})
	for _, g := range p.Groups {
		for _, r := range g.Rows {
			if r.ID == "TASK-0002" && (len(r.Findings) == 0 || !strings.HasPrefix(r.Findings[0].Where, "tasks/TASK-0002-net.md:")) {
				t.Errorf("TASK-0002 findings %+v", r.Findings)
			}
		}
	}
}
