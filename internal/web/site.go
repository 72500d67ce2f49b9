package web

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/taskproof/taskproof/internal/ledger"
	"github.com/taskproof/taskproof/internal/task"
)

// SiteMarker is the file that marks a directory as a static export, so
// that a later export may replace it and nothing else is ever replaced.
const SiteMarker = ".taskproof-site"

// ErrNotSite is wrapped by Export's refusal to write into a directory
// that holds something other than an earlier export.
var ErrNotSite = errors.New("not an earlier export")

// SiteStats says what an export wrote.
type SiteStats struct {
	Pages  int
	Tasks  int
	Runs   int
	Assets int
}

// Export writes the static site of the repository at root into out: the
// same pages the server shows (board, graph, runs, one page per task and
// per run, the evidence consoles), without live updates, with relative
// links so it works from any directory of a web server. The site is built
// in a temporary directory beside out and moved into place, so out is
// either the old site or the new one, never a mix. out must not exist, be
// empty, or hold an earlier export (it has SiteMarker).
func Export(root, out string) (SiteStats, error) {
	var st SiteStats
	if err := checkOut(out); err != nil {
		return st, err
	}
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return st, fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return st, fmt.Errorf("temporary directory beside %s: %w", out, err)
	}
	defer os.RemoveAll(tmp) // gone after the rename; cleans up on failure
	if err := os.Chmod(tmp, 0o755); err != nil {
		return st, err
	}
	if st, err = writeSite(Source{Root: root}, tmp); err != nil {
		return st, err
	}
	return st, replaceDir(tmp, out)
}

// checkOut refuses an out directory that holds anything but an earlier
// export.
func checkOut(out string) error {
	st, err := os.Stat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s exists and is not a directory (%w); choose another --out", out, ErrNotSite)
	}
	if _, err := os.Stat(filepath.Join(out, SiteMarker)); err == nil {
		return nil
	}
	ents, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	if len(ents) > 0 {
		return fmt.Errorf("%s is not empty and holds no earlier export (no %s: %w); choose another --out or empty it", out, SiteMarker, ErrNotSite)
	}
	return nil
}

// replaceDir moves tmp to out, replacing an earlier export.
func replaceDir(tmp, out string) error {
	old := ""
	if _, err := os.Stat(out); err == nil {
		old = out + ".old-" + filepath.Base(tmp)
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("move the earlier export aside: %w", err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			os.Rename(old, out)
		}
		return fmt.Errorf("move the export into %s: %w", out, err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

// writeSite renders every page into dir.
func writeSite(src Source, dir string) (SiteStats, error) {
	var st SiteStats
	snap, err := src.Load()
	if err != nil {
		return st, err
	}
	write := func(rel string, name string, data any) error {
		b, err := render(name, data)
		if err != nil {
			return fmt.Errorf("render %s: %w", rel, err)
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
		st.Pages++
		return nil
	}
	top := pageBase{Project: snap.Name}
	sub := pageBase{Base: "../", Project: snap.Name}
	if err := write("index.html", "board", buildBoard(snap, top)); err != nil {
		return st, err
	}
	if err := write("graph.html", "graph", buildGraphPage(snap, graphQuery{Depth: 1}, top)); err != nil {
		return st, err
	}
	runsPage, err := buildRunsPage(src, snap, top)
	if err != nil {
		return st, err
	}
	if err := write("runs.html", "runs", runsPage); err != nil {
		return st, err
	}

	// The ledger is read once: its runs by task, and the flaky items.
	all, err := src.Runs(ledger.AllTasks, MaxRunsListed)
	if err != nil {
		return st, err
	}
	byTask := map[string][]ledger.Run{}
	for _, r := range all {
		byTask[r.TaskID] = append(byTask[r.TaskID], r)
	}
	flaky, err := src.Flaky()
	if err != nil {
		return st, err
	}
	var ids []task.ID
	for id := range snap.ByID {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, task.Compare)
	for _, id := range ids {
		p, _ := buildTaskPage(snap, id, byTask[string(id)], flaky, sub)
		if err := write("tasks/"+string(id)+".html", "task", p); err != nil {
			return st, err
		}
		st.Tasks++
	}

	// Runs: every ledger run listed, live records not in the ledger, and
	// the consoles of each evidence bundle.
	keys := []string{}
	for _, r := range all {
		keys = append(keys, fmt.Sprint(r.ID))
	}
	recs, _ := src.LiveRuns()
	for _, r := range recs {
		if r.LedgerID == 0 {
			keys = append(keys, liveKeyPrefix+r.ID)
		}
	}
	// buildRunPage reads each bundle once and skips a task without one.
	for _, id := range ids {
		keys = append(keys, evidenceKeyP+string(id))
	}
	for _, k := range keys {
		p, found, err := buildRunPage(src, snap, k, sub)
		if err != nil {
			return st, err
		}
		if !found {
			continue
		}
		p.LiveID = "" // a static page does not subscribe
		if err := write("runs/"+k+".html", "run", p); err != nil {
			return st, err
		}
		st.Runs++
	}

	names, err := assetNames()
	if err != nil {
		return st, err
	}
	for _, n := range names {
		data, err := fs.ReadFile(Assets(), n)
		if err != nil {
			return st, err
		}
		p := filepath.Join(dir, "assets", filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return st, err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return st, err
		}
		st.Assets++
	}
	marker := "a static export of the taskproof dashboard of " + strings.TrimSpace(snap.Name) + "; taskproof site may replace this directory\n"
	if err := os.WriteFile(filepath.Join(dir, SiteMarker), []byte(marker), 0o644); err != nil {
		return st, err
	}
	return st, nil
}
