package main

// The acceptance table of ../shared/corpus/open-nexus/history/README.md
// through the CLI: `taskproof verify` with each folder's overlay (written
// from its ladders, internal/contract/testdata/history) reproduces
// upstream's gate, and with the manifest alone no pass row fails.

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/testcorpus"
)

// historyDir copies a history folder's proof-manifest tree and its overlay
// into a temporary directory, the way a project keeps them side by side.
func historyDir(t *testing.T, folder string) string {
	t.Helper()
	src := filepath.Join(testcorpus.Dir(t), "history", folder)
	dst := t.TempDir()
	err := filepath.WalkDir(filepath.Join(src, "proof-manifest"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	overlay, err := os.ReadFile(filepath.Join("..", "..", "internal", "contract", "testdata", "history", folder+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, "overlay.toml"), overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

type historyReport struct {
	Verdict  string `json:"verdict"`
	Required int    `json:"required"`
	Found    int    `json:"found"`
	Warnings []struct {
		Line int    `json:"line"`
		Text string `json:"text"`
	} `json:"warnings"`
	Failure *struct {
		Kind   string `json:"kind"`
		Marker string `json:"marker"`
		Phase  string `json:"phase"`
		Line   int    `json:"line"`
	} `json:"failure"`
}

func runVerifyCLI(t *testing.T, args ...string) (int, string, historyReport) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "r.json")
	var buf bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &buf, Stderr: &buf, Getenv: func(string) string { return "" }}
	code := runMain(context.Background(), env, append([]string{"verify", "--report", out}, args...))
	var r historyReport
	if data, err := os.ReadFile(out); err == nil {
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
	}
	return code, buf.String(), r
}

func TestVerifyHistoryTable(t *testing.T) {
	corpus := testcorpus.Dir(t)
	rows := []struct {
		folder, profile, verdict string
		code                     int
		marker, phase            string
		line                     int
	}{
		{"90ecdf0a", "smp", "PASS", cli.ExitOK, "", "", 0},
		{"e40b9e38", "smp", "PASS", cli.ExitOK, "", "", 0},
		{"adda2697", "full", "PASS", cli.ExitOK, "", "", 0},
		{"adda2697", "smp", "MISSING", cli.ExitFindings, "KINIT: cpu1 online", "bringup", 0},
		{"271d0c60", "visible-bootstrap", "PASS", cli.ExitOK, "", "", 0},
		{"f24011b4", "full", "FORBIDDEN", cli.ExitFindings, "default:PANIC", "exec", 1513},
		{"ee4ec1d2", "visible-bootstrap", "MISSING", cli.ExitFindings, "", "", 0},
	}
	for _, row := range rows {
		t.Run(row.folder+"/"+row.profile, func(t *testing.T) {
			dir := historyDir(t, row.folder)
			log := filepath.Join(corpus, "history", row.folder, "uart.log")
			code, out, r := runVerifyCLI(t, "--contract", filepath.Join(dir, "overlay.toml"), "--profile", row.profile, log)
			if code != row.code || r.Verdict != row.verdict {
				t.Fatalf("exit %d %s, want %d %s\n%s", code, r.Verdict, row.code, row.verdict, out)
			}
			if row.verdict == "PASS" && (r.Found != r.Required || !strings.HasPrefix(out, "PASS: ")) {
				t.Fatalf("%d/%d\n%s", r.Found, r.Required, out)
			}
			if f := r.Failure; row.marker != "" && (f.Marker != row.marker || f.Phase != row.phase || row.line > 0 && f.Line != row.line) {
				t.Fatalf("failure %+v, want %s in phase %s at line %d", f, row.marker, row.phase, row.line)
			}

			// The manifest alone: no pass row fails; the one-hart boot
			// fails smp on the smp markers its REQUIRE_SMP gate requires.
			if row.verdict == "PASS" || row.folder == "adda2697" {
				code, out, r := runVerifyCLI(t, "--contract", filepath.Join(dir, "proof-manifest", "manifest.toml"), "--profile", row.profile, log)
				want := cli.ExitOK
				if row.verdict != "PASS" {
					want = cli.ExitFindings
				}
				if code != want {
					t.Fatalf("manifest alone: exit %d, want %d\n%s", code, want, out)
				}
				if want != cli.ExitOK && (r.Failure == nil || r.Failure.Marker != "KINIT: cpu1 online") {
					t.Fatalf("manifest alone: %+v", r.Failure)
				}
			}
		})
	}
}
