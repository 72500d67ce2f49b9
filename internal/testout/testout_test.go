package testout

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
)

func parseFile(t *testing.T, name string) *Run {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "inputs", name))
	if err != nil {
		t.Fatal(err)
	}
	run, err := Parse(data, "")
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func findCase(t *testing.T, run *Run, name string) Case {
	t.Helper()
	for _, c := range run.Cases {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no case %q in %d cases", name, len(run.Cases))
	return Case{}
}

// The real go test -json capture: each way a Go package can fail.
func TestGoTestRealCapture(t *testing.T) {
	run := parseFile(t, "gotest_all.json")
	for _, tc := range []struct {
		name    string
		outcome Outcome
		msg     string
	}{
		{"TestAdd", Passed, ""},
		{"TestAddWrong", Failed, "Add(2, 2) = 4, want 5"},
		{"TestSkipped", Skipped, "needs a network"},
		{"TestTable", Failed, ""},
		{"TestTable/bad_sum", Failed, "Add(1, 1) = 2, want 3"},
		{"TestTable/skip_me", Skipped, "not on this platform"},
		{"TestTable/nested/deep", Passed, ""},
		{"TestParallel/p2", Passed, ""},
		{"TestPanics", Failed, "panic: assignment to entry in nil map"},
		{"TestHangs", Errored, "panic: test timed out"},
		{"(build failed)", Errored, `cannot use "not a number"`},
	} {
		c := findCase(t, run, tc.name)
		if c.Outcome != tc.outcome || !strings.Contains(c.Message, tc.msg) {
			t.Errorf("%s: %s %q, want %s containing %q", tc.name, c.Outcome, firstLine(c.Message), tc.outcome, tc.msg)
		}
	}
	for _, want := range []string{
		"package example.com/gofixture/broken: build failed",
		"package example.com/gofixture/boom: panic: assignment to entry in nil map",
		"package example.com/gofixture/hang: panic: test timed out after 3s",
	} {
		if !strings.Contains(run.CrashReason, want) {
			t.Errorf("crash reason %q lacks %q", run.CrashReason, want)
		}
	}
	// TestAfterPanic never ran: the binary died first. No case invents it.
	for _, c := range run.Cases {
		if c.Name == "TestAfterPanic" {
			t.Error("TestAfterPanic reported although its binary died before running it")
		}
	}
}

func TestGoTestPassAndZero(t *testing.T) {
	run := parseFile(t, "gotest_pass.json")
	if p := run.Problems(); len(p) != 0 || run.Summary().Skipped != 1 {
		t.Errorf("passing run: problems %v, summary %+v", p, run.Summary())
	}
	for _, name := range []string{"gotest_empty.json", "gotest_nomatch.json", "cargo_empty.txt"} {
		run := parseFile(t, name)
		if p := run.Problems(); len(p) != 1 || p[0] != ZeroTestsProblem {
			t.Errorf("%s: problems %q, want only %q", name, p, ZeroTestsProblem)
		}
	}
	run = parseFile(t, "gotest_count2.json")
	if s := run.Summary(); s.Total != 4 || s.Passed != 2 || s.Failed != 2 {
		t.Errorf("-count=2: %+v, want the two runs of each test kept distinct", s)
	}
}

func TestGoTestCutStream(t *testing.T) {
	data, err := os.ReadFile("testdata/inputs/gotest_pass.json")
	if err != nil {
		t.Fatal(err)
	}
	// Cut the capture in the middle of TestParallel.
	lines := strings.SplitAfter(string(data), "\n")
	cut := strings.Join(lines[:12], "")
	run := ParseGoTest([]byte(cut))
	if !run.Crashed || !strings.Contains(run.CrashReason, "the output ended before the package reported a result") {
		t.Errorf("cut stream: crashed=%v %q", run.Crashed, run.CrashReason)
	}
	if c := findCase(t, run, "TestParallel"); c.Outcome != Errored {
		t.Errorf("unfinished TestParallel is %s, want errored", c.Outcome)
	}
}

// The real cargo test captures: binaries, doc-tests, ignored, panics, a
// harness that aborts.
func TestCargoRealCapture(t *testing.T) {
	run := parseFile(t, "cargo_nofailfast.txt")
	for _, tc := range []struct {
		name, suite string
		outcome     Outcome
		msg         string
	}{
		{"tests::adds", "unittests src/lib.rs", Passed, ""},
		{"tests::fails_with_panic", "unittests src/lib.rs", Failed, "panicked at src/lib.rs:48:9"},
		{"tests::ignored_with_reason", "unittests src/lib.rs", Skipped, "needs real hardware"},
		{"tests::slow_ignored", "unittests src/lib.rs", Skipped, ""},
		{"tests::panics_as_expected", "unittests src/lib.rs", Passed, ""},
		{"tests::nested::test_reject_overflow", "unittests src/lib.rs", Passed, ""},
		{"test_reject_empty", "tests/integration.rs", Passed, ""},
		{"src/lib.rs - parse (line 10)", "Doc-tests cargofixture", Failed, "this doc-test fails"},
		{"src/lib.rs - add (line 23)", "Doc-tests cargofixture", Skipped, ""},
	} {
		c := findCase(t, run, tc.name)
		if c.Suite != tc.suite || c.Outcome != tc.outcome || !strings.Contains(c.Message, tc.msg) {
			t.Errorf("%s: [%s] %s %q, want [%s] %s containing %q", tc.name, c.Suite, c.Outcome, firstLine(c.Message), tc.suite, tc.outcome, tc.msg)
		}
	}
	if !run.Crashed || !strings.Contains(run.CrashReason, `"tests/crash.rs"`) || !strings.Contains(run.CrashReason, "SIGABRT") {
		t.Errorf("aborted harness not reported: crashed=%v %q", run.Crashed, run.CrashReason)
	}
	if c := findCase(t, run, "tests::fails_with_panic"); len(c.Message) > MaxMessage {
		t.Errorf("message not bounded: %d", len(c.Message))
	}

	// stdout alone: no Running headers, the abort leaves "running 1 test".
	run = parseFile(t, "cargo_crash_stdout.txt")
	if !run.Crashed || !strings.Contains(run.CrashReason, "after 0 of 1 tests") {
		t.Errorf("stdout-only crash: %v %q", run.Crashed, run.CrashReason)
	}
	if p := parseFile(t, "cargo_pass.txt").Problems(); len(p) != 0 {
		t.Errorf("passing cargo run: %v", p)
	}
}

func TestCargoSummaryMismatch(t *testing.T) {
	in := "running 2 tests\ntest a ... ok\n\ntest result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n"
	run := ParseCargo([]byte(in))
	if !run.Crashed || !strings.Contains(run.CrashReason, "says 2 passed, 0 failed, 0 ignored but the results listed 1 passed") {
		t.Errorf("summary mismatch: %v %q", run.Crashed, run.CrashReason)
	}
	// A --nocapture test tears its result line; the word comes later.
	in = "running 1 test\ntest noisy ... printed by the test\nok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n"
	run = ParseCargo([]byte(in))
	if s := run.Summary(); s.Passed != 1 || run.Crashed {
		t.Errorf("torn line: %+v crashed=%v %q", s, run.Crashed, run.CrashReason)
	}
	// Colour escapes (cargo test --color=always) do not hide results.
	in = "running 1 test\ntest colored ... \x1b[32mok\x1b[0m\n\ntest result: \x1b[32mok\x1b[0m. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n"
	run = ParseCargo([]byte(in))
	if s := run.Summary(); s.Passed != 1 || run.Crashed {
		t.Errorf("colour: %+v crashed=%v %q", s, run.Crashed, run.CrashReason)
	}
	in = "error[E0308]: mismatched types\nerror: could not compile `x` (lib test) due to 1 previous error\n"
	run = ParseCargo([]byte(in))
	if !run.Crashed || !strings.Contains(run.CrashReason, "error[E0308]") {
		t.Errorf("build failure: %v %q", run.Crashed, run.CrashReason)
	}
}

func TestPytest(t *testing.T) {
	run := parseFile(t, "pytest_ra.txt")
	s := run.Summary()
	if s != (Summary{Passed: 6, Failed: 2, Skipped: 2, Errored: 1, Total: 11}) || run.Crashed {
		t.Errorf("-rA: %+v crashed=%v %q", s, run.Crashed, run.CrashReason)
	}
	c := findCase(t, run, "tests/test_store.py::TestStore::test_load[2]")
	if !strings.Contains(c.Message, "assert 0 == 2") || !strings.Contains(c.Message, "tests/test_store.py:21") {
		t.Errorf("failure block not attached: %q", c.Message)
	}
	if c := findCase(t, run, "tests/test_parse.py::test_known_bug"); c.Outcome != Skipped || c.Result != "XFAIL" {
		t.Errorf("XFAIL is %s/%s, want skipped", c.Outcome, c.Result)
	}
	if c := findCase(t, run, "tests/test_parse.py::test_param[a b-1]"); c.Outcome != Passed {
		t.Errorf("node id with a space in its parameters: %+v", c)
	}
	// A printed "FAILED" inside the PASSES section is not a result.
	if s.Failed != 2 {
		t.Errorf("failed = %d", s.Failed)
	}

	run = parseFile(t, "pytest_hidden_failure.txt")
	if !run.Crashed {
		t.Error("a summary counting an unlisted failure must not pass")
	}
	run = parseFile(t, "pytest_pass_norA.txt")
	if len(run.Warnings) == 0 || len(run.Problems()) == 0 {
		t.Errorf("without -rA: warnings %v problems %v", run.Warnings, run.Problems())
	}
	run = parseFile(t, "pytest_collect_error.txt")
	if !run.Crashed || run.Summary().Errored != 1 {
		t.Errorf("collection error: %+v %q", run.Summary(), run.CrashReason)
	}
}

func TestJUnit(t *testing.T) {
	run := parseFile(t, "junit_nested.xml")
	c := findCase(t, run, "com.example.DbTest.connects")
	if c.Suite != "core/db" || c.Outcome != Errored || !c.Timed || c.Duration.Seconds() != 2 {
		t.Errorf("nested suite case: %+v", c)
	}
	c = findCase(t, run, "com.example.ParserTest.test_reject_negative()")
	if c.Duration.Milliseconds() != 250 || strings.Contains(c.Message, "ignored") {
		t.Errorf("decimal comma time or system-out: %v %q", c.Duration, c.Message)
	}
	if s := run.Summary(); s.Total != 7 {
		t.Errorf("duplicates must stay distinct: %+v", s)
	}
	for _, tc := range []struct{ in, want string }{
		{"<testsuites><testsuite><testcase name='a'></testsuite></testsuites>", "junit XML line 1: malformed XML"},
		{"<testsuites>\n<testsuite>\n<testcase name='a'>", "junit XML line 3: malformed XML"},
		{"<html><body/></html>", "root element is <html>"},
		{"   ", "no XML element found"},
		{"<?xml version='1.0' encoding='EBCDIC'?><testsuites/>", `unsupported XML encoding "EBCDIC"`},
	} {
		_, err := ParseJUnit([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseJUnit(%q) error %v, want %q", tc.in, err, tc.want)
		}
	}
	run, err := ParseJUnit([]byte("<?xml version='1.0' encoding='ISO-8859-1'?><testsuite><testcase name='caf\xe9'/></testsuite>"))
	if err != nil || run.Cases[0].Name != "café" {
		t.Errorf("latin-1: %v %+v", err, run)
	}
}

func TestTAPRules(t *testing.T) {
	for _, tc := range []struct {
		line    string
		outcome Outcome
		name    string
	}{
		{"ok 1 - a", Passed, "a"},
		{"ok 1 a", Passed, "a"},
		{"ok", Passed, "#1"},
		{"not ok 1 - a", Failed, "a"},
		{"not ok 1 - a # TODO later", Skipped, "a"},
		{"ok 1 - a # TODO later", Passed, "a"},
		{"ok 1 - a # skip no disk", Skipped, "a"},
		{"ok 1 - a # Skipped: no disk", Skipped, "a"},
		{"not ok 1 - a # SKIP", Skipped, "a"},
		{"ok 1 a # XFAIL known", Skipped, "a"},
		{"not ok 1 a # TIMEOUT", Errored, "a"},
		{"not ok 1 a # ERROR setup", Errored, "a"},
		{`ok 1 - issue \# 12`, Passed, "issue # 12"},
		{"ok 1 - hash # not a directive", Passed, "hash # not a directive"},
	} {
		run := ParseTAP([]byte("1..1\n" + tc.line + "\n"))
		if len(run.Cases) != 1 || run.Cases[0].Outcome != tc.outcome || run.Cases[0].Name != tc.name {
			t.Errorf("%q: %+v, want %s %q", tc.line, run.Cases, tc.outcome, tc.name)
		}
	}
	run := parseFile(t, "tap_plan_mismatch.txt")
	if !run.Crashed || !strings.Contains(run.CrashReason, "plan 1..5 at line 2 but 3 results were seen") {
		t.Errorf("plan mismatch: %q", run.CrashReason)
	}
	run = parseFile(t, "tap_bailout.txt")
	if !run.Crashed || !strings.HasPrefix(run.CrashReason, "Bail out! cannot reach") || len(run.Cases) != 2 {
		t.Errorf("bail out: %q %d cases", run.CrashReason, len(run.Cases))
	}
	// The plan may come last; an unclosed subtest block is a crash.
	if run := ParseTAP([]byte("ok 1\nok 2\n1..2\n")); run.Crashed {
		t.Errorf("trailing plan: %q", run.CrashReason)
	}
	run = ParseTAP([]byte("TAP version 14\n1..1\n# Subtest: s\n    1..2\n    ok 1 - x\n"))
	if !run.Crashed || !strings.Contains(run.CrashReason, `subtest "s"`) {
		t.Errorf("unfinished subtest: %q", run.CrashReason)
	}
}

func TestKTAPKernelLog(t *testing.T) {
	run := parseFile(t, "ktap_kernel.log")
	if run.Format != FormatKTAP || run.Crashed || run.Ignored == 0 {
		t.Errorf("format %s crashed=%v %q ignored=%d", run.Format, run.Crashed, run.CrashReason, run.Ignored)
	}
	c := findCase(t, run, "example/example_fail_test")
	if c.Outcome != Failed || !strings.Contains(c.Message, "EXPECTATION FAILED") || !strings.Contains(c.Message, "Expected 1 + 1 == 3") {
		t.Errorf("kunit diagnostics: %+v", c)
	}
	if c := findCase(t, run, "example/example_slow_test"); c.Outcome != Errored {
		t.Errorf("TIMEOUT: %s", c.Outcome)
	}
	// The same log with one result lost: the nested plan catches it.
	data, _ := os.ReadFile("testdata/inputs/ktap_kernel.log")
	cut := strings.Replace(string(data), "[    1.103300]     ok 1 example_simple_test\n", "", 1)
	run = ParseTAP([]byte(cut))
	if !run.Crashed || !strings.Contains(run.CrashReason, `subtest "example" (line 5): plan 1..5 at line 8 but 4 results were seen`) {
		t.Errorf("nested plan mismatch: %q", run.CrashReason)
	}
}

func TestRequire(t *testing.T) {
	cargo := parseFile(t, "cargo_nofailfast.txt")
	pytest := parseFile(t, "pytest_ra.txt")
	gotest := parseFile(t, "gotest_all.json")
	dup := parseFile(t, "tap_duplicates.txt")
	junit := parseFile(t, "junit_single.xml")
	files := &Run{Cases: []Case{
		{Name: "tests/test_reject.py::test_other", Outcome: Failed},
		{Name: "tests/test_reject.py::test_reject_ok", Outcome: Passed},
		{Name: "mod::test_reject_x[1.5]", Outcome: Passed},
	}}
	for _, tc := range []struct {
		run     *Run
		ref     string
		outcome ReqOutcome
		matches []string
	}{
		{cargo, "test_reject_*", ReqPassed, []string{"tests::nested::test_reject_overflow", "tests::test_reject_bad_input", "test_reject_empty"}},
		{cargo, "tests::test_reject_bad_input", ReqPassed, []string{"tests::test_reject_bad_input"}},
		{cargo, "test_reject_bad_input", ReqPassed, []string{"tests::test_reject_bad_input"}},
		{cargo, "fails_with_panic", ReqFailed, []string{"tests::fails_with_panic"}},
		{cargo, "slow_ignored", ReqSkipped, []string{"tests::slow_ignored"}},
		{cargo, "test_reject_nothing_*", ReqNotRun, nil},
		{cargo, "aborts", ReqNotRun, nil},
		{pytest, "test_param", ReqPassed, []string{"tests/test_parse.py::test_param[a b-1]", "tests/test_parse.py::test_param[c-2]"}},
		{pytest, "test_param[c-2]", ReqPassed, []string{"tests/test_parse.py::test_param[c-2]"}},
		{pytest, "tests/test_parse.py::test_reject_*", ReqFailed, []string{"tests/test_parse.py::test_reject_empty", "tests/test_parse.py::test_reject_bad"}},
		{pytest, "test_known_bug", ReqSkipped, []string{"tests/test_parse.py::test_known_bug"}},
		{gotest, "TestTable/*", ReqFailed, []string{"TestTable/ones", "TestTable/zeros", "TestTable/bad_sum", "TestTable/skip_me", "TestTable/nested"}},
		{gotest, "TestReject*", ReqPassed, []string{"TestRejectBadInput"}},
		{gotest, "TestHangs", ReqFailed, []string{"TestHangs"}},
		{dup, "retries", ReqFailed, []string{"retries", "retries", "retries"}},
		{dup, "[", ReqNotRun, nil}, // a malformed glob matches only itself
		{cargo, "nested::test_reject_*", ReqPassed, []string{"tests::nested::test_reject_overflow"}},
		// On the whole name * crosses "::" and "." (path.Match stops only at "/").
		{cargo, "tests::*", ReqFailed, []string{"tests::adds", "tests::ignored_with_reason", "tests::nested::test_reject_overflow", "tests::fails_with_panic", "tests::slow_ignored", "tests::test_reject_bad_input", "tests::panics_as_expected"}},
		{junit, "TestTable/*", ReqPassed, []string{"example.com/gofixture/calc.TestTable/ones"}},
		{junit, "calc.TestAdd", ReqPassed, []string{"example.com/gofixture/calc.TestAdd"}},
		{files, "test_reject_*", ReqPassed, []string{"tests/test_reject.py::test_reject_ok", "mod::test_reject_x[1.5]"}},
		{files, "test_reject_x[1.5]", ReqPassed, []string{"mod::test_reject_x[1.5]"}},
		{files, "tests/test_reject.py::*", ReqFailed, []string{"tests/test_reject.py::test_other", "tests/test_reject.py::test_reject_ok"}},
	} {
		got := Require(tc.run, []task.TestRef{{Name: tc.ref, Line: 7}})[0]
		var names []string
		for _, m := range got.Matches {
			names = append(names, m.Name)
		}
		if got.Outcome != tc.outcome || !reflect.DeepEqual(names, tc.matches) || got.TaskLine != 7 {
			t.Errorf("%s: %s %q, want %s %q", tc.ref, got.Outcome, names, tc.outcome, tc.matches)
		}
	}
}

func TestBoundedMessage(t *testing.T) {
	var b boundedText
	b.add("HEAD ")
	for i := 0; i < 100000; i++ {
		b.add("é middle line of a very long backtrace\n")
	}
	b.add("TAIL")
	s := b.String()
	if len(s) > MaxMessage || !strings.HasPrefix(s, "HEAD ") || !strings.HasSuffix(s, "TAIL") || !strings.Contains(s, "bytes omitted") {
		t.Errorf("bounded message: %d bytes, head %q tail %q", len(s), s[:20], s[len(s)-20:])
	}
	if cap(b.tail) > 4*MaxMessage {
		t.Errorf("tail buffer grew to %d bytes", cap(b.tail))
	}
}

func TestDetectAndParseFormat(t *testing.T) {
	for _, in := range []string{
		"hello\nworld\n",
		// Plain go test output: its "ok  \tpkg" line is not TAP.
		"=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\nok  \texample.com/a\t0.01s\n",
		"ok  \texample.com/a\t0.01s\n",
	} {
		if f := Detect([]byte(in)); f != "" {
			t.Errorf("Detect(%q) = %q", in, f)
		}
	}
	for in, want := range map[string]Format{
		"ok 1 - a\n":                   FormatTAP,
		"not ok 2 b\n":                 FormatTAP,
		"[   0.1] 1..3\n":              FormatTAP,
		"<6>[   0.1] KTAP version 1\n": FormatKTAP,
		"junk\n  running 3 tests\n":    FormatCargo,
	} {
		if f := Detect([]byte(in)); f != want {
			t.Errorf("Detect(%q) = %q, want %q", in, f, want)
		}
	}
	if _, err := Parse([]byte("hello\n"), ""); err != ErrUnknownFormat {
		t.Errorf("Parse(prose) error %v", err)
	}
	if _, err := ParseFormat("nunit"); err == nil || !strings.Contains(err.Error(), "gotest, cargo, pytest, junit, tap, ktap") {
		t.Errorf("ParseFormat(nunit): %v", err)
	}
	if f, err := ParseFormat("KTAP"); err != nil || f != FormatKTAP {
		t.Errorf("ParseFormat(KTAP) = %q, %v", f, err)
	}
	// pytest --junitxml given as --from pytest reads as JUnit.
	data, _ := os.ReadFile("testdata/inputs/pytest_junit.xml")
	if run, err := Parse(data, FormatPytest); err != nil || run.Format != FormatJUnit || len(run.Cases) != 6 {
		t.Errorf("pytest xml: %v", err)
	}
	// Forcing a format on the wrong input finds no tests: a failure.
	data, _ = os.ReadFile("testdata/inputs/cargo_pass.txt")
	run, _ := Parse(data, FormatGoTest)
	if len(run.Problems()) == 0 || run.Ignored == 0 {
		t.Errorf("cargo output read as gotest: %+v", run)
	}
}

// Failure and error blocks attach in input order, first match wins, so
// the message is the same on every parse (it goes into signed evidence).
func TestPytestBlockOrder(t *testing.T) {
	setupTeardown := `============================= test session starts ==============================
collected 1 item

tests/test_db.py EE                                                      [100%]

==================================== ERRORS ====================================
_____________________ ERROR at setup of test_x _____________________
    @pytest.fixture
    def db():
>       raise RuntimeError("setup block text")
E       RuntimeError: setup block text

tests/test_db.py:5: RuntimeError
_____________________ ERROR at teardown of test_x _____________________
    def fin():
>       raise RuntimeError("teardown block text")
E       RuntimeError: teardown block text

tests/test_db.py:9: RuntimeError
=========================== short test summary info ============================
ERROR tests/test_db.py::test_x - RuntimeError: setup block text
ERROR tests/test_db.py::test_x - RuntimeError: teardown block text
============================== 2 errors in 0.01s ===============================
`
	var first []string
	for i := 0; i < 50; i++ {
		run := ParsePytest([]byte(setupTeardown))
		if len(run.Cases) != 2 || run.Crashed {
			t.Fatalf("cases %d crashed=%v %q", len(run.Cases), run.Crashed, run.CrashReason)
		}
		var msgs []string
		for _, c := range run.Cases {
			msgs = append(msgs, c.Message)
		}
		if i == 0 {
			first = msgs
			for _, m := range msgs {
				if !strings.Contains(m, "tests/test_db.py:5: RuntimeError") || strings.Contains(m, "tests/test_db.py:9") {
					t.Fatalf("want the setup block (first in input) attached, got %q", m)
				}
			}
			continue
		}
		if !reflect.DeepEqual(msgs, first) {
			t.Fatalf("parse %d: messages %q differ from the first parse %q", i, msgs, first)
		}
	}

	// Two files with a test of the same name: both blocks are titled
	// "test_y"; the later one must not overwrite the earlier.
	dupTitle := `=================================== FAILURES ===================================
____________________________________ test_y ____________________________________
>       assert 1 == 2
E       assert 1 == 2

tests/test_a.py:3: AssertionError
____________________________________ test_y ____________________________________
>       assert 3 == 4
E       assert 3 == 4

tests/test_b.py:3: AssertionError
=========================== short test summary info ============================
FAILED tests/test_a.py::test_y - assert 1 == 2
FAILED tests/test_b.py::test_y - assert 3 == 4
============================== 2 failed in 0.01s ===============================
`
	for i := 0; i < 50; i++ {
		run := ParsePytest([]byte(dupTitle))
		if len(run.Cases) != 2 || run.Crashed {
			t.Fatalf("cases %d crashed=%v %q", len(run.Cases), run.Crashed, run.CrashReason)
		}
		for _, c := range run.Cases {
			if !strings.Contains(c.Message, "tests/test_a.py:3: AssertionError") || strings.Contains(c.Message, "tests/test_b.py:3") {
				t.Fatalf("parse %d: %s: want the first test_y block, got %q", i, c.Name, c.Message)
			}
		}
	}
}
