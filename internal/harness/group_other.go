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
