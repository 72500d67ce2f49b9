package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/sarif"
)

// TestFindingOutput: under GitHub Actions the default format becomes
// github unless --format was given; each format writes its own shape;
// findings fail quietly unless --exit-zero.
func TestFindingOutput(t *testing.T) {
	parse := func(actions bool, args ...string) (*FindingOutput, *bytes.Buffer, error) {
		var out bytes.Buffer
		env := &Env{Stdout: &out, Getenv: func(k string) string {
			if k == "GITHUB_ACTIONS" && actions {
				return "true"
			}
			return ""
		}, Program: &Program{Version: "1.2.3"}}
		o := &FindingOutput{}
		fs := NewFlagSet(env, "check", "check")
		fs.FindingFlags(o)
		if err := fs.ParseNone(args, "check takes no arguments"); err != nil {
			return nil, nil, err
		}
		l := sarif.Log{Category: "check", Rules: []sarif.Rule{{ID: "r1", Summary: "rule one"}},
			Results: []sarif.Result{{Rule: "r1", Level: "error", Message: "bad line", File: "a.md", Line: 3}}}
		return o, &out, o.Write(env, l, map[string]int{"findings": 1}, func() []byte { return []byte("a.md:3: bad line\n") }, true)
	}
	for _, c := range []struct {
		actions bool
		args    []string
		format  string
		out     string
		failed  bool
	}{
		{false, nil, "text", "a.md:3: bad line\n", true},
		{true, nil, "github", "::error file=a.md,line=3", true},
		{true, []string{"--format", "text"}, "text", "a.md:3: bad line\n", true},
		{false, []string{"--format", "json"}, "json", `"findings": 1`, true},
		{false, []string{"--format", "sarif"}, "sarif", `"version": "1.2.3"`, true},
		{false, []string{"--format", "gitlab"}, "gitlab", `"check_name": "taskproof/r1"`, true},
		{false, []string{"--exit-zero"}, "text", "a.md:3: bad line\n", false},
	} {
		o, out, err := parse(c.actions, c.args...)
		if o == nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if o.Format != c.format || !strings.Contains(out.String(), c.out) || errors.Is(err, ErrFindings) != c.failed {
			t.Errorf("actions %v %q: format %s, failed %v, output:\n%s", c.actions, c.args, o.Format, err, out)
		}
	}
	if _, _, err := parse(false, "--format", "xml"); err == nil || !strings.Contains(err.Error(), `unknown --format "xml"; use one of: text, json, sarif, github, gitlab`) {
		t.Errorf("a bad format: %v", err)
	}
}
