package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/contract"
	proofreport "github.com/taskproof/taskproof/internal/report"
	"github.com/taskproof/taskproof/internal/verify"
)

// This file holds the verify command and what run shares with it: the
// marker source (contract or quick mode), the verdict-to-exit-code map
// and the report outputs.

func init() {
	register(&command{name: "verify", summary: "check a finished console log against the marker contract", run: cmdVerify})
}

// proofExitHelp documents the exit codes of run and verify.
const proofExitHelp = `Exit codes:
  0  PASS: every required marker appeared, in order, often enough, and
     nothing forbidden or unexpected did
  1  a proof failure: MISSING, ORDER, COUNT, FORBIDDEN, UNEXPECTED,
     NO_OUTPUT or CRASH (the command died before the verdict was known)
  2  usage or contract error (bad flags, unreadable or invalid contract)
  3  INFRA: the command could not be started (or the run was interrupted)
  4  TIMEOUT: no verdict before --timeout`

// proofMarkersHelp documents where markers come from.
const proofMarkersHelp = `Markers come from a contract (--contract FILE, default: [proof] contract
in taskproof.toml when that file exists; proof/contract.toml otherwise), or,
without a contract file, from quick-mode flags:
  --expect TEXT      a required marker; repeated --expect markers must
                     appear in the order given
  --expect-any TEXT  a required marker, in any order
  --forbid TEXT      fails the run when it appears, added to the default
                     forbidden set (panic lines and the like)
  --match MODE       how quick-mode texts match a console line (after ANSI
                     escapes and CR are stripped): exact (the default),
                     prefix, substring or regex
Quick-mode flags and --contract are exclusive: put the markers in the
contract instead.`

// proofOptions are the flags run and verify share.
type proofOptions struct {
	Root      string
	Contract  string
	Profile   string
	Expect    []string
	ExpectAny []string
	Forbid    []string
	Match     string
	Report    string
	JUnit     string
	Summary   string
	Format    string
}

// proofTextList is a repeatable string flag.
type proofTextList []string

func (l *proofTextList) String() string     { return strings.Join(*l, ", ") }
func (l *proofTextList) Set(s string) error { *l = append(*l, s); return nil }

func (o *proofOptions) register(fs *flagSet) {
	fs.rootFlag(&o.Root)
	fs.formatFlag(&o.Format, "text", "json")
	fs.StringVar(&o.Contract, "contract", "", "marker contract `FILE` (default: [proof] contract from taskproof.toml)")
	fs.StringVar(&o.Profile, "profile", "", "contract `PROFILE` to check (default: the contract's default profile)")
	fs.Var((*proofTextList)(&o.Expect), "expect", "quick mode: required marker `TEXT`, ordered (repeatable)")
	fs.Var((*proofTextList)(&o.ExpectAny), "expect-any", "quick mode: required marker `TEXT`, any order (repeatable)")
	fs.Var((*proofTextList)(&o.Forbid), "forbid", "quick mode: forbidden marker `TEXT` (repeatable)")
	fs.StringVar(&o.Match, "match", "exact", "quick mode match `MODE`: exact, prefix, substring, regex")
	fs.StringVar(&o.Report, "report", "", "write the JSON report to `FILE`")
	fs.StringVar(&o.JUnit, "junit", "", "write JUnit XML (one test case per required marker) to `FILE`")
	fs.StringVar(&o.Summary, "summary", "", "write a Markdown summary to `FILE` (also appended to $GITHUB_STEP_SUMMARY when set)")
}

func (o *proofOptions) quick() bool {
	return len(o.Expect)+len(o.ExpectAny)+len(o.Forbid) > 0
}

// proofSource is the resolved spec and where it came from.
type proofSource struct {
	spec     *verify.Spec
	env      map[string]string // the profile's environment
	contract string            // path of the contract, "" in quick mode
	profile  string
}

