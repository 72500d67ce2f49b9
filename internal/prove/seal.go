package prove

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/dod"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/proofstate"
	"github.com/taskproof/taskproof/internal/scope"
)

// Judgement is one task's verdict on what the proof saw.
type Judgement struct {
	Task    *TaskPlan
	Items   []evidence.Item
	Verdict string // evidence.Proven or evidence.Failed
	Scope   *scope.Result
	Hygiene *scope.HygieneReport
	files   []evidence.File
}

// Judge checks scope and hygiene on the work tree as the proof left it
// and judges each Definition-of-Done item of each task, but for the tasks
// UpToDate found fresh.
func (p *Plan) Judge(ctx context.Context) []*Judgement {
	var out []*Judgement
	var hyg *scope.HygieneReport
	var hygErr error
	hygDone := false
	for _, tp := range p.Tasks {
		if tp.Fresh != "" {
			continue
		}
		j := &Judgement{Task: tp}
		o := dod.Outcome{}
		for _, st := range tp.Steps {
			o.Steps = append(o.Steps, st.result().Outcome)
		}
		var err error
		j.Scope, err = CheckScope(ctx, p.Repo, tp.Doc, p.Options.Base)
		o.Scope = scopeOutcome(j.Scope, err)
		if j.Scope != nil {
			j.files = append(j.files, evidence.File{Name: evidence.ScopeName, Data: mustJSON(j.Scope)})
		}
		if !hygDone { // the same change for every task: checked once
			hyg, hygErr = CheckHygiene(ctx, p.Repo, p.Options.Base)
			hygDone = true
		}
		j.Hygiene = hyg
		o.Hygiene = hygieneOutcome(j.Hygiene, hygErr)
		if j.Hygiene != nil {
			j.files = append(j.files, evidence.File{Name: evidence.HygieneName, Data: mustJSON(j.Hygiene)})
		}
		j.Items, j.Verdict = dod.Judge(tp.DoD, o)
		out = append(out, j)
	}
	return out
}

// result is the step's result, an empty one before Execute.
func (s *Step) result() *StepResult {
	if s.Result == nil {
		return &StepResult{}
	}
	return s.Result
}

// Sealed is a written evidence bundle.
type Sealed struct {
	Path   string // relative to the root
	Digest string // sha256 of the bundle file
	KeyID  string
	Bundle []byte
	// Changed is true when allowlisted files changed while the proof ran:
	// the evidence binds their content from before, and is stale now.
	Changed bool
}

// Seal writes j's evidence: every file the proof saw, config.json, and a
// statement signed with priv, bound to the inputs Bind read, the
// run-specific facts (start, duration, host, the tools that ran) in the
// predicate's run object. The bundle is written atomically.
func (p *Plan) Seal(ctx context.Context, j *Judgement, priv ed25519.PrivateKey) (*Sealed, error) {
	tp := j.Task
	files := append([]evidence.File{}, j.files...)
	for _, st := range tp.Steps {
		files = append(files, st.result().Files...)
	}
	files = append(files, evidence.File{Name: evidence.ConfigName, Data: mustJSON(p.config(tp))})
	inputs, err := p.inputsFile(tp)
	if err != nil {
		return nil, &kindError{ErrInfra, fmt.Errorf("digest the proof inputs: %w", err)}
	}
	files = append(files, inputs)
	sort.Slice(files, func(i, k int) bool { return files[i].Name < files[k].Name })
	cur := tp.Inputs
	pred := evidence.Predicate{
		TaskID: string(tp.Doc.ID), Commit: cur.Commit, ContractHash: cur.ContractHash,
		AllowlistHash: cur.AllowlistHash, StopConditionsHash: cur.StopConditionsHash,
		Verdict: j.Verdict, Items: j.Items,
	}
	host, _ := os.Hostname()
	pred.Run = evidence.Run{
		StartedAt:  p.started.UTC().Format(time.RFC3339),
		DurationMS: time.Since(p.started).Milliseconds(),
		Host:       host,
		Tools:      p.tools(ctx, tp),
	}
	for _, st := range tp.Steps {
		res := st.result()
		if res.Exec == "" {
			continue
		}
		ref := evidence.RunRef{N: st.N, Run: res.Run, Exec: res.Exec, Commit: cur.Commit}
		if res.Cached != nil {
			ref.Commit, ref.Reused = res.Cached.Commit, res.Cached.From
		}
		pred.Run.Proofs = append(pred.Run.Proofs, ref)
	}
	bundle, err := evidence.Build(files, pred, priv)
	if err != nil {
		return nil, &kindError{ErrInfra, fmt.Errorf("build evidence: %w", err)}
	}
	// What the readers would refuse is not evidence: check before writing.
	if _, err := evidence.OpenBytes(bundle, proofstate.BundleLimits(p.Repo)); err != nil {
		return nil, &kindError{ErrInfra, fmt.Errorf("build evidence: %w; raise the limit in the [evidence] table of taskproof.toml, or keep logs smaller (run --log-max)", err)}
	}
	path := proofstate.BundlePath(p.Repo.Root, tp.Doc.ID)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, &kindError{ErrInfra, fmt.Errorf("create evidence directory: %w", err)}
	}
	if err := atomicfile.Write(path, bundle, 0o644); err != nil {
		return nil, &kindError{ErrInfra, fmt.Errorf("write evidence: %w", err)}
	}
	return &Sealed{Path: proofstate.BundleRel(tp.Doc.ID), Digest: evidence.BundleDigest(bundle),
		KeyID: evidence.KeyID(priv.Public().(ed25519.PublicKey)), Bundle: bundle, Changed: p.changed(ctx, tp)}, nil
}

