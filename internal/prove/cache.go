package prove

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/repo"
)

// CacheDir holds the last passing result of each run, relative to the root.
const CacheDir = repo.StateDir + "/cache"

// resultVersion is the version of RunResult's JSON.
const resultVersion = 1

// RunResult is a run's output with what it depended on: kept in the cache
// when it passed, and written by a CI lane (signed) for collect.
type RunResult struct {
	Version int      `json:"version"`
	ID      string   `json:"id"`  // the run's id (SharedRun.ID)
	Run     string   `json:"run"` // this execution's id
	Command []string `json:"command"`
	Commit  string   `json:"commit"`
	// Inputs is the digest of what the run reads besides the tasks'
	// allowlisted files: taskproof's version, the run key (command, env,
	// contract, profile, options), the contract's content and the files
	// its command line names.
	Inputs string `json:"inputs"`
	// Tasks is each served task's allowlisted-content hash when it ran.
	Tasks map[string]string `json:"tasks"`
	// Tools are the executables the run ran, as they were on disk.
	Tools   []ToolStamp `json:"tools"`
	Passed  bool        `json:"passed"`
	Reason  string      `json:"reason"`
	Output  *RunOutput  `json:"output"`
	Started time.Time   `json:"started"`
}

// ToolStamp is an executable as it was: a newer build of a tool (QEMU, go)
// is another input.
type ToolStamp struct {
	Path  string `json:"path"`
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime_ns"`
}

func stampTool(path string) (ToolStamp, bool) {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return ToolStamp{}, false
	}
	return ToolStamp{Path: path, Size: st.Size(), MTime: st.ModTime().UnixNano()}, true
}

// runInputs is the digest of what r reads besides the allowlisted files.
func (p *Plan) runInputs(r *SharedRun) string {
	h := sha256.New()
	fmt.Fprintf(h, "taskproof %s\x00%s\x00", p.Options.Version, r.Key)
	st := r.First().Step
	if st.Run != nil && st.Run.Markers != nil && st.Run.Markers.Contract != nil {
		fmt.Fprintf(h, "contract %s\x00", st.Run.Markers.Contract.Hash())
	}
	for _, name := range commandFiles(p.Repo, st) {
		data, err := p.Repo.ReadFile(p.Repo.Path(name))
		if err != nil {
			continue
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(h, "file %s %x\x00", name, sum)
	}
	// The files [proof] inputs declares (a guest image in an ignored
	// build/) are read by the run although no command line names them: a
	// swapped image must run again, not reuse the verdict of the old one.
	h.Write([]byte(p.declaredDigest()))
	return hex.EncodeToString(h.Sum(nil))
}

// declaredDigest digests the files [proof] inputs declares, as they are
// before anything runs; hashed once per plan (guest images are large and
// every run of the plan keys on the same set).
func (p *Plan) declaredDigest() string {
	if p.declared != "" {
		return p.declared
	}
	h := sha256.New()
	declared, err := p.declaredInputs()
	if err != nil {
		fmt.Fprintf(h, "inputs error %v\x00", err)
	}
	for _, name := range declared {
		sum, err := evidence.HashInput(filepath.Join(p.Repo.Root, filepath.FromSlash(name)))
		if err != nil {
			sum = "unreadable"
		}
		fmt.Fprintf(h, "input %s %s\x00", name, sum)
	}
	p.declared = hex.EncodeToString(h.Sum(nil))
	return p.declared
}

// commandFiles are the files under the root a step's command line names
// (./qemu.sh, a contract), root-relative and slash-separated.
func commandFiles(r *repo.Repo, st *Step) []string {
	args := append([]string{}, st.Argv...)
	if st.Run != nil {
		args = append(args, st.Run.Argv...)
	}
	seen := map[string]bool{}
	var out []string
	for _, a := range args {
		if a == "" || strings.HasPrefix(a, "-") && !strings.Contains(a, "=") {
			continue
		}
		if _, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "-") {
			a = v
		}
		full := a
		if !filepath.IsAbs(a) {
			full = filepath.Join(r.Root, a)
		}
		fi, err := os.Stat(full)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		rel := r.Rel(full)
		if strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) || seen[rel] {
			continue
		}
		seen[rel] = true
		out = append(out, filepath.ToSlash(rel))
	}
	sort.Strings(out)
	return out
}

