// Package atomicfile writes files so that readers see either the old or the
// new content, never a partial file: write to a temporary file in the same
// directory, sync, then rename over the target.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write replaces path with data, creating it with perm if it does not exist.
// An existing file keeps its permission bits.
func Write(path string, data []byte, perm os.FileMode) error {
	if st, err := os.Stat(path); err == nil {
		perm = st.Mode().Perm()
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
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
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Create writes data to path only if path does not exist yet; it never
// overwrites. The file appears complete or not at all.
func Create(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	name := tmp.Name()
	defer os.Remove(name)
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("create %s: %w", path, err)
	}
	// Sync before linking: after a crash the file must not exist empty,
	// since Create then refuses to replace it.
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	// Link fails with EEXIST instead of replacing, which is the point.
	if err := os.Link(name, path); err != nil {
		if os.IsExist(err) {
			return fmt.Errorf("create %s: %w (refusing to overwrite)", path, os.ErrExist)
		}
		return fmt.Errorf("create %s: %w", path, err)
	}
	return nil
}
