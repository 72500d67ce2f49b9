package main

import (
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/taskproof/taskproof/internal/lint"
	"github.com/taskproof/taskproof/internal/workflowcmd"
)

// repoPrefix is the path from the git repository's top level to root
// ("" when root is the top or not in git), so SARIF and annotations name
// files as GitHub does: relative to the repository root.
func repoPrefix(root string) string {
	if root == "" {
		root = "."
	}
	out, err := exec.Command("git", "-C", root, "rev-parse", "--show-prefix").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// defaultFormat is "github" when running in GitHub Actions and the user
// left --format at its default, so findings show on the pull request.
func defaultFormat(env *cliEnv, format, def string, explicit bool) string {
	if !explicit && format == def && env.getenv("GITHUB_ACTIONS") == "true" {
		return "github"
	}
	return format
}

// lintAnnotations turns lint findings into workflow commands.
func lintAnnotations(prefix string, ds []lint.Diagnostic) []workflowcmd.Annotation {
	as := make([]workflowcmd.Annotation, len(ds))
	for i, d := range ds {
		level := "notice"
		switch d.Severity {
		case lint.SeverityError:
			level = "error"
		case lint.SeverityWarning:
			level = "warning"
		}
		msg := d.Message
		if d.Fix != "" {
			msg += " (fix: " + d.Fix + ")"
		}
		as[i] = workflowcmd.Annotation{Level: level, File: filepath.ToSlash(filepath.Join(prefix, d.File)),
			Line: d.Line, Col: d.Column, Title: "taskproof " + d.Rule, Message: msg}
	}
	return as
}
