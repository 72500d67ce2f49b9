package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/live"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
)

// Live updates are server-sent events. The server polls the files the
// producers write (the live records, the evidence, the ledger, the task
// files) and sends what changed; no producer talks to the server.

// heartbeat keeps proxies and the browser from closing an idle stream.
const heartbeat = 15 * time.Second

// maxChunk bounds the console bytes one event carries.
const maxChunk = 256 << 10

type sse struct {
	w    http.ResponseWriter
	f    http.Flusher
	last time.Time // when something was last sent
}

func startSSE(w http.ResponseWriter) (*sse, bool) {
	f, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return nil, false
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 1000\n\n")
	f.Flush()
	return &sse{w: w, f: f, last: time.Now()}, true
}

// send writes one event; id "" sends none.
func (s *sse) send(event, id string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if id != "" {
		fmt.Fprintf(s.w, "id: %s\n", id)
	}
	if _, err := fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", event, data); err != nil {
		return err
	}
	s.f.Flush()
	s.last = time.Now()
	return nil
}

// wait sends a heartbeat when the stream was quiet for too long, then
// waits for the next tick; false means the client is gone.
func (s *sse) wait(ctx context.Context, tick <-chan time.Time) bool {
	if time.Since(s.last) > heartbeat {
		if _, err := fmt.Fprint(s.w, ": ping\n\n"); err != nil {
			return false
		}
		s.f.Flush()
		s.last = time.Now()
	}
	select {
	case <-ctx.Done():
		return false
	case <-tick:
		return true
	}
}

// liveRunJSON is one running (or just finished) run on the board.
type liveRunJSON struct {
	ID       string `json:"id"`
	Href     string `json:"href"`
	Kind     string `json:"kind"`
	Task     string `json:"task"`
	State    string `json:"state"`
	Verdict  string `json:"verdict"`
	Progress string `json:"progress"`
	Command  string `json:"command"`
}

// liveRuns lists the records to show on the board: the running ones and
// those that ended in the last minute.
func (s *Server) liveRuns() []liveRunJSON {
	recs, _ := s.src.LiveRuns()
	out := []liveRunJSON{}
	for _, r := range recs {
		st := r.Effective()
		if st != live.Running {
			if st == live.Abandoned {
				continue
			}
			t, err := time.Parse(time.RFC3339Nano, r.StartedAt)
			if err != nil || time.Since(t.Add(time.Duration(r.DurationMS)*time.Millisecond)) > time.Minute {
				continue
			}
		}
		out = append(out, liveRunJSON{ID: r.ID, Href: liveRunHref("", r.ID), Kind: r.Kind, Task: r.Task, State: st,
			Verdict: r.Verdict, Progress: liveProgress(s.src, r), Command: strings.Join(r.Command, " ")})
	}
	return out
}

// repoFingerprint changes when anything the board shows may have changed:
// task files, evidence, the public key, the ledger, taskproof.toml.
func (s *Server) repoFingerprint() string {
	h := sha256.New()
	stat := func(p string) {
		if st, err := os.Stat(p); err == nil {
			fmt.Fprintf(h, "%s %d %d\n", p, st.Size(), st.ModTime().UnixNano())
		}
	}
	dir := func(p string) {
		ents, err := os.ReadDir(p)
		if err != nil {
			return
		}
		for _, e := range ents {
			if info, err := e.Info(); err == nil && !e.IsDir() {
				fmt.Fprintf(h, "%s/%s %d %d\n", p, e.Name(), info.Size(), info.ModTime().UnixNano())
			}
		}
	}
	root := s.src.Root
	stat(filepath.Join(root, config.FileName))
	dir(filepath.Join(root, filepath.FromSlash(proofstate.EvidenceDir)))
	if cfg, err := repo.Open(root).Config(); err == nil {
		dir(filepath.Join(root, filepath.FromSlash(cfg.Tasks.Dir)))
	}
	stat(filepath.Join(root, ".taskproof", "signing.pub"))
	stat(ledger.DefaultPath(root))
	stat(ledger.DefaultPath(root) + "-wal")
	return hex.EncodeToString(h.Sum(nil))
}

