package web

import (
	"encoding/json"
	"io/fs"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/task"
)

// Options configure the server.
type Options struct {
	// Hosts are the Host header names accepted (without port); empty
	// accepts any. A server on loopback accepts only loopback names, so a
	// web page elsewhere cannot read it through DNS rebinding.
	Hosts []string
	// Poll is how often live streams look at the repository; 0 means
	// DefaultPoll.
	Poll time.Duration
}

// DefaultPoll is how often the live streams poll the live records.
const DefaultPoll = 150 * time.Millisecond

// LoopbackHosts are the Host names of a loopback server.
var LoopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

// Server serves the dashboard of one repository. It is read-only: every
// route is GET or HEAD, and nothing it does writes to the repository.
type Server struct {
	src  Source
	opts Options
	mux  *http.ServeMux
}

// NewServer makes the dashboard server of the repository at root.
func NewServer(root string, opts Options) *Server {
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	s := &Server{src: Source{Root: root}, opts: opts, mux: http.NewServeMux()}
	s.mux.HandleFunc("/{$}", s.board)
	s.mux.HandleFunc("/index.html", s.board)
	s.mux.HandleFunc("/graph.html", s.graph)
	s.mux.HandleFunc("/runs.html", s.runs)
	s.mux.HandleFunc("/tasks/{file}", s.task)
	s.mux.HandleFunc("/runs/{file}", s.run)
	s.mux.HandleFunc("/runs/{key}/events", s.runEvents)
	s.mux.HandleFunc("/runs/{key}/timeline/{n}", s.timelineFragment)
	s.mux.HandleFunc("/runs/{key}/step/{n}", s.stepFragment)
	s.mux.HandleFunc("/events", s.boardEvents)
	s.mux.HandleFunc("/api/board.json", s.boardJSON)
	s.mux.Handle("/assets/", http.StripPrefix("/assets/", http.FileServerFS(Assets())))
	return s
}

