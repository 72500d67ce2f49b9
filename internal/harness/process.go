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

// child is a started command: its process group and the read end of its
// merged stdout+stderr (a pipe or a pty master).
type child struct {
	cmd  *exec.Cmd
	pgid int
	out  *os.File
}

// startChild starts argv in its own process group with stdout and stderr
// merged into one stream. With usePTY the command gets a new session whose
// controlling terminal is a pty (for consoles that insist on a terminal);
// otherwise a pipe, and stdin is /dev/null either way for pipes.
func startChild(argv []string, env []string, dir string, usePTY bool) (*child, error) {
	if len(argv) == 0 {
		return nil, errors.New("no command to run")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Dir = dir
	var r, w *os.File
	var err error
	if usePTY {
		r, w, err = openPTY()
		if err != nil {
			return nil, fmt.Errorf("open pty: %w", err)
		}
		cmd.Stdin, cmd.Stdout, cmd.Stderr = w, w, w
		// A new session makes the child a process-group leader too
		// (pgid = pid) and lets the pty become its controlling terminal.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	} else {
		r, w, err = os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("create pipe: %w", err)
		}
		cmd.Stdout, cmd.Stderr = w, w
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
	return &child{cmd: cmd, pgid: cmd.Process.Pid, out: r}, nil
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
func exitStatus(ps *os.ProcessState) (code int, signal string) {
	if ps == nil {
		return -1, ""
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		name := unix.SignalName(ws.Signal())
		if name == "" {
			name = "signal " + strconv.Itoa(int(ws.Signal()))
		}
		return -1, name
	}
	return ps.ExitCode(), ""
}