// proofMarkers builds the spec: from quick-mode flags, from --contract,
// or from the repository's configured contract.
func proofMarkers(o *proofOptions) (*proofSource, error) {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return nil, err
	}
	if o.quick() {
		if o.Contract != "" {
			return nil, usagef("--contract cannot be combined with --expect, --expect-any or --forbid; put the markers in the contract, or drop --contract")
		}
		if o.Profile != "" {
			return nil, usagef("--profile needs a contract; quick mode (--expect, --expect-any, --forbid) has no profiles")
		}
		spec, err := proofQuickSpec(o.Expect, o.ExpectAny, o.Forbid, o.Match)
		if err != nil {
			return nil, err
		}
		return &proofSource{spec: spec}, nil
	}
	if o.Match != "exact" {
		return nil, usagef("--match applies to quick mode only (--expect, --expect-any, --forbid); a contract sets match modes per marker")
	}
	path := o.Contract
	if path == "" {
		cfg, err := proofConfig(o.Root)
		if err != nil {
			return nil, err
		}
		path = filepath.Join(o.Root, filepath.FromSlash(cfg.Proof.Contract))
		if _, err := os.Stat(path); err != nil {
			return nil, usagef("no markers to check: the contract %s does not exist; pass --contract FILE, or use quick mode with --expect TEXT", path)
		}
	}
	// A path under the working directory is read as is, so errors name it
	// (proof/contract.toml:12); any other from its own directory, with the
	// path in front. Includes resolve next to the contract either way.
	fsys, name := os.DirFS("."), filepath.ToSlash(filepath.Clean(path))
	if !filepath.IsLocal(path) {
		fsys, name = os.DirFS(filepath.Dir(path)), filepath.Base(path)
	}
	wrap := func(err error) error {
		if filepath.IsLocal(path) && strings.HasPrefix(err.Error(), name+":") {
			return err // already names the file and line
		}
		return fmt.Errorf("contract %s: %w", path, err)
	}
	c, err := contract.Load(fsys, name)
	if err != nil {
		return nil, wrap(err)
	}
	spec, err := c.Resolve(o.Profile)
	if err != nil {
		return nil, wrap(err)
	}
	env, err := c.Env(o.Profile)
	if err != nil {
		return nil, wrap(err)
	}
	profile := o.Profile
	if profile == "" {
		profile = c.DefaultProfile()
	}
	return &proofSource{spec: spec, env: env, contract: path, profile: profile}, nil
}

