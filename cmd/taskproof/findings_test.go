package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/taskproof/taskproof/internal/board"
	"github.com/taskproof/taskproof/internal/codequality/codequalitytest"
	"github.com/taskproof/taskproof/internal/contract"
	"github.com/taskproof/taskproof/internal/sarif"
	"github.com/taskproof/taskproof/internal/sarif/sariftest"
	"github.com/taskproof/taskproof/internal/scope"
)

// cmdSARIFCheck is the script command "sarifcheck FILE N": FILE passes
// the SARIF 2.1.0 schema with one fingerprint per result and
// repository-relative URIs, and holds N results.
func cmdSARIFCheck(ts *testscript.TestScript, neg bool, args []string) {
	checkReport(ts, neg, args, "sarifcheck", sariftest.Check)
}

// cmdGitLabCheck is the script command "gitlabcheck FILE N": FILE is a
// well-formed GitLab code quality report of N issues.
func cmdGitLabCheck(ts *testscript.TestScript, neg bool, args []string) {
	checkReport(ts, neg, args, "gitlabcheck", codequalitytest.Check)
}

func checkReport(ts *testscript.TestScript, neg bool, args []string, name string, check func([]byte) (int, error)) {
	if len(args) != 2 {
		ts.Fatalf("usage: %s FILE N", name)
	}
	n, err := check([]byte(ts.ReadFile(args[0])))
	if err == nil && fmt.Sprint(n) != args[1] {
		err = fmt.Errorf("%d findings, want %s", n, args[1])
	}
	switch {
	case neg && err == nil:
		ts.Fatalf("%s passed", args[0])
	case !neg && err != nil:
		ts.Fatalf("%s: %s", args[0], strings.TrimSpace(err.Error()))
	}
}

// TestChecksDocDocumentsEveryRule: every helpUri of the hygiene, scope,
// drift and contract findings lands on a heading (or table row) of the
// page it names, so code scanning's "learn more" link is never dead.
func TestChecksDocDocumentsEveryRule(t *testing.T) {
	var rules []sarif.Rule
	rules = append(rules, scope.HygieneSARIFRules()...)
	rules = append(rules, scope.ScopeSARIFRules()...)
	rules = append(rules, board.SARIFRules()...)
	rules = append(rules, contract.SARIFRules()...)
	prefix := sarif.InformationURI + "/blob/main/"
	for _, r := range rules {
		page, anchor, ok := strings.Cut(strings.TrimPrefix(r.HelpURI, prefix), "#")
		if !ok || !strings.HasPrefix(r.HelpURI, prefix) {
			t.Errorf("%s: helpUri %q is not a page of the repository with an anchor", r.ID, r.HelpURI)
			continue
		}
		doc, err := os.ReadFile(filepath.Join("../..", page))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(markdownAnchors(doc), anchor) {
			t.Errorf("%s: %s has no heading #%s", r.ID, page, anchor)
		}
		if anchor != r.ID && !strings.Contains(string(doc), "`"+r.ID+"`") {
			t.Errorf("%s: %s does not mention the rule", r.ID, page)
		}
	}
}

// markdownAnchors lists GitHub's anchors of the headings of a Markdown
// page: lower case, punctuation other than - and _ dropped, spaces to -.
func markdownAnchors(doc []byte) []string {
	var out []string
	for _, line := range strings.Split(string(doc), "\n") {
		h := strings.TrimLeft(line, "#")
		if len(h) == len(line) || !strings.HasPrefix(h, " ") {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(h)) {
			switch {
			case r == ' ':
				b.WriteByte('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		out = append(out, b.String())
	}
	return out
}
