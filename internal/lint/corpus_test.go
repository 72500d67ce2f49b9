package lint

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskproof/taskproof/internal/task"
	"github.com/taskproof/taskproof/internal/testcorpus"
)

// corpusFiles reads every task file of the corpus (not the template) into
// memory, keyed by repository-relative path, and the set of every path in
// the corpus tree (files and directories) for PathExists.
func corpusFiles(t testing.TB) (root string, names []string, src map[string][]byte, exists map[string]bool) {
	root = testcorpus.Dir(t)
	paths, err := filepath.Glob(filepath.Join(root, "tasks", "TASK-*.md"))
	if err != nil {
		t.Fatal(err)
	}
	src = map[string][]byte{}
	for _, p := range paths {
		if filepath.Base(p) == "TASK-TEMPLATE.md" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel := "tasks/" + filepath.Base(p)
		names = append(names, rel)
		src[rel] = b
	}
	exists = map[string]bool{}
	err = filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		exists[filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return root, names, src, exists
}

func parseAll(t testing.TB, names []string, src map[string][]byte) []*task.Document {
	docs := make([]*task.Document, 0, len(names))
	for _, n := range names {
		d, err := task.Parse(n, src[n])
		if err != nil {
			t.Fatalf("parse %s: %v", n, err)
		}
		docs = append(docs, d)
	}
	return docs
}

func memEnv(docs []*task.Document, src map[string][]byte, exists map[string]bool) Env {
	return Env{
		PathExists: func(p string) bool { return exists[p] },
		Source:     func(p string) []byte { return src[p] },
		Repo:       docs,
	}
}

func TestCorpus(t *testing.T) {
	root, names, src, _ := corpusFiles(t)
	if len(names) != 353 {
		t.Fatalf("corpus has %d task files, want 353", len(names))
	}
	docs := parseAll(t, names, src)
	env := Env{
		// The real file system, as the CLI does it.
		PathExists: func(p string) bool {
			_, err := os.Stat(filepath.Join(root, filepath.FromSlash(p)))
			return err == nil
		},
		Source: func(p string) []byte { return src[p] },
		Repo:   docs,
	}
	ds := Check(docs, env)

	byFile := map[string][]Diagnostic{}
	for _, d := range ds {
		if d.Line < 1 || ruleByID[d.Rule].ID == "" || src[d.File] == nil {
			t.Errorf("malformed diagnostic %+v", d)
		}
		byFile[d.File] = append(byFile[d.File], d)
	}
	find := func(file, rule string) []Diagnostic {
		var out []Diagnostic
		for f, list := range byFile {
			if !strings.HasPrefix(f, "tasks/"+file) {
				continue
			}
			for _, d := range list {
				if d.Rule == rule {
					out = append(out, d)
				}
			}
		}
		return out
	}

	// Duplicate TASK-0081: reported at both files, each naming the other.
	dup0 := find("TASK-0081-app-platform-anatomy", "duplicate-id")
	dup1 := find("TASK-0081-ui-v11a-mime-registry", "duplicate-id")
	if len(dup0) != 1 || len(dup1) != 1 ||
		!strings.Contains(dup0[0].Message, "TASK-0081-ui-v11a-mime-registry") ||
		!strings.Contains(dup1[0].Message, "TASK-0081-app-platform-anatomy") {
		t.Errorf("duplicate TASK-0081 not reported at both files: %v %v", dup0, dup1)
	}
	if n := len(ruleHits(ds, "duplicate-id")); n != 2 {
		t.Errorf("duplicate-id: %d findings, want 2 (only TASK-0081 is duplicated)", n)
	}

	// Status vocabulary: fix-its for the two non-canonical spellings of
	// Done and the lower-case In progress; the two unknown statuses are
	// reported without a fix, never guessed.
	wantStatus := map[string]string{
		"TASK-0247": "Done", "TASK-0011-": "Done", "TASK-0308": "In Progress",
		"TASK-0304": "", "TASK-0309": "",
	}
	got := ruleHits(ds, "status-vocabulary")
	if len(got) != len(wantStatus) {
		t.Errorf("status-vocabulary: %d findings, want %d: %v", len(got), len(wantStatus), got)
	}
	for id, fix := range wantStatus {
		hits := find(id, "status-vocabulary")
		if len(hits) != 1 || hits[0].Fix != fix || hits[0].Line != 3 {
			t.Errorf("%s: status-vocabulary %v, want one finding on line 3 with fix %q", id, hits, fix)
		}
	}
	if h := find("TASK-0247", "status-vocabulary"); len(h) == 1 && !strings.Contains(h[0].Message, `"done"`) {
		t.Errorf("TASK-0247 message does not quote the lower-case status: %s", h[0].Message)
	}

	// Broken links: a renamed task link is reported; no link to a path that
	// exists is reported.
	found := false
	for _, d := range ruleHits(ds, "broken-link") {
		if strings.HasPrefix(d.File, "tasks/TASK-0062B-") && d.Line == 15 &&
			strings.Contains(d.Message, "tasks/TASK-0144-perf-v1b-instrumentation-hooks-hud-nx-perf.md") {
			found = true
		}
		target := strings.Fields(strings.TrimPrefix(d.Message, "link target "))[0]
		for _, cand := range []string{target, "tasks/" + target} {
			if _, err := os.Stat(filepath.Join(root, cand)); err == nil {
				t.Errorf("reported a link to an existing path: %+v", d)
			}
		}
	}
	if !found {
		t.Error("the broken link TASK-0062B:15 -> tasks/TASK-0144-perf-v1b-instrumentation-hooks-hud-nx-perf.md is not reported")
	}

	// The four header-less files are noted, not failed.
	if n := len(ruleHits(ds, "missing-front-matter")); n != 4 {
		t.Errorf("missing-front-matter: %d, want 4 (TASK-0301..0304)", n)
	}

	// SARIF of the whole corpus is valid.
	var b bytes.Buffer
	if err := WriteSARIF(&b, Tool{Version: "test"}, ds); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, b.Bytes(), len(ds))

	counts := map[string]int{}
	for _, d := range ds {
		counts[d.Rule]++
	}
	t.Logf("corpus: %s; by rule: %v", Summary(len(docs), ds), counts)
}

