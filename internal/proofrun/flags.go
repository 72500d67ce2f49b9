package proofrun

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/taskproof/taskproof/internal/flagargs"
	"github.com/taskproof/taskproof/internal/harness"
)

// Flags are the flags run and verify share: where the markers come from
// and which report files to write. They are defined here, once, because a
// task's proof command `taskproof run ...` means what it means on the
// command line.
type Flags struct {
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

// Register defines the shared flags on fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Root, "root", ".", "repository root `DIR`")
	fs.StringVar(&f.Format, "format", "text", "output format: text, json")
	fs.StringVar(&f.Contract, "contract", "", "marker contract `FILE` (default: [proof] contract from taskproof.toml)")
	fs.StringVar(&f.Profile, "profile", "", "contract `PROFILE` to check (default: the contract's default profile)")
	fs.Var((*flagargs.List)(&f.Expect), "expect", "quick mode: required marker `TEXT`, ordered (repeatable)")
	fs.Var((*flagargs.List)(&f.ExpectAny), "expect-any", "quick mode: required marker `TEXT`, any order (repeatable)")
	fs.Var((*flagargs.List)(&f.Forbid), "forbid", "quick mode: forbidden marker `TEXT` (repeatable)")
	fs.StringVar(&f.Match, "match", "exact", "quick mode match `MODE`: exact, prefix, substring, regex")
	fs.StringVar(&f.Report, "report", "", "write the JSON report to `FILE`")
	fs.StringVar(&f.JUnit, "junit", "", "write JUnit XML (one test case per required marker) to `FILE`")
	fs.StringVar(&f.Summary, "summary", "", "write a Markdown summary to `FILE` (also appended to $GITHUB_STEP_SUMMARY when set)")
}

func (f *Flags) quick() bool {
	return len(f.Expect)+len(f.ExpectAny)+len(f.Forbid) > 0
}

// RunFlags are the flags of `taskproof run`.
type RunFlags struct {
	Flags
	Timeout time.Duration
	Drain   time.Duration
	Grace   time.Duration
	PTY     bool
	Log     string
	LogMax  int64
	OKExit  []int
	// Argv is the command: everything after the first "--", and the
	// positional arguments before it.
	Argv []string

	logMax, okExit string
}

// Register defines run's flags on fs.
func (f *RunFlags) Register(fs *flag.FlagSet) {
	f.Flags.Register(fs)
	fs.DurationVar(&f.Timeout, "timeout", harness.DefaultTimeout, "fail with TIMEOUT when there is no verdict after `DURATION`")
	fs.DurationVar(&f.Drain, "drain", harness.DefaultDrain, "keep reading `DURATION` after a passing verdict before stopping")
	fs.DurationVar(&f.Grace, "grace", harness.DefaultGrace, "wait `DURATION` after SIGTERM before SIGKILL")
	fs.BoolVar(&f.PTY, "pty", false, "give the command a terminal instead of a pipe")
	fs.StringVar(&f.Log, "log", "", "write the console to `FILE` (and marker times to FILE.markers.jsonl)")
	fs.StringVar(&f.logMax, "log-max", "8MiB", "byte budget of --log: `SIZE` in bytes, or with KiB, MiB, GiB")
	fs.StringVar(&f.okExit, "ok-exit", "0", "comma-separated exit `CODES` meaning the command ran to completion (QEMU isa-debug-exit: e.g. 33)")
}

// Parse parses run's arguments with fs (on which Register defined the
// flags): flags anywhere before the first "--", the command after it.
// Errors are flag errors (flag.ErrHelp for --help) or a bad value.
func (f *RunFlags) Parse(fs *flag.FlagSet, args []string) error {
	flagArgs, cmdArgs := args, []string(nil)
	for i, a := range args {
		if a == "--" {
			flagArgs, cmdArgs = args[:i], args[i+1:]
			break
		}
	}
	pos, err := flagargs.Parse(fs, flagArgs)
	if err != nil {
		return err
	}
	f.Argv = append(pos, cmdArgs...)
	if len(f.Argv) == 0 {
		return errors.New("no command to run; give it after --: taskproof run [flags] -- CMD ARGS...")
	}
	if f.LogMax, err = ParseSize(f.logMax); err != nil {
		return err
	}
	f.OKExit, err = ParseExitCodes(f.okExit)
	return err
}

// ParseRunCommand reads the arguments of a `taskproof run` proof command
// (after "run") as the run command reads them.
func ParseRunCommand(args []string) (*RunFlags, error) {
	var f RunFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(discard{})
	f.Register(fs)
	if err := f.Parse(fs, args); err != nil {
		return nil, err
	}
	return &f, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// CheckTimes refuses times a run cannot work with: no deadline, a
// negative drain, no grace.
func (f *RunFlags) CheckTimes() error {
	switch {
	case f.Timeout <= 0:
		return fmt.Errorf("--timeout must be positive (a run without a deadline can hang CI forever); got %v", f.Timeout)
	case f.Drain < 0:
		return fmt.Errorf("--drain must not be negative; got %v", f.Drain)
	case f.Grace <= 0:
		return fmt.Errorf("--grace must be positive; got %v", f.Grace)
	}
	return nil
}

// ParseSize reads a byte count: a plain number, or one with a K/KiB, M/MiB
// or G/GiB suffix (powers of 1024); at least 1KiB.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("--log-max %q is not a size; use bytes or a number with KiB, MiB, GiB (e.g. 8MiB)", s)
	}
	if n*mult < 1024 {
		return 0, fmt.Errorf("--log-max %s is too small; use at least 1KiB", s)
	}
	return n * mult, nil
}

// ParseExitCodes reads --ok-exit: a comma-separated list of exit codes.
func ParseExitCodes(s string) ([]int, error) {
	var codes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 || n > 255 {
			return nil, fmt.Errorf("--ok-exit %q: want comma-separated exit codes 0-255 (e.g. 0,33)", s)
		}
		codes = append(codes, n)
	}
	return codes, nil
}
