package harness

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// On Linux the command does not run as taskproof's child but as the child
// of a supervisor: taskproof re-executed (/proc/self/exe, so no other
// binary has to be installed) with argv[0] superviseArg0, which the
// package's init function recognises. The supervisor is tied to taskproof
// twice: a parent-death signal, and a "lifeline" pipe whose write end only
// taskproof holds, so the supervisor reads EOF the moment taskproof is
// gone, however it died. It reports the command's start and end on a
// status pipe, forwards SIGTERM from taskproof to every process of the run,
// kills them all when the lifeline breaks, and exits once none is left.
//
// Doing this in Go rather than with bwrap --die-with-parent --unshare-pid
// keeps the binary self-contained (CI machines have only Go), leaves the
// mount namespace, /dev and the console exactly as they are (bwrap builds
// a new root from bind mounts), and lets the same supervisor fall back to
// a cgroup or a subreaper where namespaces are not allowed.
const (
	superviseArg0 = "taskproof-supervise"
	// superviseEnv must be set too: argv[0] alone could be anyone's.
	superviseEnv = "TASKPROOF_SUPERVISOR"
	// handshakeWait bounds how long a supervisor may take to report the
	// command started.
	handshakeWait = 10 * time.Second
)

// startError is a command the supervisor could not start: an INFRA
// verdict for the run, not a reason to try a weaker mechanism.
type startError struct{ msg string }

func (e *startError) Error() string { return e.msg }

// startChild starts cfg.Argv under the strongest mechanism up to ceiling
// that works here. warn is the one-line warning of a run left to its
// process group.
func startChild(cfg Config, ceiling Containment) (c *child, warn string, err error) {
	if len(cfg.Argv) == 0 {
		return nil, "", errors.New("no command to run")
	}
	var notes []string
	if ceiling != ContainPIDNS {
		notes = append(notes, capNote(ceiling))
	}
	if ceiling.rank() <= ContainPdeathsig.rank() {
		path, err := commandPath(cfg.Argv[0])
		if err != nil {
			return nil, "", err
		}
		var modes []Containment
		if ceiling == ContainPIDNS {
			if err := pidnsUsable(); err != nil {
				notes = append(notes, "pidns: "+err.Error())
			} else {
				modes = append(modes, ContainPIDNS)
			}
		}
		if ceiling.rank() <= ContainCgroup.rank() {
			modes = append(modes, ContainCgroup) // falls back to pdeathsig by itself
		} else {
			modes = append(modes, ContainPdeathsig)
		}
		for _, m := range modes {
			c, err := startSupervised(cfg, path, m)
			if err == nil {
				if c.note != "" {
					notes = append(notes, c.note)
				}
				c.note = strings.Join(notes, "; ")
				return c, "", nil
			}
			var se *startError
			if errors.As(err, &se) {
				return nil, "", err
			}
			if m == ContainPIDNS {
				pidnsFailed(err)
			}
			notes = append(notes, string(m)+": "+err.Error())
		}
	}
	note := strings.Join(notes, "; ")
	c, err = startGroupChild(cfg.Argv, cfg.Env, cfg.Dir, cfg.PTY)
	if c != nil {
		c.note = note
	}
	return c, pgroupWarning(note), err
}

// commandPath is what the supervisor executes for argv0: a name without a
// slash is looked up in taskproof's PATH, as exec.Command does, and made
// absolute; a path is kept, so a relative one is taken from the run's
// directory.
func commandPath(argv0 string) (string, error) {
	if strings.Contains(argv0, "/") {
		return argv0, nil
	}
	p, err := exec.LookPath(argv0)
	if err != nil {
		return "", err
	}
	return filepath.Abs(p)
}

// The outcome of the first attempt at a PID namespace is kept: a system
// that refuses one refuses it every time.
var pidnsState struct {
	sync.Mutex
	probed bool
	err    error
}

// pidnsUsable reports why a PID namespace cannot be made here (nil when
// one can), trying once per process.
func pidnsUsable() error {
	pidnsState.Lock()
	defer pidnsState.Unlock()
	if !pidnsState.probed {
		pidnsState.probed = true
		pidnsState.err = probeSupervisor(ContainPIDNS)
	}
	return pidnsState.err
}

func pidnsFailed(err error) {
	pidnsState.Lock()
	defer pidnsState.Unlock()
	pidnsState.probed, pidnsState.err = true, err
}

var cgroupState struct {
	once sync.Once
	err  error
}

