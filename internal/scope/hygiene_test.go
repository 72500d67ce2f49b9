package scope

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// newFile builds the diff of a new file from its lines.
func newFile(path string, lines ...string) FileDiff {
	return WholeFile(path, []byte(strings.Join(lines, "\n")+"\n"))
}

// hunkFile builds a one-hunk diff: lines start with '+', '-' or ' '.
func hunkFile(path, section string, start int, lines ...string) FileDiff {
	h := Hunk{OldStart: start, NewStart: start, Section: section}
	o, n := start, start
	for _, l := range lines {
		k, text := LineKind(l[0]), l[1:]
		switch k {
		case Added:
			h.Lines = append(h.Lines, DiffLine{Kind: k, Text: text, NewLine: n})
			n++
			h.NewLines++
		case Removed:
			h.Lines = append(h.Lines, DiffLine{Kind: k, Text: text, OldLine: o})
			o++
			h.OldLines++
		default:
			h.Lines = append(h.Lines, DiffLine{Kind: Context, Text: text, NewLine: n, OldLine: o})
			o++
			n++
			h.OldLines++
			h.NewLines++
		}
	}
	return FileDiff{Path: path, OldPath: path, Hunks: []Hunk{h}}
}

var testOptions = HygieneOptions{
	DaemonPaths: []string{"source/services/**", "**/daemons/**"},
	StubPaths:   []string{"source/fake/**"},
	Markers: []Marker{
		{Text: "netd: ready", Kind: "ready"},
		{Text: "SELFTEST: net ok", Kind: "ok"},
		{Text: "netd: stub", Kind: "stub"},
		{Text: `^blk: \d+ sectors ok$`, Kind: "ok", Pattern: regexp.MustCompile(`^blk: \d+ sectors ok$`)},
	},
	MarkersFrom: "proof/contract.toml",
}

// got renders findings as "file:line rule" for comparison.
func got(fs []Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.File+":"+strconv.Itoa(f.Line)+" "+string(f.Rule))
	}
	return strings.Join(out, "|")
}