func ruleHits(ds []Diagnostic, rule string) []Diagnostic {
	var out []Diagnostic
	for _, d := range ds {
		if d.Rule == rule {
			out = append(out, d)
		}
	}
	return out
}

// BenchmarkLintCorpus parses and lints the 353 corpus files from memory.
func BenchmarkLintCorpus(b *testing.B) {
	_, names, src, exists := corpusFiles(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		docs := parseAll(b, names, src)
		Check(docs, memEnv(docs, src, exists))
	}
}

// generated builds n synthetic task files: links to other generated tasks
// (some missing), markers, proof commands, one duplicate id per 100 tasks.
func generated(n int) (names []string, src map[string][]byte, exists map[string]bool) {
	src = make(map[string][]byte, n)
	exists = make(map[string]bool, n)
	for i := 0; i < n; i++ {
		id := i + 1
		if i%100 == 99 {
			id = i // a duplicate of the previous id
		}
		name := fmt.Sprintf("tasks/TASK-%05d-gen-%d.md", id, i)
		status := []string{"Draft", "Done", "in progress", "Complete", "Blocked"}[i%5]
		body := fmt.Sprintf(`---
title: TASK-%05d Generated task %d
status: %s
owner: @gen
created: 2026-01-02
links:
  - Previous: tasks/TASK-%05d-gen-%d.md
  - Missing: docs/missing-%d.md
---

## Context

- Generated context %d.

## Goal

- Generated goal.

## Non-Goals

- …

## Constraints / invariants

- None.

## Stop conditions (Definition of Done)

- **Proof (QEMU)**:
  - Command(s):
    - `+"`./scripts/qemu-test.sh`"+`
  - Required markers:
    - `+"`gen: task %d ok`"+`
    - `+"`gen: boot at 12:00:%02d`"+`

## Touched paths (allowlist)

- `+"`gen/%d/`"+`
`, id, i, status, id-1, i-1, i, i, i, i%60, i)
		names = append(names, name)
		src[name] = []byte(body)
		exists[name] = true
	}
	return names, src, exists
}

func lintGenerated(tb testing.TB, names []string, src map[string][]byte, exists map[string]bool) int {
	docs := parseAll(tb, names, src)
	return len(Check(docs, memEnv(docs, src, exists)))
}

// BenchmarkLintGenerated parses and lints 1,000 and 10,000 generated
// tasks; ns/task must stay flat (no quadratic work across documents).
func BenchmarkLintGenerated(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		names, src, exists := generated(n)
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				lintGenerated(b, names, src, exists)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/task")
		})
	}
}
