package harness

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// init turns this process into a run's supervisor when taskproof started
// it as one (see contain_linux.go). It is a package init function, not a
// call in main, so that every binary running the harness, test binaries
// included, can be its own supervisor; argv[0] and the environment
// variable together make an accidental match impossible.
func init() {
	if len(os.Args) > 0 && os.Args[0] == superviseArg0 && os.Getenv(superviseEnv) == "1" {
		syscall.Exit(supervise(os.Args[1:])) // see finish for why not os.Exit
	}
}

// hardKillWait bounds how long the supervisor keeps killing before it
// gives up on processes stuck in the kernel.
const hardKillWait = 10 * time.Second

// supervisor is the process between taskproof and the command. Its
// protocol with taskproof:
//
//	fd 3, status (written): "mode MECHANISM [NOTE]", then "started PID" or
//	      "starterr MESSAGE", later "exit CODE" or "signal NUMBER" when
//	      the command ends.
//	fd 4, lifeline (read): EOF means taskproof is gone or wants the run
//	      killed: SIGKILL every process of the run, then exit.
//	SIGTERM: forward SIGTERM and SIGCONT to every process of the run.
//	SIGHUP (the parent-death signal outside a PID namespace): as EOF.
//
// It exits once the command and every process it left are gone.
type supervisor struct {
	mode   Containment
	status *os.File
	cg     *runCgroup // the run's cgroup in mode cgroup
	once   sync.Once
}

func supervise(args []string) int {
	if len(args) == 1 && args[0] == "probe" {
		os.Stdout.WriteString("probe ok\n")
		return 0
	}
	// The command must not inherit the protocol's pipes.
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
	s := &supervisor{status: os.NewFile(3, "status")}
	lifeline := os.NewFile(4, "lifeline")
	if len(args) < 4 {
		s.say("mode pgroup")
		s.say("starterr supervisor: want MODE CONSOLE PATH ARGV..., got %q", args)
		return 2
	}
	mode, console, path, argv := Containment(args[0]), args[1], args[2], args[3:]
	s.mode = mode

	sigc := make(chan os.Signal, 8)
	signal.Notify(sigc, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	// Orphans of the run become our children, so every process of the run
	// stays our descendant until it is gone (a PID namespace's init is
	// that already).
	_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

	sys := &syscall.SysProcAttr{Setpgid: true}
	if console == "pty" {
		// A new session whose controlling terminal is the pty (fd 0).
		sys = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	}
	attr := &syscall.ProcAttr{
		Env:   withoutEnv(os.Environ(), superviseEnv),
		Files: []uintptr{0, 1, 2},
		Sys:   sys,
	}
	var note string
	if mode == ContainCgroup {
		cg, err := newRunCgroup("taskproof-" + strconv.Itoa(os.Getpid()))
		if err != nil {
			s.mode, note = ContainPdeathsig, "cgroup: "+err.Error()
		} else {
			s.cg = cg
			sys.UseCgroupFD, sys.CgroupFD = true, cg.fd
		}
	}
	pid, err := syscall.ForkExec(path, argv, attr)
	if err != nil && s.cg != nil {
		// Cloning into the cgroup is refused (no clone3, a cgroup that
		// takes no processes): the command goes without it.
		cerr := err
		s.cg.remove()
		s.cg, sys.UseCgroupFD = nil, false
		if pid, err = syscall.ForkExec(path, argv, attr); err == nil {
			s.mode, note = ContainPdeathsig, "cgroup: clone into cgroup: "+cerr.Error()
		}
	}
	s.say("mode %s %s", s.mode, note)
	if err != nil {
		if s.cg != nil {
			s.cg.remove()
		}
		s.say("starterr fork/exec %s: %v", path, err)
		return 127
	}
	s.say("started %d", pid)
	// Only the command keeps the console: its end of file must not wait
	// for us.
	if null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0); err == nil {
		for fd := 0; fd <= 2; fd++ {
			_ = unix.Dup3(int(null.Fd()), fd, 0)
		}
		null.Close()
	}

	go func() {
		var b [1]byte
		for {
			if _, err := lifeline.Read(b[:]); err != nil {
				break
			}
		}
		s.finish(true)
	}()
	go func() {
		for sig := range sigc {
			if sig == syscall.SIGHUP {
				s.finish(true)
			}
			s.signalAll(syscall.SIGTERM)
			s.signalAll(syscall.SIGCONT)
		}
	}()

	commandDone := false
	for {
		var ws syscall.WaitStatus
		wpid, err := syscall.Wait4(-1, &ws, 0, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			// ECHILD: no process of the run is left.
			s.finish(false)
		}
		if wpid == pid && !commandDone {
			commandDone = true
			if ws.Signaled() {
				s.say("signal %d", int(ws.Signal()))
			} else {
				s.say("exit %d", ws.ExitStatus())
			}
		}
	}
}

// say writes one status line (one write, so lines never interleave).
func (s *supervisor) say(format string, args ...any) {
	line := strings.TrimRight(fmt.Sprintf(format, args...), " ") + "\n"
	_, _ = s.status.WriteString(line)
}

