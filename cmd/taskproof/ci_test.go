package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"

	"github.com/taskproof/taskproof/internal/prove"
)

// TestGitHubWorkflowLints: the shipped GitHub Actions workflow passes
// actionlint (its expression types, job graph, matrix and action inputs),
// and does what the issue asks: plan, lanes from the plan's matrix,
// collect, upload.
func TestGitHubWorkflowLints(t *testing.T) {
	path := "../../docs/ci/github-actions.yml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	errs := actionlintErrors(t, path, data)
	for _, e := range errs {
		t.Errorf("%s", e)
	}
	for _, want := range []string{"taskproof plan --format github", "fromJSON(needs.plan.outputs.matrix)",
		`taskproof prove --lane "$LANE" --out lanes`, "taskproof evidence collect --summary summary.md lanes", "actions/upload-artifact"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("%s does not contain %q", path, want)
		}
	}
	// The lanes are skipped on exactly what an empty plan prints.
	empty := strings.TrimSpace(string((prove.PlanView{}).GitHubMatrix()))
	if !strings.Contains(string(data), "needs.plan.outputs.matrix != '"+empty+"'") {
		t.Errorf("%s does not skip the lanes of an empty plan (%s)", path, empty)
	}
	// The linter is not a rubber stamp: a broken workflow fails it.
	broken := strings.Replace(string(data), "needs.plan.outputs.matrix", "needs.nosuchjob.outputs.matrix", 1)
	if len(actionlintErrors(t, path, []byte(broken))) == 0 {
		t.Error("actionlint accepted a workflow that needs an undefined job")
	}
}

func actionlintErrors(t *testing.T, path string, data []byte) []*actionlint.Error {
	t.Helper()
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint(path, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return errs
}

// gitlabGlobals are the top-level keys of a GitLab CI file that are not jobs.
var gitlabGlobals = map[string]bool{"stages": true, "variables": true, "default": true, "include": true, "workflow": true, "image": true, "services": true, "cache": true, "before_script": true, "after_script": true}

// checkGitLab is a structural check of a GitLab CI file (no GitLab CI
// schema is available offline): YAML; stages a list; every job in a
// declared stage (or the default test stage) with a script or a trigger;
// needs naming jobs of the file; parallel:matrix a list of variable ->
// values maps of at most 200 jobs; a trigger's artifact include naming a
// job. It returns the problems found.
func checkGitLab(data []byte) []string {
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return []string{"not YAML: " + err.Error()}
	}
	var probs []string
	stages := map[string]bool{".pre": true, ".post": true}
	if s, ok := doc["stages"]; ok {
		list, ok := s.([]any)
		if !ok {
			probs = append(probs, "stages is not a list")
		}
		for _, v := range list {
			stages[fmt.Sprint(v)] = true
		}
	} else {
		stages["build"], stages["test"], stages["deploy"] = true, true, true
	}
	jobs := map[string]map[string]any{}
	for k, v := range doc {
		if gitlabGlobals[k] || strings.HasPrefix(k, ".") {
			continue
		}
		job, ok := v.(map[string]any)
		if !ok {
			probs = append(probs, k+": a job must be a map")
			continue
		}
		jobs[k] = job
	}
	if len(jobs) == 0 {
		probs = append(probs, "no job")
	}
	for name, job := range jobs {
		stage := "test"
		if s, ok := job["stage"]; ok {
			stage = fmt.Sprint(s)
		}
		if !stages[stage] {
			probs = append(probs, fmt.Sprintf("%s: stage %q is not declared in stages", name, stage))
		}
		_, script := job["script"]
		trig, trigger := job["trigger"]
		if script == trigger {
			probs = append(probs, name+": a job needs exactly one of script and trigger")
		}
		if s, ok := job["script"]; ok {
			if list, ok := s.([]any); !ok || len(list) == 0 {
				probs = append(probs, name+": script must be a non-empty list")
			}
		}
		if n, ok := job["needs"]; ok {
			list, _ := n.([]any)
			for _, need := range list {
				if _, ok := jobs[fmt.Sprint(need)]; !ok {
					probs = append(probs, fmt.Sprintf("%s: needs %v, which is not a job", name, need))
				}
			}
		}
		if p, ok := job["parallel"]; ok {
			pm, _ := p.(map[string]any)
			matrix, ok := pm["matrix"].([]any)
			if !ok || len(matrix) == 0 {
				probs = append(probs, name+": parallel.matrix must be a non-empty list")
			}
			total := 0
			for _, entry := range matrix {
				vars, ok := entry.(map[string]any)
				if !ok {
					probs = append(probs, name+": a parallel.matrix entry must map variables to values")
					continue
				}
				n := 1
				for v, vals := range vars {
					list, ok := vals.([]any)
					if !ok || len(list) == 0 {
						probs = append(probs, fmt.Sprintf("%s: matrix variable %s must list values", name, v))
						continue
					}
					n *= len(list)
				}
				total += n
			}
			if total > 200 {
				probs = append(probs, fmt.Sprintf("%s: parallel.matrix makes %d jobs; GitLab allows 200", name, total))
			}
		}
		if trigger {
			tm, _ := trig.(map[string]any)
			incs, _ := tm["include"].([]any)
			for _, inc := range incs {
				im, _ := inc.(map[string]any)
				if j, ok := im["job"]; ok {
					if _, ok := jobs[fmt.Sprint(j)]; !ok {
						probs = append(probs, fmt.Sprintf("%s: includes an artifact of job %v, which is not a job", name, j))
					}
				}
			}
		}
	}
	return probs
}

