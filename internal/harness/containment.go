package harness

import (
	"fmt"
	"os"
	"strings"
)

// Containment is how the processes of a run are held together so that
// none outlives the run, also when taskproof itself is killed.
type Containment string

// The mechanisms, strongest first. Every mechanism but ContainPGroup keeps
// its promise when taskproof dies of SIGKILL (a CI runner cancelling the
// job, the OOM killer): a small supervisor (taskproof re-executed) sits
// between taskproof and the command, and dies or acts when taskproof does.
const (
	// ContainPIDNS runs the command under a supervisor that is init of a
	// new PID namespace (CLONE_NEWPID; with CLONE_NEWUSER when not root).
	// When the supervisor dies the kernel kills every process in the
	// namespace, and it dies with taskproof: nothing can escape it.
	ContainPIDNS Containment = "pidns"
	// ContainCgroup puts the command in a cgroup v2 of its own; the
	// supervisor ends it with cgroup.kill when taskproof dies, which
	// reaches every process of the run at once, daemons included.
	ContainCgroup Containment = "cgroup"
	// ContainPdeathsig gives the supervisor a parent-death signal and makes
	// it the subreaper of the command's tree; when taskproof dies it kills
	// every descendant it finds until none is left.
	ContainPdeathsig Containment = "pdeathsig"
	// ContainPGroup is the command's process group, ended by taskproof
	// while taskproof lives. A SIGKILL of taskproof leaves it running.
	ContainPGroup Containment = "pgroup"
)

// EnvContainment names the environment variable that caps the mechanism:
// TASKPROOF_CONTAINMENT=cgroup skips pidns, =pgroup forces today's process
// group. Config.Containment takes precedence over it.
const EnvContainment = "TASKPROOF_CONTAINMENT"

// containments lists every mechanism, strongest first.
var containments = []Containment{ContainPIDNS, ContainCgroup, ContainPdeathsig, ContainPGroup}

// ParseContainment reads a mechanism name; "" means the strongest.
func ParseContainment(s string) (Containment, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return ContainPIDNS, nil
	}
	for _, c := range containments {
		if string(c) == s {
			return c, nil
		}
	}
	names := make([]string, len(containments))
	for i, c := range containments {
		names[i] = string(c)
	}
	return "", fmt.Errorf("%s=%q: want one of %s", EnvContainment, s, strings.Join(names, ", "))
}

// rank orders mechanisms: a lower rank is stronger.
func (c Containment) rank() int {
	for i, x := range containments {
		if x == c {
			return i
		}
	}
	return len(containments)
}

// SurvivesKill reports whether c ends the run's processes also when
// taskproof is killed with SIGKILL.
func (c Containment) SurvivesKill() bool { return c != ContainPGroup && c != "" }

// containmentCeiling is the strongest mechanism a run may use: cfg's, else
// the environment's, else pidns.
func containmentCeiling(cfg Containment) (Containment, error) {
	if cfg != "" {
		return ParseContainment(string(cfg))
	}
	return ParseContainment(os.Getenv(EnvContainment))
}

// capNote says that a run was capped at ceiling, and by the environment
// variable when it says so.
func capNote(ceiling Containment) string {
	if os.Getenv(EnvContainment) == string(ceiling) {
		return "capped at " + string(ceiling) + " by " + EnvContainment
	}
	return "capped at " + string(ceiling)
}

// ContainmentHelp describes the mechanism runs get on this system, for
// --help: which one, and why no stronger one.
func ContainmentHelp() string {
	ceiling, err := containmentCeiling("")
	if err != nil {
		return "Containment: " + err.Error() + "."
	}
	c, note := Available(ceiling)
	s := "Containment on this system: " + string(c) + " (" + describe(c) + ")"
	if note != "" {
		s += "; " + note
	}
	return s + "."
}

func describe(c Containment) string {
	switch c {
	case ContainPIDNS:
		return "a PID namespace whose init dies with taskproof: the kernel kills every process of the run"
	case ContainCgroup:
		return "a cgroup of the run, ended with cgroup.kill by a supervisor that outlives a killed taskproof"
	case ContainPdeathsig:
		return "a supervisor with a parent-death signal, subreaper of the run, kills every descendant when taskproof dies"
	}
	return "the command's process group, ended by taskproof while it lives; a SIGKILL of taskproof leaves it running"
}

// pgroupWarning is the one-line warning of a run that fell back to the
// process group on a system that could do better.
func pgroupWarning(note string) string {
	s := "taskproof: warning: containment pgroup: processes of this run outlive taskproof if it is killed (SIGKILL, OOM)"
	if note != "" {
		s += "; " + note
	}
	return s + "\n"
}
