// Package atomicfile writes files so that readers see either the old or the
// new content, never a partial file: write to a temporary file in the same
// directory, sync, then rename over the target.
//
// Its temporary files are named "." + the target's name + ".tmp-" + digits
// (IsTemp) and stay locked (flock) while their writer holds them open. A
// writer killed with SIGKILL leaves its file behind, unlocked: the next
// write into the same directory removes it (SweepStale), and a scope check
// never counts one as a touched path. A file still locked belongs to a
// live writer and is never removed.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// tempInfix separates a target's name from the random digits; see IsTemp.
const tempInfix = ".tmp-"

// IsTemp reports whether the last element of path (slash- or
// OS-separated) names one of our temporary files: "." + a target's base
// name + ".tmp-" + digits, exactly as CreateTemp names them.
func IsTemp(path string) bool {
	name := path[strings.LastIndexAny(path, "/"+string(filepath.Separator))+1:]
	i := strings.LastIndex(name, tempInfix)
	if i < 2 || name[0] != '.' {
		return false
	}
	digits := name[i+len(tempInfix):]
	if digits == "" {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// CreateTemp creates the temporary file for target, in target's directory,
// locked for as long as it stays open so that SweepStale leaves it alone.
func CreateTemp(target string) (*os.File, error) {
	dir, base := filepath.Dir(target), filepath.Base(target)
	for range 3 {
		f, err := os.CreateTemp(dir, "."+base+tempInfix+"*")
		if err != nil {
			return nil, err
		}
		if err := lockFile(f); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, err
		}
		// A sweep that opened the file before we locked it may have
		// removed it: the name must still be this file.
		if linked(f) {
			return f, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("temporary file for %s kept disappearing", target)
}

// linked reports whether f's name still names f.
func linked(f *os.File) bool {
	a, err1 := f.Stat()
	b, err2 := os.Lstat(f.Name())
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// SweepStale removes the temporary files in dir whose writer is gone
// (nobody holds their lock) and returns their paths. A file whose lock is
// held, or that cannot be opened, is left alone; so is everything not
// named as IsTemp says.
func SweepStale(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range ents {
		if !e.Type().IsRegular() || !IsTemp(e.Name()) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		if tryLockFile(f) && linked(f) && os.Remove(p) == nil {
			removed = append(removed, p)
		}
		f.Close()
	}
	return removed, nil
}

// Write replaces path with data, creating it with perm if it does not exist.
// An existing file keeps its permission bits. Stale temporary files of
// killed writers in path's directory are removed first.
func Write(path string, data []byte, perm os.FileMode) error {
	if st, err := os.Stat(path); err == nil {
		perm = st.Mode().Perm()
	}
	_, _ = SweepStale(filepath.Dir(path))
	tmp, err := CreateTemp(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	// Rename while the lock is held: a sweep never finds this name
	// unlocked while it still names the new content.
	if err := os.Rename(name, path); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Create writes data to path only if path does not exist yet; it never
// overwrites. The file appears complete or not at all.
func Create(path string, data []byte, perm os.FileMode) error {
	_, _ = SweepStale(filepath.Dir(path))
	tmp, err := CreateTemp(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	name := tmp.Name()
	defer tmp.Close()
	defer os.Remove(name)
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	// Sync before linking: after a crash the file must not exist empty,
	// since Create then refuses to replace it.
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	// Link fails with EEXIST instead of replacing, which is the point.
	if err := os.Link(name, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("create %s: %w (refusing to overwrite)", path, os.ErrExist)
		}
		return fmt.Errorf("create %s: %w", path, err)
	}
	return nil
}