// changed reports whether an allowlisted file changed while the proof
// ran, without reading any: a stamp (size, time, mode) that moved, or a
// new untracked file the allowlist covers.
func (p *Plan) changed(ctx context.Context, tp *TaskPlan) bool {
	for name, before := range tp.stamps {
		if now, ok := stampOf(p.Repo.Path(name)); !ok || now != before {
			return true
		}
	}
	untracked, err := p.Repo.Untracked(ctx)
	if err != nil {
		return false
	}
	exclude := []string{tp.Doc.Path}
	if cfg, err := p.Repo.Config(); err == nil {
		exclude = append(exclude, filepath.ToSlash(cfg.Tasks.Board))
	}
	for _, name := range proofstate.AllowlistedPaths(tp.Doc, untracked, exclude) {
		if _, known := tp.stamps[name]; !known {
			return true
		}
	}
	return false
}

// tools lists the versions of the tools the proof ran: taskproof, git
// (for the inputs, scope and hygiene), each step's test runner that
// started, and every QEMU a step's processes ran, by the binary that ran.
func (p *Plan) tools(ctx context.Context, tp *TaskPlan) []evidence.Tool {
	tools := []evidence.Tool{{Name: "taskproof", Version: p.Options.Version}}
	seen := map[string]bool{"taskproof": true}
	add := func(name, path string, args ...string) {
		if seen[name] || path == "" {
			return
		}
		seen[name] = true
		v, ok := p.versions[path]
		if !ok {
			tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			out, err := exec.CommandContext(tctx, path, args...).Output()
			v = strings.TrimSpace(firstLine(string(out)))
			if err != nil || v == "" {
				v = "unknown (" + path + " did not say)"
			}
			if p.versions == nil {
				p.versions = map[string]string{}
			}
			p.versions[path] = v
		}
		tools = append(tools, evidence.Tool{Name: name, Version: clip(v)})
	}
	if g, err := p.Repo.Git(ctx); err == nil {
		if v, err := g.Version(ctx); err == nil && v != "" {
			seen["git"] = true
			tools = append(tools, evidence.Tool{Name: "git", Version: clip(v)})
		}
	}
	for _, st := range tp.Steps {
		res := st.result()
		if !res.Started {
			continue
		}
		argv := st.Argv
		if st.Run != nil {
			argv = st.Run.Argv
		}
		switch name := filepath.Base(argv[0]); name {
		case "go":
			add(name, programOr(res.Programs, name, argv[0]), "version")
		case "cargo", "pytest", "python3", "node", "npm":
			add(name, programOr(res.Programs, name, argv[0]), "--version")
		}
		for _, prog := range res.Programs {
			if name := filepath.Base(prog); strings.HasPrefix(name, "qemu-system-") {
				add(name, prog, "--version")
			}
		}
	}
	return tools
}

// programOr is the executable named name among the programs a step ran,
// else argv0 as PATH finds it.
func programOr(programs []string, name, argv0 string) string {
	for _, p := range programs {
		if filepath.Base(p) == name {
			return p
		}
	}
	if path, err := exec.LookPath(argv0); err == nil {
		return path
	}
	return ""
}

// EnvPolicy says what config.json's env lists.
const EnvPolicy = "env lists only the variables the task's command assigns and the contract profile adds; the rest of the environment is inherited from the caller and not recorded; values of names containing KEY, TOKEN, SECRET or PASSWORD are redacted"

// Redacted replaces a secret's value in config.json.
const Redacted = "[redacted]"

// secretName reports whether an environment variable's value must not be
// recorded.
func secretName(name string) bool {
	u := strings.ToUpper(name)
	for _, w := range []string{"KEY", "TOKEN", "SECRET", "PASSWORD"} {
		if strings.Contains(u, w) {
			return true
		}
	}
	return false
}

// EnvRecord is the environment config.json records for a command: the
// task's assignments in order, then the contract profile's variables by
// name (a profile value replaces the task's), secrets redacted.
func EnvRecord(own []dod.EnvVar, profile map[string]string) []evidence.EnvVar {
	out := []evidence.EnvVar{}
	for _, v := range own {
		if _, over := profile[v.Name]; !over {
			out = append(out, evidence.EnvVar{Name: v.Name, Value: v.Value})
		}
	}
	names := make([]string, 0, len(profile))
	for k := range profile {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		out = append(out, evidence.EnvVar{Name: k, Value: profile[k]})
	}
	for i := range out {
		if secretName(out[i].Name) {
			out[i].Value = Redacted
		}
	}
	return out
}

// config is files/config.json for tp.
func (p *Plan) config(tp *TaskPlan) evidence.Config {
	cfg, _ := p.Repo.Config() // New read it
	c := evidence.Config{Task: string(tp.Doc.ID), File: tp.Doc.Path, Contract: cfg.Proof.Contract,
		Canonical: append([]string{}, cfg.Proof.Canonical...), Base: p.Options.Base, EnvPolicy: EnvPolicy, Steps: []evidence.ConfigStep{}}
	for _, st := range tp.Steps {
		cs := evidence.ConfigStep{N: st.N, Command: st.Command, Line: st.Line, Kind: string(st.Kind), Runner: string(st.Runner),
			Canonical: st.Canonical, Note: st.Note, Argv: st.Argv, Dir: ".", Env: st.result().Env, Timeout: p.Options.Timeout.String()}
		if cs.Env == nil {
			cs.Env = EnvRecord(st.Env, nil)
		}
		if st.Run != nil {
			cs.Verified = st.Run.Argv
			cs.Contract, cs.Profile = st.Contract, st.Profile
			cs.Timeout = st.Run.Timeout.String()
			cs.OKExit = st.Run.OKExit
		}
		c.Steps = append(c.Steps, cs)
	}
	return c
}
