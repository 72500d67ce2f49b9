//go:build unix && !linux

package harness

import (
	"errors"
	"syscall"
)

// groupAlive reports whether process group pgid still has a member.
func groupAlive(pgid int) bool {
	return !errors.Is(syscall.Kill(-pgid, 0), syscall.ESRCH)
}

// procAlive reports whether pid still exists.
func procAlive(pid int) bool {
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// startChild starts cfg.Argv in its own process group: the only
// containment there is on this system, so there is nothing to warn about.
func startChild(cfg Config, _ Containment) (*child, string, error) {
	c, err := startGroupChild(cfg.Argv, cfg.Env, cfg.Dir, cfg.PTY)
	return c, "", err
}

// Available reports the mechanism runs get here: the process group.
func Available(Containment) (Containment, string) {
	return ContainPGroup, "no stronger mechanism on this system"
}
