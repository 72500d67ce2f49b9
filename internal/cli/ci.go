package cli

import (
	"os/exec"
	"strings"
)

// RepoPrefix is the path from the git repository's top level to root
// ("" when root is the top or not in git), so SARIF and annotations name
// files as GitHub does: relative to the repository root.
func RepoPrefix(root string) string {
	if root == "" {
		root = "."
	}
	out, err := exec.Command("git", "-C", root, "rev-parse", "--show-prefix").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// DefaultFormat is "github" when running in GitHub Actions and the user
// left --format at its default, so findings show on the pull request.
func DefaultFormat(env *Env, format, def string, explicit bool) string {
	if !explicit && format == def && env.Getenv("GITHUB_ACTIONS") == "true" {
		return "github"
	}
	return format
}

// InCI reports whether $CI says the process runs in CI (set, and not
// "false" or "0").
func InCI(env *Env) bool {
	v := strings.ToLower(strings.TrimSpace(env.Getenv("CI")))
	return v != "" && v != "false" && v != "0"
}