func TestHygieneRules(t *testing.T) {
	tests := []struct {
		name string
		file FileDiff
		want string
	}{
		{"unwrap in daemon", newFile("source/services/netd/src/main.rs",
			"fn main() {",
			"    let x = parse().unwrap();",
			"    let y = open().expect(\"open\");",
			"    let z = v.unwrap_or(0);",
			"    // a comment may say .unwrap()",
			"    log(\"never .unwrap() here\");",
			"}"),
			"source/services/netd/src/main.rs:2 unwrap-in-daemon|source/services/netd/src/main.rs:3 unwrap-in-daemon"},
		{"unwrap outside daemons", newFile("source/libs/x/src/lib.rs", "fn f() { g().unwrap(); }"), ""},
		{"unwrap in a non-Rust daemon file", newFile("source/services/netd/README.md", "call .unwrap() freely"), ""},
		{"unwrap in daemon tests dir", newFile("source/services/netd/tests/it.rs", "fn t() { g().unwrap(); }"), ""},
		{"unwrap in cfg(test) module", newFile("source/services/netd/src/lib.rs",
			"pub fn run() -> Result<(), E> { Ok(()) }",
			"#[cfg(test)]",
			"mod tests {",
			"    #[test]",
			"    fn t() { run().unwrap(); }",
			"}",
			"pub fn after() { x().unwrap(); }"),
			"source/services/netd/src/lib.rs:7 unwrap-in-daemon"},
		{"unwrap in a hunk inside mod tests", hunkFile("source/daemons/a/src/lib.rs", "mod tests {", 40,
			"     fn t() {",
			"+        x().unwrap();",
			"     }"), ""},
		{"unsafe without SAFETY", newFile("src/lib.rs",
			"fn f(p: *const u8) -> u8 {",
			"    unsafe { *p }",
			"}",
			"unsafe fn g() {}",
			"unsafe impl Send for X {}",
			"let s = \"unsafe { in a string }\";",
			"// unsafe { in a comment }",
			"#![forbid(unsafe_code)]"),
			"src/lib.rs:2 unsafe-without-safety|src/lib.rs:4 unsafe-without-safety|src/lib.rs:5 unsafe-without-safety"},
		{"unsafe with SAFETY", newFile("src/lib.rs",
			"fn f(p: *const u8) -> u8 {",
			"    // SAFETY: p is valid for reads, checked by the caller.",
			"    let a = 1;",
			"    let b = 2;",
			"    unsafe { *p }",
			"}",
			"let v = unsafe { read(p) }; // SAFETY: aligned",
			"/// Reads.",
			"///",
			"/// # Safety",
			"/// p must be valid.",
			"#[inline]",
			"pub unsafe fn g(p: *const u8) {}"),
			""},
		{"SAFETY too far above", newFile("src/lib.rs",
			"// SAFETY: too far",
			"let a = 1;",
			"let b = 2;",
			"let c = 3;",
			"unsafe { x() }"),
			"src/lib.rs:5 unsafe-without-safety"},
		{"SAFETY in context line above an added unsafe", hunkFile("src/lib.rs", "", 10,
			"     // SAFETY: established above",
			"-    old();",
			"+    unsafe { new() }"), ""},
		{"unsafe in a non-Rust file", newFile("docs/x.md", "unsafe { x }"), ""},
		{"ok marker in stub fn", newFile("source/services/netd/src/net.rs",
			"fn start_stub() {",
			"    println!(\"netd: ready\");",
			"}",
			"fn start() {",
			"    println!(\"netd: ready\");",
			"}",
			"fn other_placeholder() { emit(\"SELFTEST: net ok\"); }",
			"fn fine_stub() { emit(\"netd: stub\"); }"),
			"source/services/netd/src/net.rs:2 ok-marker-in-stub|source/services/netd/src/net.rs:7 ok-marker-in-stub"},
		{"ok marker in stub file", newFile("source/fake/blk.rs", "fn probe() { log(\"blk: 42 sectors ok\"); }"),
			"source/fake/blk.rs:1 ok-marker-in-stub"},
		{"ok marker in a file named stub", newFile("scripts/net_stub.sh", "echo 'netd: ready'"),
			"scripts/net_stub.sh:1 ok-marker-in-stub"},
		{"ok marker in a stub fn from the hunk header", hunkFile("source/x/src/lib.rs", "pub fn mount_placeholder(&self) {", 20,
			"     let a = 1;",
			"+    info!(\"SELFTEST: net ok\");"),
			"source/x/src/lib.rs:21 ok-marker-in-stub"},
		{"hunk header fn ended before the added line", hunkFile("source/x/src/lib.rs", "fn old_stub() {", 20,
			"     a();",
			" }",
			" ",
			"+fn real() { info!(\"SELFTEST: net ok\"); }"),
			""},
		{"marker text only in a comment", newFile("source/x/stub.rs", "// prints netd: ready later"), ""},
		{"secret", newFile("config/dev.env", "AWS_KEY="+fakeAWS), "config/dev.env:1 secret-in-diff"},
		{"deleted file", FileDiff{OldPath: "source/services/a.rs"}, ""},
		{"binary file", FileDiff{Path: "source/services/a.rs", Binary: true}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, _ := Hygiene([]FileDiff{tc.file}, testOptions)
			if g := got(fs); g != tc.want {
				t.Errorf("findings:\n got %q\nwant %q\n%+v", g, tc.want, fs)
			}
			for _, f := range fs {
				if f.Text == "" || f.Message == "" {
					t.Errorf("finding without text or message: %+v", f)
				}
			}
		})
	}
}

