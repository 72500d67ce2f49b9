package proofrun

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/report"
)

// Reports are the report files of a run or a check; "" writes none.
type Reports struct {
	Report  string // JSON
	JUnit   string // JUnit XML, one test case per required marker
	Summary string // Markdown
}

// CheckOutputs fails before any work when an output file's directory does
// not exist, so a long run never ends in an unwritable report.
func CheckOutputs(paths ...string) error {
	for _, p := range paths {
		if p == "" {
			continue
		}
		dir := filepath.Dir(p)
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			return fmt.Errorf("cannot write %s: directory %s does not exist", p, dir)
		}
	}
	return nil
}

// WriteReports writes r's report files, each atomically; it tries every
// one and returns what failed. The JUnit suite says when the run started
// (now less its duration) and on which host.
func WriteReports(r *report.Report, o Reports) error {
	var errs []error
	junit := func() []byte {
		host, _ := os.Hostname()
		started := time.Now().Add(-time.Duration(r.DurationMS) * time.Millisecond)
		return r.JUnitFor(report.JUnitSuite{Started: started, Hostname: host})
	}
	for _, out := range []struct {
		path string
		data func() []byte
	}{{o.Report, r.JSON}, {o.JUnit, junit}, {o.Summary, r.Markdown}} {
		if out.path == "" {
			continue
		}
		if err := atomicfile.Write(out.path, out.data(), 0o644); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
