//go:build unix

package atomicfile

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes f's exclusive lock, waiting for a sweep that holds it
// for a moment. The kernel drops it when the last descriptor closes,
// which is what marks a killed writer's file as stale.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// tryLockFile takes f's exclusive lock if nobody holds it.
func tryLockFile(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