func TestHygieneStatuses(t *testing.T) {
	_, st := Hygiene(nil, HygieneOptions{MarkersNote: "no marker contract at proof/contract.toml"})
	want := map[Rule]bool{RuleUnwrapInDaemon: false, RuleUnsafeWithoutSafety: true, RuleOKMarkerInStub: false, RuleSecretInDiff: true}
	if len(st) != len(Rules) {
		t.Fatalf("statuses %+v", st)
	}
	for _, s := range st {
		if s.Enabled != want[s.Rule] || s.Note == "" {
			t.Errorf("%s: enabled %v note %q", s.Rule, s.Enabled, s.Note)
		}
	}
	if !strings.Contains(st[2].Note, "no marker contract at proof/contract.toml") {
		t.Errorf("ok-marker-in-stub note %q", st[2].Note)
	}
	// No contract: a stub emitting "ready" is not reported, and the status says why.
	f := newFile("src/x_stub.rs", `fn a() { p("netd: ready"); }`)
	fs, _ := Hygiene([]FileDiff{f}, HygieneOptions{})
	if len(fs) != 0 {
		t.Errorf("findings without a contract: %+v", fs)
	}
	// Disabled and ignored.
	o := testOptions
	o.Disabled = []Rule{RuleSecretInDiff}
	fs, st = Hygiene([]FileDiff{newFile("a.env", fakeAWS)}, o)
	if len(fs) != 0 || st[3].Enabled {
		t.Errorf("disabled rule ran: %+v %+v", fs, st[3])
	}
	o = testOptions
	o.IgnorePaths = []string{"testdata/"}
	if fs, _ := Hygiene([]FileDiff{newFile("testdata/keys/a.env", fakeAWS)}, o); len(fs) != 0 {
		t.Errorf("ignored path reported: %+v", fs)
	}
}

func TestHygieneFindingText(t *testing.T) {
	long := "let token = \"" + strings.Repeat("Ab1", 100) + "\";"
	fs, _ := Hygiene([]FileDiff{newFile("src/a.rs", long)}, testOptions)
	if len(fs) != 1 {
		t.Fatalf("findings %+v", fs)
	}
	if len(fs[0].Text) > maxFindingText+len("…") || strings.Contains(fs[0].Text, strings.Repeat("Ab1", 10)) {
		t.Errorf("text not capped or not redacted: %q", fs[0].Text)
	}
	if !strings.Contains(fs[0].Text, "Ab1A…[redacted]") {
		t.Errorf("text %q", fs[0].Text)
	}
}

// The fake secrets below are assembled at run time so that this file does
// not itself look like it leaks one (to taskproof hygiene or a push scanner).
var (
	fakeAWS    = "AKIA" + "ABCDEFGHIJKLMNOP"
	fakePEMHdr = "-----BEGIN " + "PRIVATE KEY-----"
	pemLine    = strings.Repeat("MIIEvQIBADANBgkqhkiG9w0B", 3)[:64]
)