// ServeHTTP enforces the read-only method set, the Host check and the
// security headers, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "the dashboard is read-only: only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	if !s.hostAllowed(r.Host) {
		http.Error(w, "unexpected Host header; the dashboard answers only to the names it listens on", http.StatusMisdirectedRequest)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) hostAllowed(host string) bool {
	if len(s.opts.Hosts) == 0 {
		return true
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.Trim(name, "[]")
	for _, a := range s.opts.Hosts {
		if strings.EqualFold(a, name) {
			return true
		}
	}
	return false
}

// base is the page base of a request path: "../" per directory level.
func base(p string) string {
	return strings.Repeat("../", strings.Count(strings.TrimPrefix(path.Clean(p), "/"), "/"))
}

func (s *Server) pageBase(r *http.Request, snap *Snapshot) pageBase {
	return pageBase{Base: base(r.URL.Path), Project: snap.Name, Live: true}
}

func (s *Server) load(w http.ResponseWriter) (*Snapshot, bool) {
	snap, err := s.src.Load()
	if err != nil {
		s.fail(w, err)
		return nil, false
	}
	return snap, true
}

func (s *Server) fail(w http.ResponseWriter, err error) {
	http.Error(w, "taskproof serve: "+err.Error(), http.StatusInternalServerError)
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, name string, data any) {
	b, err := render(name, data)
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(b)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, snap *Snapshot, what string) {
	pb := s.pageBase(r, snap)
	pb.Title = what
	b, err := render("notfound", pb)
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write(b)
}

func (s *Server) board(w http.ResponseWriter, r *http.Request) {
	snap, ok := s.load(w)
	if !ok {
		return
	}
	s.write(w, r, "board", buildBoard(snap, s.pageBase(r, snap)))
}

func (s *Server) boardJSON(w http.ResponseWriter, r *http.Request) {
	snap, ok := s.load(w)
	if !ok {
		return
	}
	b, _ := json.Marshal(buildBoardState(buildBoard(snap, s.pageBase(r, snap))))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// parseGraphQuery reads ?focus=&depth=&blocking=.
func parseGraphQuery(r *http.Request) graphQuery {
	q := graphQuery{Focus: strings.TrimSpace(r.URL.Query().Get("focus")), Depth: 1}
	if d, err := strconv.Atoi(r.URL.Query().Get("depth")); err == nil {
		q.Depth = min(max(d, 1), MaxFocusDepth)
	}
	switch r.URL.Query().Get("blocking") {
	case "1", "on", "true", "yes":
		q.Blocking = true
	}
	return q
}

func (s *Server) graph(w http.ResponseWriter, r *http.Request) {
	snap, ok := s.load(w)
	if !ok {
		return
	}
	s.write(w, r, "graph", buildGraphPage(snap, parseGraphQuery(r), s.pageBase(r, snap)))
}

func (s *Server) runs(w http.ResponseWriter, r *http.Request) {
	snap, ok := s.load(w)
	if !ok {
		return
	}
	p, err := buildRunsPage(s.src, snap, s.pageBase(r, snap))
	if err != nil {
		s.fail(w, err)
		return
	}
	s.write(w, r, "runs", p)
}

func (s *Server) task(w http.ResponseWriter, r *http.Request) {
	snap, ok := s.load(w)
	if !ok {
		return
	}
	file := r.PathValue("file")
	id, ok := task.ParseID(strings.TrimSuffix(file, ".html"))
	if !ok || string(id)+".html" != file {
		s.notFound(w, r, snap, "no such page "+r.URL.Path)
		return
	}
	runs, err := s.src.Runs(string(id), 50)
	if err != nil {
		s.fail(w, err)
		return
	}
	flaky, err := s.src.Flaky()
	if err != nil {
		s.fail(w, err)
		return
	}
	p, found := buildTaskPage(snap, id, runs, flaky, s.pageBase(r, snap))
	if !found {
		s.notFound(w, r, snap, "no task "+string(id))
		return
	}
	s.write(w, r, "task", p)
}

func (s *Server) run(w http.ResponseWriter, r *http.Request) {
	snap, ok := s.load(w)
	if !ok {
		return
	}
	file := r.PathValue("file")
	key, isHTML := strings.CutSuffix(file, ".html")
	if !isHTML {
		s.notFound(w, r, snap, "no such page "+r.URL.Path)
		return
	}
	p, found, err := buildRunPage(s.src, snap, key, s.pageBase(r, snap))
	if err != nil {
		s.fail(w, err)
		return
	}
	if !found {
		s.notFound(w, r, snap, "no run "+key)
		return
	}
	s.write(w, r, "run", p)
}

// stepOf builds the run page of key and returns step n.
func (s *Server) stepOf(w http.ResponseWriter, r *http.Request) (*runStepView, bool) {
	snap, ok := s.load(w)
	if !ok {
		return nil, false
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	p, found, perr := buildRunPage(s.src, snap, r.PathValue("key"), pageBase{Base: "../../", Project: snap.Name, Live: true})
	if perr != nil {
		s.fail(w, perr)
		return nil, false
	}
	if err == nil && found {
		for i := range p.Steps {
			if p.Steps[i].N == n {
				return &p.Steps[i], true
			}
		}
	}
	http.NotFound(w, r)
	return nil, false
}

// timelineFragment is one step's timeline alone, for the live page.
func (s *Server) timelineFragment(w http.ResponseWriter, r *http.Request) {
	st, ok := s.stepOf(w, r)
	if !ok {
		return
	}
	if st.Timeline == nil {
		// A test step has no timeline: the step is there, so not a 404
		// (which the browser reports as an error on the live page).
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.write(w, r, "timeline", st.Timeline)
}

// stepFragment is one step's section alone, for a step that started after
// the live page loaded.
func (s *Server) stepFragment(w http.ResponseWriter, r *http.Request) {
	st, ok := s.stepOf(w, r)
	if !ok {
		return
	}
	s.write(w, r, "step", st)
}

// Handler is the server as an http.Handler.
func (s *Server) Handler() http.Handler { return s }

// assetNames lists the embedded assets, for the static export.
func assetNames() ([]string, error) {
	var names []string
	err := fs.WalkDir(Assets(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	return names, err
}