// boardEvents streams "runs" (the live runs, whenever they change) and
// "board" (the proof states, whenever the repository changes).
func (s *Server) boardEvents(w http.ResponseWriter, r *http.Request) {
	out, ok := startSSE(w)
	if !ok {
		return
	}
	tick := time.NewTicker(s.opts.Poll)
	defer tick.Stop()
	lastRuns, lastRepo := "", s.repoFingerprint()
	boardEvery := max(s.opts.Poll, 500*time.Millisecond)
	lastBoard := time.Now()
	for {
		runs := s.liveRuns()
		b, _ := json.Marshal(runs)
		if string(b) != lastRuns {
			lastRuns = string(b)
			if out.send("runs", "", runs) != nil {
				return
			}
		}
		if time.Since(lastBoard) >= boardEvery {
			lastBoard = time.Now()
			if fp := s.repoFingerprint(); fp != lastRepo {
				lastRepo = fp
				if snap, err := s.src.Load(); err == nil {
					st := buildBoardState(buildBoard(snap, pageBase{}))
					if out.send("board", "", st) != nil {
						return
					}
				}
			}
		}
		if !out.wait(r.Context(), tick.C) {
			return
		}
	}
}

// stepCursor is how far a client has a step: console bytes and lines,
// marker occurrences.
type stepCursor struct {
	Bytes int64
	Lines int
	Marks int
}

// parseCursors reads "N:bytes:lines:marks,..." (the event id format).
func parseCursors(s string) map[int]stepCursor {
	out := map[int]stepCursor{}
	for _, part := range strings.Split(s, ",") {
		f := strings.Split(part, ":")
		if len(f) != 4 {
			continue
		}
		var v [4]int64
		ok := true
		for i := range f {
			n, err := strconv.ParseInt(f[i], 10, 64)
			ok = ok && err == nil && n >= 0
			v[i] = n
		}
		if ok && v[0] > 0 {
			out[int(v[0])] = stepCursor{Bytes: v[1], Lines: int(v[2]), Marks: int(v[3])}
		}
	}
	return out
}

