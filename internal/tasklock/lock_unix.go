//go:build unix

package tasklock

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes f's exclusive flock if nobody holds it.
func tryLock(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case !errors.Is(err, syscall.EINTR):
			return false, err
		}
	}
}

// processAlive reports whether pid names a live process (a zombie counts:
// it still holds nothing, but a reused pid cannot be told from it).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