// finish ends the supervisor, SIGKILLing the run first when kill is set.
// The first caller wins; any other waits for the exit.
func (s *supervisor) finish(kill bool) {
	s.once.Do(func() {
		if kill {
			s.killAll()
		}
		if s.cg != nil {
			s.cg.remove()
		}
		// Straight to the kernel: nothing is buffered, and os.Exit would
		// run the race detector's exit hook, which sleeps a second.
		syscall.Exit(0)
	})
	select {}
}

// signalAll sends sig to every process of the run.
func (s *supervisor) signalAll(sig syscall.Signal) {
	switch {
	case s.mode == ContainPIDNS:
		// Everyone in the namespace but its init, which is us.
		_ = syscall.Kill(-1, sig)
	case s.cg != nil:
		for _, pid := range s.cg.procs() {
			_ = syscall.Kill(pid, sig)
		}
	default:
		for _, pid := range descendants(os.Getpid()) {
			_ = syscall.Kill(pid, sig)
		}
	}
}

// killAll SIGKILLs every process of the run and returns once they are
// gone, or after hardKillWait for processes stuck in the kernel.
func (s *supervisor) killAll() {
	switch {
	case s.mode == ContainPIDNS:
		// Our own exit does it: the kernel kills a namespace whose init
		// has died, and the init's exit waits for them.
	case s.cg != nil:
		s.cg.kill()
		deadline := time.Now().Add(hardKillWait)
		for s.cg.populated() && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	default:
		// Repeat until nothing is left: a process may fork between the
		// scan and the kill.
		deadline := time.Now().Add(hardKillWait)
		for time.Now().Before(deadline) {
			pids := descendants(os.Getpid())
			if len(pids) == 0 {
				return
			}
			for _, pid := range pids {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// descendants lists the live (not zombie) descendants of root from /proc.
func descendants(root int) []int {
	d, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	kids := map[int][]int{}
	for _, n := range names {
		pid, err := strconv.Atoi(n)
		if err != nil {
			continue
		}
		st, ok := procStat(n)
		if !ok || st.state == 'Z' || st.state == 'X' {
			continue
		}
		kids[st.ppid] = append(kids[st.ppid], pid)
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, k := range kids[p] {
			out = append(out, k)
			queue = append(queue, k)
		}
	}
	return out
}

// runCgroup is a cgroup v2 made for one run, below taskproof's own.
type runCgroup struct {
	dir string
	fd  int // O_PATH descriptor, for clone3's CLONE_INTO_CGROUP
}

// newRunCgroup makes cgroup name below our own and checks that it can be
// killed as a whole (cgroup.kill, Linux 5.14).
func newRunCgroup(name string) (*runCgroup, error) {
	base, err := ownCgroupDir()
	if err != nil {
		return nil, err
	}
	sweepCgroups(base)
	dir := filepath.Join(base, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "cgroup.kill")); err != nil {
		os.Remove(dir)
		return nil, errors.New("no cgroup.kill (Linux 5.14 or later)")
	}
	fd, err := syscall.Open(dir, unix.O_PATH|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		os.Remove(dir)
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	return &runCgroup{dir: dir, fd: fd}, nil
}

func (c *runCgroup) kill() {
	_ = os.WriteFile(filepath.Join(c.dir, "cgroup.kill"), []byte("1"), 0)
}

func (c *runCgroup) procs() []int {
	b, err := os.ReadFile(filepath.Join(c.dir, "cgroup.procs"))
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// populated reports whether a live process is left in the cgroup.
func (c *runCgroup) populated() bool {
	b, err := os.ReadFile(filepath.Join(c.dir, "cgroup.events"))
	if err != nil {
		return false
	}
	return strings.Contains(string(b), "populated 1")
}

// remove deletes the (empty) cgroup; the kernel refuses while a process
// is in it.
func (c *runCgroup) remove() {
	syscall.Close(c.fd)
	for range 100 {
		if err := syscall.Rmdir(c.dir); err == nil || errors.Is(err, syscall.ENOENT) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ownCgroupDir is the directory of our own cgroup v2: our path from
// /proc/self/cgroup under the cgroup2 mount from /proc/self/mountinfo
// (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid system).
func ownCgroupDir() (string, error) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", err
	}
	path, found := "", false
	for _, l := range strings.Split(string(b), "\n") {
		if p, ok := strings.CutPrefix(l, "0::"); ok {
			path, found = p, true
		}
	}
	if !found {
		return "", errors.New("no cgroup v2 hierarchy")
	}
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(string(mi), "\n") {
		pre, post, ok := strings.Cut(l, " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f) < 5 || len(g) < 1 || g[0] != "cgroup2" {
			continue
		}
		root, mnt := unescapeMount(f[3]), unescapeMount(f[4])
		rel, err := filepath.Rel(root, path)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			continue
		}
		return filepath.Join(mnt, rel), nil
	}
	return "", errors.New("cgroup2 is not mounted")
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// sweepCgroups removes run cgroups left below base by supervisors that
// were killed before they could: only empty ones (rmdir refuses others)
// whose supervisor is gone.
func sweepCgroups(base string) {
	ents, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), "taskproof-")
		if !ok || !e.IsDir() {
			continue
		}
		rest = strings.TrimPrefix(rest, "probe-")
		pid, err := strconv.Atoi(rest)
		if err != nil || pid == os.Getpid() || !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			continue
		}
		_ = syscall.Rmdir(filepath.Join(base, e.Name()))
	}
}
