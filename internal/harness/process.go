package harness

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// child is a started command and what holds its processes together.
type child struct {
	// pid is the process taskproof started: the command itself (pgroup)
	// or the supervisor between taskproof and the command.
	pid int
	// cmdPID is the command's own pid as taskproof's /proc numbers it
	// (pid itself with pgroup), for watching the run's process tree.
	cmdPID int
	out    *os.File // read end of the merged stdout+stderr (a pipe or a pty master)
	how    Containment
	note   string // why no stronger mechanism, when there is a reason

	exited <-chan exitInfo // the command's own end; at most one value
	reaped <-chan struct{} // closed once the started process was reaped
	stop   func(grace, killWait time.Duration) (gone, killed bool)
	// release is called once the run is over: it lets go of what holds
	// the supervisor (nil for pgroup).
	release func()
}

// exitInfo is how the command ended: an exit code, or -1 and the name of
// the signal that ended it.
type exitInfo struct {
	code   int
	signal string
}

// consoleFiles opens the command's console: a pty (for consoles that insist
// on a terminal) or a pipe. r is taskproof's end; w goes to the command as
// stdout and stderr (and stdin with a pty; otherwise stdin is /dev/null).
func consoleFiles(usePTY bool) (r, w *os.File, err error) {
	if usePTY {
		if r, w, err = openPTY(); err != nil {
			return nil, nil, fmt.Errorf("open pty: %w", err)
		}
		return r, w, nil
	}
	if r, w, err = os.Pipe(); err != nil {
		return nil, nil, fmt.Errorf("create pipe: %w", err)
	}
	return r, w, nil
}

// startGroupChild starts argv in its own process group with stdout and
// stderr merged into one stream: containment pgroup, today's mechanism.
// With usePTY the command gets a new session whose controlling terminal is
// the pty (a new session makes it a process-group leader too).
func startGroupChild(argv []string, env []string, dir string, usePTY bool) (*child, error) {
	if len(argv) == 0 {
		return nil, errors.New("no command to run")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Dir = dir
	r, w, err := consoleFiles(usePTY)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = w, w
	if usePTY {
		cmd.Stdin = w
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	} else {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	// Only the child holds the write end now: EOF arrives when every
	// process that inherited it is gone.
	w.Close()
	exited := make(chan exitInfo, 1)
	reaped := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		exited <- exitStatus(cmd.ProcessState)
		close(reaped)
	}()
	pgid := cmd.Process.Pid
	return &child{
		pid: pgid, cmdPID: pgid, out: r, how: ContainPGroup,
		exited: exited, reaped: reaped,
		stop: func(grace, killWait time.Duration) (bool, bool) { return stopGroup(pgid, grace, killWait) },
	}, nil
}

// openPTY opens a pty pair whose master is non-blocking, so reads can be
// cut off with a deadline when some process keeps the terminal open.
// pty.Open leaves the master in blocking mode; a non-blocking duplicate
// is registered with Go's poller instead.
func openPTY() (master, tty *os.File, err error) {
	m, t, err := pty.Open()
	if err != nil {
		return nil, nil, err
	}
	_ = pty.Setsize(t, &pty.Winsize{Rows: 50, Cols: 200})
	fd, err := syscall.Dup(int(m.Fd()))
	m.Close()
	if err != nil {
		t.Close()
		return nil, nil, err
	}
	syscall.CloseOnExec(fd)
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		t.Close()
		return nil, nil, err
	}
	return os.NewFile(uintptr(fd), "/dev/ptmx"), t, nil
}

// signalGroup sends sig to every process in group pgid. A group that no
// longer exists is not an error.
func signalGroup(pgid int, sig syscall.Signal) error {
	err := syscall.Kill(-pgid, sig)
	if err == nil || errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// stopGroup ends process group pgid: SIGTERM (and SIGCONT, so stopped
// members see it), then SIGKILL once grace has passed with a member still
// alive. It returns when no live member is left, or after giving SIGKILL
// killWait to act; the result says whether the group is gone and whether
// SIGKILL was needed. It signals the group by id, never by name.
func stopGroup(pgid int, grace time.Duration, killWait time.Duration) (gone, killed bool) {
	if !groupAlive(pgid) {
		return true, false
	}
	_ = signalGroup(pgid, syscall.SIGTERM)
	_ = signalGroup(pgid, syscall.SIGCONT)
	if waitGroupGone(pgid, grace) {
		return true, false
	}
	_ = signalGroup(pgid, syscall.SIGKILL)
	return waitGroupGone(pgid, killWait), true
}

// waitGroupGone polls until group pgid has no live member or d passes.
func waitGroupGone(pgid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if !groupAlive(pgid) {
			return true
		}
		if !time.Now().Before(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// exitStatus turns a Wait result into an exit code and, when a signal
// ended the process, the signal's name ("SIGSEGV") with code -1.
func exitStatus(ps *os.ProcessState) exitInfo {
	if ps == nil {
		return exitInfo{code: -1}
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return exitInfo{code: -1, signal: signalName(ws.Signal())}
	}
	return exitInfo{code: ps.ExitCode()}
}

// signalName is "SIGSEGV", or "signal N" for a number without a name.
func signalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return "signal " + strconv.Itoa(int(sig))
}