func TestSecretKind(t *testing.T) {
	tests := []struct {
		line, next, want string
	}{
		{fakePEMHdr, pemLine, "private key"},
		{strings.Replace(fakePEMHdr, "PRIVATE", "RSA PRIVATE", 1), pemLine, "private key"},
		{strings.Replace(fakePEMHdr, "PRIVATE", "OPENSSH PRIVATE", 1), pemLine, "private key"},
		{strings.Replace(fakePEMHdr, "PRIVATE", "EC PRIVATE", 1), pemLine, "private key"},
		{"key := \"" + fakePEMHdr + `\n` + pemLine + `\n"`, "", "private key"}, // material on the same line
		{`if bytes.HasPrefix(b, []byte("` + fakePEMHdr + `")) {`, "}", ""},     // code naming the header
		{fakePEMHdr, "", ""}, // the hunk ends: no material seen
		{"-----BEGIN PUBLIC KEY-----", pemLine, ""},
		{"-----BEGIN CERTIFICATE-----", pemLine, ""},
		{"aws_access_key_id = " + fakeAWS, "", "AWS access key id"},
		{fakeAWS[:19], "", ""},  // 15 after the prefix
		{"X" + fakeAWS, "", ""}, // not at a word boundary
		{"token: gh" + "p_" + strings.Repeat("a1B2", 9), "", "GitHub token"},
		{"gh" + "o_" + strings.Repeat("x", 35), "", ""},
		{"ghx_" + strings.Repeat("a", 40), "", ""},
		{"SLACK=xo" + "xb-123456789012-abcdefABCDEF", "", "Slack token"},
		{"xoxz-123456789012-abc", "", ""},
		{`api_key = "` + "sk_live_4eC39HqLyjWDarjtT1zdp7dc" + `"`, "", "quoted secret assignment"},
		{`"password": "` + "hunter2hunter2hunter2" + `"`, "", "quoted secret assignment"},
		{`const SECRET_KEY: &str = "` + "0123456789abcdefXYZ" + `";`, "", "quoted secret assignment"},
		{`token = "${GITHUB_TOKEN_FROM_ENV}"`, "", ""},
		{`password = "<your password goes here>"`, "", ""},
		{`api-key: "{{ secrets.API_KEY_VALUE }}"`, "", ""},
		{`password = "xxxxxxxxxxxxxxxxxxxx"`, "", ""},
		{`token = "short"`, "", ""},
		{`password = "must be at least 16 characters"`, "", ""},
		{`let tokens = parse(input);`, "", ""},
		{`secret = "EXAMPLEEXAMPLEEXAMPLE"`, "", ""},
	}
	for _, tc := range tests {
		if got := secretKind(tc.line, tc.next); got != tc.want {
			t.Errorf("secretKind(%q, %q) = %q; want %q", tc.line, tc.next, got, tc.want)
		}
	}
}

func TestRedactSameLineKey(t *testing.T) {
	line := "key := \"" + fakePEMHdr + `\n` + pemLine + `\n"`
	if r := redact(line); strings.Contains(r, pemLine[:20]) || !strings.Contains(r, fakePEMHdr) {
		t.Errorf("redact(%q) = %q", line, r)
	}
}

func TestHygienePrivateKeyBlock(t *testing.T) {
	f := newFile("keys/dev.pem", fakePEMHdr, pemLine, pemLine[:20], "-----END "+"PRIVATE KEY-----")
	fs, _ := Hygiene([]FileDiff{f}, testOptions)
	if got(fs) != "keys/dev.pem:1 secret-in-diff" || strings.Contains(fs[0].Text, pemLine) {
		t.Errorf("findings %+v", fs)
	}
}

func TestLexLine(t *testing.T) {
	var st lexState
	lx, st := lexLine(`let s = "a // b"; // real comment`, st)
	if lx.comment != " real comment" || strings.Contains(lx.code, "//") || len(lx.literals) != 1 || lx.literals[0] != "a // b" {
		t.Errorf("%+v", lx)
	}
	lx, st = lexLine(`x /* open`, st)
	if st.blockDepth != 1 || lx.code != "x " {
		t.Errorf("%+v %+v", lx, st)
	}
	lx, st = lexLine(`still */ y.unwrap()`, st)
	if st.blockDepth != 0 || !strings.Contains(lx.code, "y.unwrap()") || strings.Contains(lx.code, "still") {
		t.Errorf("%+v %+v", lx, st)
	}
	lx, _ = lexLine(`let r = r#"raw "quoted" .unwrap()"#; let c = '"'; fn f<'a>(x: &'a str)`, lexState{})
	if strings.Contains(lx.code, "unwrap") || len(lx.literals) != 1 || lx.literals[0] != `raw "quoted" .unwrap()` || !strings.Contains(lx.code, "&'a str") {
		t.Errorf("%+v", lx)
	}
	lx, st = lexLine(`let s = "multi`, lexState{})
	if !st.inString || lx.literals[0] != "multi" {
		t.Errorf("%+v %+v", lx, st)
	}
	lx, st = lexLine(`line"; x.unwrap();`, st)
	if st.inString || !strings.Contains(lx.code, "x.unwrap()") {
		t.Errorf("%+v %+v", lx, st)
	}
}
