package prove

import (
	"context"
	"os/exec"
	"reflect"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/scope"
	"github.com/taskproof/taskproof/internal/task"
)

// TrustChangeReason is the scope violation of a change to who may make
// tasks Done, in a task whose own allowlist does not name the file.
const TrustChangeReason = "changes who may make tasks Done (the trust policy or a trusted key); only a task whose own allowlist names this file may change it ([scope] always_allow does not count)"

// trustFiles are the root-relative files that decide whose evidence
// counts under the configuration cfg: the signers' key files. (The
// repository's own key, .taskproof/signing.pub, is added by
// trustViolations: it verifies the evidence status set accepts where no
// signer is required.)
func trustFiles(cfg *config.Config) map[string]bool {
	out := map[string]bool{}
	for _, s := range cfg.Signers {
		out[s.Key] = true
	}
	return out
}

// trustViolations adds to res a violation for every touched file that
// changes the trust policy — a signer key file (named by the current or
// the base configuration), or taskproof.toml
// when its [[signers]] or [trust] differ from the base's — unless doc's
// own allowlist (without [scope] always_allow) names it. base is the
// merge base; root the taskproof root.
func trustViolations(ctx context.Context, root string, cfg *config.Config, base string, doc *task.Document, res *scope.Result) {
	// The base's configuration matters only when the change touches it;
	// otherwise it is the current one (and no git process is started).
	baseCfg := cfg
	for _, c := range res.Touched {
		if c.Path == config.FileName || c.OldPath == config.FileName {
			baseCfg = nil
			if data, err := exec.CommandContext(ctx, "git", "-C", root, "show", base+":./"+config.FileName).Output(); err == nil {
				baseCfg, _ = config.Parse(config.FileName, data)
			}
			if baseCfg == nil {
				baseCfg = config.Default()
			}
			break
		}
	}
	files := trustFiles(cfg)
	for f := range trustFiles(baseCfg) {
		files[f] = true
	}
	policyChanged := !reflect.DeepEqual(cfg.Signers, baseCfg.Signers) || cfg.Trust != baseCfg.Trust
	own := scope.Compile(doc.Path, doc.Touched, nil)
	// The change leaves taskproof's state directory out, but the
	// repository's own public key lives there (and a signer's may).
	files[evidence.DefaultPublicKeyFile] = true
	touched := append([]scope.Change{}, res.Touched...)
	for _, c := range stateTrustChanges(ctx, root, base, files) {
		// A first local key pins one where none was: only replacing or
		// deleting the committed one changes whose evidence counts.
		if c.Path != evidence.DefaultPublicKeyFile || c.Status != "A" {
			touched = append(touched, c)
		}
	}
	for _, c := range touched {
		for _, p := range []string{c.Path, c.OldPath} {
			if p == "" {
				continue
			}
			trust := files[p] || (p == config.FileName && policyChanged)
			if !trust || own.Check(p).Allowed && ownItem(own, p) {
				continue
			}
			if !hasViolation(res, p) {
				res.Violations = append(res.Violations, scope.Violation{Path: p, Status: c.Status, Reason: TrustChangeReason})
			}
		}
	}
}

// stateTrustChanges lists the trust files under taskproof's state
// directory (root-relative) that differ between base and the work tree
// (committed or not), or are new and not ignored: the change does not
// list that directory. A git failure lists nothing.
func stateTrustChanges(ctx context.Context, root, base string, files map[string]bool) []scope.Change {
	var paths []string
	for f := range files {
		if strings.HasPrefix(f, repo.StateDir+"/") {
			paths = append(paths, f)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	sort.Strings(paths)
	var out []scope.Change
	args := append([]string{"-C", root, "diff", "--relative", "--no-renames", "--name-status", "-z", base, "--"}, paths...)
	if data, err := exec.CommandContext(ctx, "git", args...).Output(); err == nil {
		if cs, err := scope.ParseNameStatus(data); err == nil {
			out = append(out, cs...)
		}
	}
	args = append([]string{"-C", root, "ls-files", "-z", "--others", "--exclude-standard", "--"}, paths...)
	if data, err := exec.CommandContext(ctx, "git", args...).Output(); err == nil {
		for _, p := range strings.Split(string(data), "\x00") {
			if p != "" {
				out = append(out, scope.Change{Path: p, Status: "A"})
			}
		}
	}
	return out
}

// ownItem reports whether p is allowed by an item of the task's own
// allowlist, not just because it is the task file.
func ownItem(a *scope.Allowlist, p string) bool {
	v := a.Check(p)
	return v.By != nil && v.By.Source == scope.SourceTask && !v.By.Deny
}

func hasViolation(res *scope.Result, p string) bool {
	for _, v := range res.Violations {
		if v.Path == p && v.Reason == TrustChangeReason {
			return true
		}
	}
	return false
}
