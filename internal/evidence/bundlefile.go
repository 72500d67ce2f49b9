package evidence

// Reading bundle files: the package's file I/O besides key files.

import (
	"bufio"
	"io"
	"os"
)

// OpenFile opens the bundle file at path within lim: a file above the
// bundle limit is refused from its size before anything is read, and the
// rest is read once, as a stream, with each entry's declared size checked
// before its data. Memory does not grow with the files' sizes: only
// envelope.json and statement.json are kept, and ReadFile reads one file
// on demand. A pipe or other non-regular file is read into memory, up to
// the bundle limit. Errors opening the file are returned as is (wrap them
// with the path); a bundle that cannot be read is a *VerifyError.
func OpenFile(path string, lim Limits) (*Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		data, err := io.ReadAll(io.LimitReader(f, lim.bundle()+1))
		if err != nil {
			return nil, err
		}
		return OpenBytes(data, lim)
	}
	if err := lim.CheckSize(st.Size()); err != nil {
		return nil, err
	}
	src := func(off, n int64) (io.ReadCloser, error) {
		g, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		return sectionFile{io.NewSectionReader(g, off, n), g}, nil
	}
	return open(bufio.NewReaderSize(f, 64<<10), st.Size(), lim, src)
}

// sectionFile reads a section of a file and closes the file.
type sectionFile struct {
	*io.SectionReader
	f *os.File
}

func (s sectionFile) Close() error { return s.f.Close() }