// TestGitLabFiles: the shipped parent pipeline and the child pipeline
// taskproof plan generates pass the structural check; a broken file does
// not.
func TestGitLabFiles(t *testing.T) {
	data, err := os.ReadFile(filepath.FromSlash("../../docs/ci/gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range checkGitLab(data) {
		t.Errorf("docs/ci/gitlab-ci.yml: %s", p)
	}
	if !strings.Contains(string(data), "taskproof plan --format gitlab") {
		t.Error("docs/ci/gitlab-ci.yml does not generate the child pipeline")
	}
	view := prove.PlanView{Runs: []prove.RunView{
		{ID: "3f2a1b4c5d6e", Command: "taskproof run --contract proof/contract.toml -- ./qemu.sh pass", Tasks: []string{"TASK-0001", "TASK-0002"}},
		{ID: "0a9b8c7d6e5f", Command: "go test ./...", Tasks: []string{"TASK-0003"}},
	}}
	child := view.GitLabPipeline("golang:1.26")
	for _, p := range checkGitLab(child) {
		t.Errorf("child pipeline: %s\n%s", p, child)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(child, &doc); err != nil {
		t.Fatal(err)
	}
	lanes := doc["lane"].(map[string]any)["parallel"].(map[string]any)["matrix"].([]any)[0].(map[string]any)["LANE"].([]any)
	if len(lanes) != 2 || lanes[0] != "3f2a1b4c5d6e" || lanes[1] != "0a9b8c7d6e5f" {
		t.Errorf("matrix lanes %v", lanes)
	}
	if empty := (prove.PlanView{}).GitLabPipeline("golang:1.26"); len(checkGitLab(empty)) > 0 {
		t.Errorf("the pipeline of an empty plan: %v\n%s", checkGitLab(empty), empty)
	}
	for name, broken := range map[string]string{
		"undeclared stage": strings.Replace(string(child), "stage: collect", "stage: nope", 1),
		"dangling needs":   strings.Replace(string(child), "needs: [lane]", "needs: [lanes]", 1),
		"not yaml":         string(child) + "\n  - : [\n",
	} {
		if len(checkGitLab([]byte(broken))) == 0 {
			t.Errorf("%s: the structural check accepted it", name)
		}
	}
}
