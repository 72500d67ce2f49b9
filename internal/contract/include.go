package contract

import (
	"io/fs"
	"runtime"
	"sync/atomic"
)

// includePattern is one include of a contract file, in the order the
// contract takes them.
type includePattern struct {
	pattern string
	line    int   // where the pattern is written
	err     error // reading the pattern failed: the includes end here
}

// includeGroup is the files one include pattern names, in order, or the
// error that ends the includes at that turn.
type includeGroup struct {
	line  int
	names []string
	first int // index of names[0] in includeQueue.files
	err   error
}

// includeQueue is the files a contract's includes name. The loading
// goroutine reads them in order (fsys need not be safe for concurrent use)
// while the other cores start decoding those read, then works through them
// in order, decoding too while the file it needs next is not ready.
// Decoding TOML is most of loading a contract that includes many files, as
// upstream's manifests do, and loading one is part of every verify's
// start-up, so later files decode while the loader reads the earlier ones'
// tables. Errors keep their turn: a group's error, a file's read or
// decoding error are reported when the loader reaches them.
type includeQueue struct {
	prepare func(*includedFile) // runs after a file decodes, on its goroutine
	groups  []includeGroup
	files   []includedFile
	read    []chan struct{} // closed when the file's data is read
	done    []chan struct{} // closed when the file is decoded
	next    atomic.Int32    // the next file to claim for decoding
}

// queueIncludes expands pats in order (up to the first error, which ends
// the groups), reads the files and starts decoding them; prepare (when not
// nil) works on each decoded file further, ahead of its turn, and must
// depend on that file alone. The caller takes the groups in order, each
// file through file, and calls stop when done.
func queueIncludes(fsys fs.FS, from *fileCtx, pats []includePattern, prepare func(*includedFile)) *includeQueue {
	q := &includeQueue{prepare: prepare}
	for _, p := range pats {
		g := includeGroup{line: p.line, first: len(q.files), err: p.err}
		if g.err == nil {
			g.names, g.err = expandInclude(fsys, from, p.line, p.pattern)
		}
		q.groups = append(q.groups, g)
		if g.err != nil {
			break
		}
		for _, name := range g.names {
			q.files = append(q.files, includedFile{name: name})
		}
	}
	q.done = make([]chan struct{}, len(q.files))
	q.read = make([]chan struct{}, len(q.files))
	for i := range q.files {
		q.done[i] = make(chan struct{})
		q.read[i] = make(chan struct{})
	}
	// The loading goroutine is one decoder; the others use the other
	// cores, starting while it reads the later files.
	for range min(runtime.GOMAXPROCS(0), len(q.files)) - 1 {
		go func() {
			for q.claim() {
			}
		}()
	}
	for i := range q.files {
		f := &q.files[i]
		f.data, f.readErr = fs.ReadFile(fsys, f.name)
		close(q.read[i])
	}
	return q
}

// claim decodes the next file nobody decodes yet, and reports whether
// there was one.
func (q *includeQueue) claim() bool {
	i := int(q.next.Add(1)) - 1
	if i >= len(q.files) {
		return false
	}
	<-q.read[i]
	if f := &q.files[i]; f.readErr == nil {
		f.doc, f.lay, f.err = decodeFile(f.name, f.data)
		if f.err == nil && q.prepare != nil {
			q.prepare(f)
		}
	}
	close(q.done[i])
	return true
}

// file returns the ith file once it is decoded, decoding others meanwhile.
func (q *includeQueue) file(i int) includedFile {
	for {
		select {
		case <-q.done[i]:
			return q.files[i]
		default:
		}
		if !q.claim() {
			<-q.done[i]
			return q.files[i]
		}
	}
}

// stop ends decoding: after an error the files left are not needed. The
// file being decoded finishes on its own.
func (q *includeQueue) stop() { q.next.Store(int32(len(q.files))) }