func formatCursors(c map[int]stepCursor) string {
	var ns []int
	for n := range c {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	var parts []string
	for _, n := range ns {
		parts = append(parts, fmt.Sprintf("%d:%d:%d:%d", n, c[n].Bytes, c[n].Lines, c[n].Marks))
	}
	return strings.Join(parts, ",")
}

// Events of the run page.
type consoleEvent struct {
	Step  int           `json:"step"`
	Lines []consoleJSON `json:"lines"`
}

type consoleJSON struct {
	N      int    `json:"n"`
	Anchor string `json:"anchor"`
	Text   string `json:"text"`
	Class  string `json:"cls"`
	Note   string `json:"note"`
}

type markEvent struct {
	Step   int    `json:"step"`
	Marker string `json:"marker"`
	Kind   string `json:"kind"`
	Phase  string `json:"phase"`
	Line   int    `json:"line"`
	Anchor string `json:"anchor"`
	At     string `json:"at"`
	Class  string `json:"cls"`
	Note   string `json:"note"`
}

type stepEvent struct {
	Step    int    `json:"step"`
	State   string `json:"state"`
	Verdict string `json:"verdict"`
	Reason  string `json:"reason"`
}

type endEvent struct {
	State   string `json:"state"`
	Verdict string `json:"verdict"`
	Reason  string `json:"reason"`
	Ledger  string `json:"ledger"`
}

// runEvents streams a live run: "console" (new complete lines), "mark"
// (marker occurrences), "step" (a step started or ended) and "end".
// Cursors come from Last-Event-ID on a reconnect, else from ?at=, which
// the page fills with what it rendered.
func (s *Server) runEvents(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	id, ok := strings.CutPrefix(key, liveKeyPrefix)
	if !ok || !live.ValidID(id) {
		http.NotFound(w, r)
		return
	}
	if _, err := s.src.LiveRun(id); err != nil {
		http.NotFound(w, r)
		return
	}
	cur := parseCursors(r.URL.Query().Get("at"))
	if le := r.Header.Get("Last-Event-ID"); le != "" {
		cur = parseCursors(le)
	}
	out, ok := startSSE(w)
	if !ok {
		return
	}
	tick := time.NewTicker(s.opts.Poll)
	defer tick.Stop()
	sentState := map[int]string{}
	for {
		rec, err := s.src.LiveRun(id)
		if err != nil {
			return
		}
		state := rec.Effective()
		for _, st := range rec.Steps {
			c, known := cur[st.N]
			if !known {
				cur[st.N] = stepCursor{}
			}
			if sentState[st.N] != st.State+st.Verdict {
				if sentState[st.N] != "" || !known || st.State != live.Running {
					if out.send("step", formatCursors(cur), stepEvent{Step: st.N, State: st.State, Verdict: st.Verdict, Reason: st.Reason}) != nil {
						return
					}
				}
				sentState[st.N] = st.State + st.Verdict
			}
			final := st.State != live.Running || state != live.Running
			lines, nc := s.consoleChunk(rec, st, c, final)
			marks, _ := s.src.LiveMarks(id, st.N, c.Marks)
			nc.Marks = c.Marks + len(marks)
			cur[st.N] = nc
			if len(lines) > 0 {
				if out.send("console", formatCursors(cur), consoleEvent{Step: st.N, Lines: lines}) != nil {
					return
				}
			}
			for _, m := range marks {
				ev := markEvent{Step: st.N, Marker: m.Marker, Kind: m.Kind, Phase: m.Phase, Line: m.Line, Anchor: stepAnchor(st.N) + strconv.Itoa(m.Line),
					At: fmtMS(m.AtMS), Class: markClass(m.Kind), Note: m.Kind + " marker " + quote(m.Marker)}
				if m.Phase != "" {
					ev.Note += " (phase " + m.Phase + ")"
				}
				if out.send("mark", formatCursors(cur), ev) != nil {
					return
				}
			}
		}
		if state != live.Running {
			// Read once more so nothing written just before the end is
			// lost, then say how it ended.
			end := endEvent{State: state, Verdict: rec.Verdict, Reason: rec.Reason}
			if rec.LedgerID > 0 {
				end.Ledger = ledgerRunHref("", rec.LedgerID)
			}
			out.send("end", formatCursors(cur), end)
			return
		}
		if !out.wait(r.Context(), tick.C) {
			return
		}
	}
}

// consoleChunk reads the step's console after the cursor: whole lines, or
// everything when final.
func (s *Server) consoleChunk(rec *live.Record, st live.Step, c stepCursor, final bool) ([]consoleJSON, stepCursor) {
	data, err := s.src.LiveConsole(rec.ID, st.N, c.Bytes, maxChunk)
	if err != nil || len(data) == 0 {
		return nil, c
	}
	if i := strings.LastIndexByte(string(data), '\n'); i >= 0 && !(final && len(data) < maxChunk) {
		data = data[:i+1]
	} else if i < 0 && !final && len(data) < maxChunk {
		return nil, c
	}
	// Near misses need the markers seen so far and the required ones.
	marks, _ := s.src.LiveMarks(rec.ID, st.N, 0)
	seen := map[string]bool{}
	byLine := map[int]markData{}
	for _, m := range marks {
		seen[m.Marker] = true
		byLine[m.Line] = markData{Marker: m.Marker, Kind: m.Kind, Phase: m.Phase, Line: m.Line, AtMS: m.AtMS}
	}
	var targets []nearTarget
	for _, q := range st.Required {
		targets = append(targets, nearTarget{Marker: q.Marker, Required: true, Missing: final && !seen[q.Marker]})
	}
	lines, _ := renderConsole(consoleInput{Raw: data, FirstLine: c.Lines + 1, Anchor: stepAnchor(st.N), Marks: byLine, Targets: targets})
	out := make([]consoleJSON, 0, len(lines))
	for _, l := range lines {
		out = append(out, consoleJSON{N: l.N, Anchor: l.Anchor, Text: l.Text, Class: l.Class, Note: l.Note})
	}
	c.Bytes += int64(len(data))
	c.Lines += strings.Count(string(data), "\n")
	if final && len(data) > 0 && data[len(data)-1] != '\n' {
		c.Lines++
	}
	return out, c
}
