package testout

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

// Fuzz with a short minimisation time: the seeds are real captures of
// several KB and the default 60s minimisation of each new input stalls a
// 15s run, e.g.
//
//	go test ./internal/testout -run '^$' -fuzz '^FuzzGoTest$' -fuzztime=15s -fuzzminimizetime=1s

// addSeeds adds the committed inputs whose names start with prefix, plus
// extra hand-made seeds.
func addSeeds(f *testing.F, prefix string, extra ...string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "inputs", prefix+"*"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// fuzzCheck runs the invariants every parse must keep, plus Require and
// Detect, which must not panic on what the parser produced.
func fuzzCheck(t *testing.T, run *Run, data []byte) {
	checkInvariants(t, run, data)
	req := Require(run, []task.TestRef{{Name: "test_*"}, {Name: "*"}, {Name: "[a-"}})
	for _, r := range req {
		if (r.Outcome == ReqNotRun) != (len(r.Matches) == 0) {
			t.Errorf("requirement %q: %s with %d matches", r.Name, r.Outcome, len(r.Matches))
		}
	}
	Detect(data)
}

func FuzzGoTest(f *testing.F) {
	addSeeds(f, "gotest_",
		`{"Action":"run","Package":"p","Test":"T"}`+"\n"+`{"Action":"output","Package":"p","Test":"T","Output":"panic: x\n"}`,
		`{"Action":"fail","Package":"p","FailedBuild":"p [p.test]"}`,
		`{"ImportPath":"p [p.test]","Action":"build-fail"}`,
		`{"Action":"pass","Package":"p","Test":"T","Elapsed":-1e300}`,
		"not json\n{\"Action\":\n",
		`{"Action":"fail","Package":"p"}`+"\n"+`{"Action":"run","Package":"p","Test":"Late"}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzCheck(t, ParseGoTest(data), data)
	})
}

func FuzzCargo(f *testing.F) {
	addSeeds(f, "cargo_",
		"running 1 test\ntest a ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n",
		"running 2 tests\ntest a ... FAILED\nfailures:\n---- a stdout ----\nthread 'a' panicked at x\n---- zz stdout ----\n",
		"Running tests/x.rs (t)\ntest b - should panic ... ignored, why\ntest c ... bench: 10 ns/iter\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzCheck(t, ParseCargo(data), data)
	})
}

func FuzzPytest(f *testing.F) {
	addSeeds(f, "pytest_",
		"PASSED a.py::t\nFAILED a.py::u[x - y] - boom\nSKIPPED [3] a.py:1: why\n",
		"== short test summary info ==\nERROR a.py\n== 1 error in 1s ==\n",
		"SKIPPED [99999999999999999999] a.py:1: x\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzCheck(t, ParsePytest(data), data)
	})
}

func FuzzJUnit(f *testing.F) {
	addSeeds(f, "junit_")
	addSeeds(f, "pytest_junit")
	f.Add([]byte("<testsuite><testcase name='a' time='NaN'><failure/><error/><skipped/></testcase></testsuite>"))
	f.Add([]byte("<testcase><testcase name='inner'/></testcase>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := ParseJUnit(data)
		if err != nil {
			if run != nil {
				t.Error("a run returned with an error")
			}
			if !strings.HasPrefix(err.Error(), "junit XML") {
				t.Errorf("error does not say junit XML: %v", err)
			}
			return
		}
		fuzzCheck(t, run, data)
	})
}

func FuzzTAP(f *testing.F) {
	addSeeds(f, "tap")
	addSeeds(f, "ktap")
	f.Add([]byte("1..2\n    1..1\n    ok 1\n  ---\n  ...\nok 1\n        ok 9\nok 2 # todo\n"))
	f.Add([]byte("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\nKTAP version 1\n1..99999999999999999999\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzCheck(t, ParseTAP(data), data)
	})
}