// proofConfig reads taskproof.toml at root, or the defaults without one.
func proofConfig(root string) (*config.Config, error) {
	path := filepath.Join(root, config.FileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return config.Default(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return config.Parse(path, data)
}

// proofQuickSpec builds a spec from quick-mode flags: --expect markers each
// after the previous one, --expect-any markers in any order, --forbid
// markers on top of the default forbidden set.
func proofQuickSpec(expect, expectAny, forbid []string, match string) (*verify.Spec, error) {
	mode, ok := map[string]verify.Mode{
		"exact": verify.Exact, "prefix": verify.Prefix, "substring": verify.Substring, "regex": verify.Regex,
	}[match]
	if !ok {
		return nil, usagef("unknown --match %q; use one of: exact, prefix, substring, regex", match)
	}
	if len(expect)+len(expectAny) == 0 {
		return nil, usagef("quick mode needs at least one --expect or --expect-any marker: nothing to prove is never a pass")
	}
	marker := func(flag, text string, kind verify.Kind) (verify.Marker, error) {
		if strings.TrimSpace(text) == "" {
			return verify.Marker{}, usagef("%s %q is blank; give the marker text", flag, text)
		}
		m := verify.Marker{ID: text, Text: text, Mode: mode, Kind: kind, Source: flag}
		if mode == verify.Regex {
			re, err := regexp.Compile(text)
			if err != nil {
				return m, usagef("%s %q is not a valid regular expression: %v", flag, text, err)
			}
			m.Pattern = re
		}
		return m, nil
	}
	spec := &verify.Spec{}
	seen := map[string]string{}
	prev := ""
	for i, list := range [][]string{expect, expectAny} {
		flag := [...]string{"--expect", "--expect-any"}[i]
		for _, text := range list {
			if f, dup := seen[text]; dup {
				return nil, usagef("marker %q is given twice (%s and %s); give it once", text, f, flag)
			}
			seen[text] = flag
			m, err := marker(flag, text, verify.KindOK)
			if err != nil {
				return nil, err
			}
			m.Required = true
			if flag == "--expect" {
				if prev != "" {
					m.After = []string{prev}
				}
				prev = text
			}
			spec.Markers = append(spec.Markers, m)
		}
	}
	spec.Forbidden = contract.DefaultForbidden()
	ids := map[string]bool{}
	for _, m := range spec.Forbidden {
		ids[m.ID] = true
	}
	for _, text := range forbid {
		if f, dup := seen[text]; dup {
			return nil, usagef("marker %q is both expected (%s) and forbidden (--forbid)", text, f)
		}
		m, err := marker("--forbid", text, verify.KindFail)
		if err != nil {
			return nil, err
		}
		if ids[m.ID] {
			continue
		}
		ids[m.ID] = true
		spec.Forbidden = append(spec.Forbidden, m)
	}
	return spec, nil
}

// proofExitCode maps a verdict to the exit code documented in proofExitHelp.
func proofExitCode(v verify.Verdict) int {
	switch v {
	case verify.Pass:
		return exitOK
	case verify.Infra:
		return exitInfra
	case verify.Timeout:
		return exitTimeout
	}
	return exitFindings
}

// proofOutputsOK fails before any work when an output file's directory does
// not exist, so a long run never ends in an unwritable report.
func proofOutputsOK(paths ...string) error {
	for _, p := range paths {
		if p == "" {
			continue
		}
		dir := filepath.Dir(p)
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			return usagef("cannot write %s: directory %s does not exist", p, dir)
		}
	}
	return nil
}

// proofEmit writes the report files and prints the verdict: the JSON report on
// stdout with --format json, otherwise the PASS line on stdout or the
// failure on stderr. unit measures the run ("in 0.8s").
func proofEmit(env *cliEnv, o *proofOptions, r *proofreport.Report, unit string) error {
	outs := []struct {
		path string
		data func() []byte
	}{{o.Report, r.JSON}, {o.JUnit, r.JUnit}, {o.Summary, r.Markdown}}
	var errs []error
	for _, out := range outs {
		if out.path == "" {
			continue
		}
		if err := atomicfile.Write(out.path, out.data(), 0o644); err != nil {
			errs = append(errs, err)
		}
	}
	if p := env.getenv("GITHUB_STEP_SUMMARY"); p != "" {
		if err := proofAppend(p, append(r.Markdown(), '\n')); err != nil {
			errs = append(errs, fmt.Errorf("append job summary: %w", err))
		}
	}
	switch {
	case o.Format == "json":
		env.stdout.Write(r.JSON())
	case r.Verdict == string(verify.Pass):
		io.WriteString(env.stdout, r.Text(unit))
	default:
		io.WriteString(env.stderr, r.Text(unit))
	}
	return errors.Join(errs...)
}

// proofAppend appends data to path (GitHub's job summary protocol).
func proofAppend(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// verifyOptions are the verify command's inputs.
type verifyOptions struct {
	proofOptions
	Log string // path, or "-" for stdin
}

const verifySynopsis = "verify [--contract FILE] [--profile P] [--report FILE] [--junit FILE] [--summary FILE] LOG"

const verifyHelp = `Check a finished console log against the marker contract, in one
streaming pass: presence, order, counts, forbidden and unexpected markers,
implication rules. LOG "-" reads standard input. The log is complete, so
there is no TIMEOUT or CRASH here: a missing marker is MISSING.

On PASS one line goes to stdout; on failure the verdict, the first failed
phase, the marker, the log line and an excerpt go to stderr.

` + proofMarkersHelp + "\n\n" + proofExitHelp

func cmdVerify(env *cliEnv, args []string) int {
	var o verifyOptions
	fs := newFlagSet(env, "verify", verifySynopsis, verifyHelp)
	o.register(fs)
	pos, code, done := fs.parse(args)
	if done {
		return code
	}
	if len(pos) != 1 {
		return report(env, "verify", usagef("want exactly one LOG argument (a file, or - for stdin), got %d", len(pos)))
	}
	o.Log = pos[0]
	return report(env, "verify", runVerify(o, env))
}

func runVerify(o verifyOptions, env *cliEnv) error {
	src, err := proofMarkers(&o.proofOptions)
	if err != nil {
		return err
	}
	if err := proofOutputsOK(o.Report, o.JUnit, o.Summary); err != nil {
		return err
	}
	in := env.stdin
	if o.Log != "-" {
		f, err := os.Open(o.Log)
		if err != nil {
			return fmt.Errorf("open log: %w", err)
		}
		defer f.Close()
		in = f
	}
	// A finished log is read to its end: every unexpected marker in it is
	// listed, not only the first.
	v, err := verify.New(src.spec, verify.Options{KeepMatching: true})
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := io.CopyBuffer(v, in, make([]byte, 256<<10)); err != nil {
		return &exitError{exitInfra, fmt.Errorf("read log %s: %w", o.Log, err)}
	}
	res := v.Finish(verify.End{Exited: true})
	r := proofreport.New(src.spec, res, nil)
	r.Tool = "verify"
	r.Contract, r.Profile, r.Log = src.contract, src.profile, o.Log
	r.DurationMS = time.Since(start).Milliseconds()
	r.ExitCode = proofExitCode(res.Verdict)
	if err := proofEmit(env, &o.proofOptions, r, "in "+strconv.Itoa(res.Lines)+" lines"); err != nil {
		return &exitError{exitInfra, err}
	}
	if r.ExitCode != exitOK {
		return &exitError{r.ExitCode, nil}
	}
	return nil
}

// proofEnv overlays the profile's environment on base ("K=V" entries);
// profile keys win, the result is sorted.
func proofEnv(base []string, overlay map[string]string) []string {
	m := map[string]string{}
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	for k, v := range overlay {
		m[k] = v
	}
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}