// result is r's output as a RunResult.
func (p *Plan) result(r *SharedRun) *RunResult {
	res := &RunResult{Version: resultVersion, ID: r.ID, Run: r.Output.ID, Command: r.First().Step.Argv,
		Inputs: r.inputs, Tasks: map[string]string{}, Passed: r.Output.passed(), Output: r.Output, Started: p.started.UTC()}
	for _, ts := range r.Steps {
		res.Tasks[string(ts.Task.Doc.ID)] = ts.Task.Inputs.AllowlistHash
		res.Commit = ts.Task.Inputs.Commit
	}
	first := r.First()
	res.Reason = r.Output.stepResult(first.Task, first.Step).Outcome.Reason
	tools := append([]string{}, r.Output.Programs...)
	// taskproof itself checks the console: another build is another tool.
	if exe, err := os.Executable(); err == nil {
		tools = append(tools, exe)
	}
	argv := first.Step.Argv
	if first.Step.Run != nil {
		argv = first.Step.Run.Argv
	}
	if path, err := exec.LookPath(argv[0]); err == nil {
		if abs, err := filepath.Abs(path); err == nil {
			tools = append(tools, abs)
		}
	}
	sort.Strings(tools)
	for i, t := range tools {
		if i > 0 && tools[i-1] == t {
			continue
		}
		if s, ok := stampTool(t); ok {
			res.Tools = append(res.Tools, s)
		}
	}
	return res
}

// reuses reports whether res can stand for r now: it passed, the run's
// own inputs are the same, every task r serves had the same allowlisted
// content, and every tool it ran is the same file. Why not, otherwise.
func (p *Plan) reuses(r *SharedRun, res *RunResult) (bool, string) {
	switch {
	case res.Version != resultVersion || res.Output == nil || res.ID != r.ID:
		return false, "no usable result"
	case !res.Passed:
		return false, "it failed: " + res.Reason
	}
	if why := p.sameInputs(r, res); why != "" {
		return false, why
	}
	for _, t := range res.Tools {
		if now, ok := stampTool(t.Path); !ok || now != t {
			return false, "tool " + t.Path + " changed"
		}
	}
	return true, ""
}

func (p *Plan) cachePath(id string) string {
	return filepath.Join(p.Repo.Root, filepath.FromSlash(CacheDir), id+".json")
}

// lookupCache gives each run the cached output of its last passing run
// when that output can stand for it now.
func (p *Plan) lookupCache() {
	for _, r := range p.Runs() {
		r.inputs = p.runInputs(r)
		if p.Options.Force {
			continue
		}
		data, err := os.ReadFile(p.cachePath(r.ID))
		if err != nil {
			continue
		}
		var res RunResult
		if json.Unmarshal(data, &res) != nil {
			continue // a broken cache entry is a miss, never an error
		}
		if ok, _ := p.reuses(r, &res); ok {
			r.Output, r.Cached = res.Output, &Reuse{Run: res.Run, Commit: res.Commit, From: "cache"}
		}
	}
}

// storeCache keeps the output of every run that ran here and passed. The
// cache is an optimisation: a failure to write it is not an error.
func (p *Plan) storeCache() {
	for _, r := range p.Runs() {
		if r.Output == nil || r.Cached != nil || !r.Output.passed() {
			continue
		}
		data, err := json.Marshal(p.result(r))
		if err != nil {
			continue
		}
		path := p.cachePath(r.ID)
		if os.MkdirAll(filepath.Dir(path), 0o755) == nil {
			_ = atomicfile.Write(path, data, 0o644)
		}
	}
}

// UpToDate marks the tasks whose evidence needs no new prove: every run
// they name was reused from the cache, and their bundle verifies under
// pub, says proven, and binds exactly the inputs they have now. Judge
// and Seal leave them alone.
func (p *Plan) UpToDate(pub ed25519.PublicKey) []*TaskPlan {
	reused := map[*Step]bool{}
	for _, r := range p.Runs() {
		if r.Cached != nil && r.Cached.From == "cache" {
			for _, ts := range r.Steps {
				reused[ts.Step] = true
			}
		}
	}
	var out []*TaskPlan
	for _, tp := range p.Tasks {
		all := len(tp.Steps) > 0
		for _, st := range tp.Steps {
			all = all && reused[st]
		}
		if !all {
			continue
		}
		data, err := os.ReadFile(proofstate.BundlePath(p.Repo.Root, tp.Doc.ID))
		if err != nil {
			continue
		}
		v, err := evidence.Verify(data, pub, evidence.VerifyOptions{})
		if err != nil {
			continue
		}
		pr, in := v.Predicate, tp.Inputs
		if pr.Verdict == evidence.Proven && pr.TaskID == string(tp.Doc.ID) && pr.Commit == in.Commit && pr.ContractHash == in.ContractHash &&
			pr.AllowlistHash == in.AllowlistHash && pr.StopConditionsHash == in.StopConditionsHash {
			tp.Fresh = v.Digest
			out = append(out, tp)
		}
	}
	return out
}