// Available reports the mechanism a run capped at ceiling gets on this
// system, and why no stronger one ("" when nothing stronger was skipped).
func Available(ceiling Containment) (Containment, string) {
	var notes []string
	if ceiling != ContainPIDNS {
		notes = append(notes, capNote(ceiling))
	}
	note := func() string { return strings.Join(notes, "; ") }
	if ceiling == ContainPIDNS {
		if err := pidnsUsable(); err == nil {
			return ContainPIDNS, note()
		} else {
			notes = append(notes, "pidns: "+err.Error())
		}
	}
	if ceiling.rank() <= ContainCgroup.rank() {
		cgroupState.once.Do(func() {
			var cg *runCgroup
			if cg, cgroupState.err = newRunCgroup("taskproof-probe-" + strconv.Itoa(os.Getpid())); cg != nil {
				cg.remove()
			}
		})
		if cgroupState.err == nil {
			return ContainCgroup, note()
		}
		notes = append(notes, "cgroup: "+cgroupState.err.Error())
	}
	if ceiling.rank() <= ContainPdeathsig.rank() {
		if err := probeSupervisor(ContainPdeathsig); err == nil {
			return ContainPdeathsig, note()
		} else {
			notes = append(notes, "pdeathsig: "+err.Error())
		}
	}
	return ContainPGroup, note()
}

// supervisorAttr is how a supervisor in mode is started: in its own
// process group (terminal signals are taskproof's to handle) with a
// parent-death signal. The init of a PID namespace gets SIGKILL, which is
// all it takes; the others get SIGHUP, on which they kill the run first.
func supervisorAttr(mode Containment) *syscall.SysProcAttr {
	sys := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGHUP}
	if mode == ContainPIDNS {
		sys.Pdeathsig = syscall.SIGKILL
		sys.Cloneflags = syscall.CLONE_NEWPID
		if uid, gid := os.Geteuid(), os.Getegid(); uid != 0 {
			// Unprivileged: a user namespace that maps only our own ids,
			// so the command runs as who we are, without capabilities.
			sys.Cloneflags |= syscall.CLONE_NEWUSER
			sys.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
			sys.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
		}
	}
	return sys
}

// probeSupervisor starts a supervisor in mode that exits at once; the
// error says why it cannot run.
func probeSupervisor(mode Containment) error {
	cmd := &exec.Cmd{
		Path:        "/proc/self/exe",
		Args:        []string{superviseArg0, "probe"},
		Env:         []string{superviseEnv + "=1"},
		SysProcAttr: supervisorAttr(mode),
	}
	out, err := cmd.Output()
	if err != nil {
		return err
	}
	if string(out) != "probe ok\n" {
		return fmt.Errorf("supervisor probe printed %q", out)
	}
	return nil
}

// startSupervised starts path (argv cfg.Argv) under a supervisor in mode
// and waits until the supervisor reports the command started. A
// *startError is the command's failure; any other error the supervisor's.
func startSupervised(cfg Config, path string, mode Containment) (_ *child, err error) {
	r, w, err := consoleFiles(cfg.PTY)
	if err != nil {
		return nil, err
	}
	var opened []*os.File // closed on failure
	opened = append(opened, r, w)
	defer func() {
		if err != nil {
			for _, f := range opened {
				f.Close()
			}
		}
	}()
	statusR, statusW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("create pipe: %w", err)
	}
	opened = append(opened, statusR, statusW)
	lifeR, lifeW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("create pipe: %w", err)
	}
	opened = append(opened, lifeR, lifeW)

	console := "pipe"
	if cfg.PTY {
		console = "pty"
	}
	cmd := &exec.Cmd{
		Path:        "/proc/self/exe",
		Args:        append([]string{superviseArg0, string(mode), console, path}, cfg.Argv...),
		Env:         append(withoutEnv(cfg.Env, superviseEnv), superviseEnv+"=1"),
		Dir:         cfg.Dir,
		Stdout:      w,
		Stderr:      w,
		ExtraFiles:  []*os.File{statusW, lifeR}, // fds 3 and 4
		SysProcAttr: supervisorAttr(mode),
	}
	if cfg.PTY {
		cmd.Stdin = w
	}

	startedC := make(chan error, 1)
	exited := make(chan exitInfo, 1)
	reaped := make(chan struct{})
	statusDone := make(chan struct{})
	var sawExit bool // written by the status reader before statusDone closes
	go func() {
		// The parent-death signal fires when the *thread* that forked the
		// supervisor ends, not when taskproof does, and Go ends a thread
		// whose goroutine exits while locked to it. This goroutine keeps
		// its thread locked from the fork until the supervisor is reaped,
		// so that thread neither ends nor serves another goroutine that
		// could end it meanwhile.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			startedC <- err
			return
		}
		startedC <- nil
		_ = cmd.Wait()
		<-statusDone
		if !sawExit {
			// The supervisor died without reporting the command's end
			// (killed from outside): its own end is the run's.
			exited <- exitStatus(cmd.ProcessState)
		}
		close(reaped)
	}()
	if err := <-startedC; err != nil {
		return nil, err
	}
	// Only the supervisor holds these now.
	w.Close()
	statusW.Close()
	lifeR.Close()
	opened = []*os.File{r, statusR, lifeW}

	var cut sync.Once
	cutLifeline := func() { cut.Do(func() { lifeW.Close() }) }
	// abandon ends a supervisor whose handshake failed, and reaps it.
	abandon := func() {
		cutLifeline()
		_ = cmd.Process.Kill()
		statusR.Close()
		<-reaped
	}

	br := bufio.NewReader(statusR)
	fail := func(err error) (*child, error) {
		go drainStatus(br, statusDone, nil, nil)
		abandon()
		return nil, err
	}
	_ = statusR.SetReadDeadline(time.Now().Add(handshakeWait))
	var how Containment
	var note string
