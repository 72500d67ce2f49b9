package web

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/taskproof/taskproof/internal/testcorpus"
)

// BenchmarkCorpusBoard is the server-side time of the open-nexus board:
// read 353 task files, judge their evidence, lint them, compare the
// hand-written board, render. The budget is 200 ms.
func BenchmarkCorpusBoard(b *testing.B) {
	s := NewServer(testcorpus.Dir(b), Options{})
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		if w.Code != 200 {
			b.Fatal(w.Code, w.Body)
		}
	}
}

// BenchmarkCorpusGraph is the graph page of the corpus, layout included.
func BenchmarkCorpusGraph(b *testing.B) {
	s := NewServer(testcorpus.Dir(b), Options{})
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", "/graph.html", nil))
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkCorpusSite is the static export of the corpus: every page. The
// budget is 5 s.
func BenchmarkCorpusSite(b *testing.B) {
	root := testcorpus.Dir(b)
	dir := b.TempDir()
	i := 0
	for b.Loop() {
		i++
		if _, err := Export(root, filepath.Join(dir, "site", string(rune('a'+i%26)))); err != nil {
			b.Fatal(err)
		}
	}
}