handshake:
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return fail(fmt.Errorf("supervisor ended before starting the command: %v", err))
		}
		word, rest, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		switch word {
		case "mode":
			m, n, _ := strings.Cut(rest, " ")
			how, note = Containment(m), n
		case "started":
			if how == "" {
				return fail(errors.New("supervisor started the command without naming its mode"))
			}
			break handshake
		case "starterr":
			return fail(&startError{msg: rest})
		default:
			return fail(fmt.Errorf("supervisor said %q", line))
		}
	}
	_ = statusR.SetReadDeadline(time.Time{})
	go drainStatus(br, statusDone, exited, &sawExit)

	return &child{
		pid: cmd.Process.Pid, cmdPID: firstChild(cmd.Process.Pid), out: r, how: how, note: note,
		exited: exited, reaped: reaped,
		stop: func(grace, killWait time.Duration) (gone, killed bool) {
			if closedWithin(reaped, 0) {
				return true, false
			}
			// The supervisor forwards SIGTERM (and SIGCONT) to every
			// process of the run; os.Process signals through a pidfd, so
			// a reaped supervisor's reused pid is never hit.
			_ = cmd.Process.Signal(syscall.SIGTERM)
			if closedWithin(reaped, grace) {
				return true, false
			}
			// A broken lifeline makes the supervisor SIGKILL the run.
			cutLifeline()
			if closedWithin(reaped, killWait) {
				return true, true
			}
			// The supervisor itself is stuck; as init of a PID namespace
			// its death still takes the namespace down.
			_ = cmd.Process.Kill()
			return closedWithin(reaped, time.Second), true
		},
		release: func() {
			cutLifeline()
			statusR.Close()
		},
	}, nil
}

// drainStatus reads the supervisor's status lines after the handshake
// until it exits, passing the command's end on. Closing done says the
// supervisor has written its last word.
func drainStatus(br *bufio.Reader, done chan struct{}, exited chan<- exitInfo, sawExit *bool) {
	defer close(done)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		if exited == nil || *sawExit {
			continue
		}
		if st, ok := parseExitLine(strings.TrimSuffix(line, "\n")); ok {
			*sawExit = true
			exited <- st
		}
	}
}

// parseExitLine reads "exit CODE" or "signal NUMBER".
func parseExitLine(line string) (exitInfo, bool) {
	word, rest, _ := strings.Cut(line, " ")
	n, err := strconv.Atoi(rest)
	if err != nil {
		return exitInfo{}, false
	}
	switch word {
	case "exit":
		return exitInfo{code: n}, true
	case "signal":
		return exitInfo{code: -1, signal: signalName(syscall.Signal(n))}, true
	}
	return exitInfo{}, false
}

// closedWithin reports whether c is closed within d.
func closedWithin(c <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		select {
		case <-c:
			return true
		default:
			return false
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c:
		return true
	case <-t.C:
		return false
	}
}

// withoutEnv returns env without the variable name.
func withoutEnv(env []string, name string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// firstChild is the supervisor's child, the command, as our /proc numbers
// it (the supervisor reports the command's pid in its own namespace); the
// supervisor itself when the command is already gone.
func firstChild(sup int) int {
	files, _ := filepath.Glob("/proc/" + strconv.Itoa(sup) + "/task/*/children")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if fs := strings.Fields(string(b)); len(fs) > 0 {
			if pid, err := strconv.Atoi(fs[0]); err == nil {
				return pid
			}
		}
	}
	return sup
}
