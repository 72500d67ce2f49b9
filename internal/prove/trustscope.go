package prove

import (
	"context"
	"os/exec"
	"reflect"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/evidence"
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
// merge base; root the taskproof root; state the change's files under
// the state directory (repo.Change.StateFiles), where the repository's
// own key lives.
func trustViolations(ctx context.Context, root string, cfg *config.Config, base string, doc *task.Document, res *scope.Result, state []scope.Change) {
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
	files[evidence.DefaultPublicKeyFile] = true
	touched := append([]scope.Change{}, res.Touched...)
	for _, c := range state {
		// A first local key pins one where none was: only replacing or
		// deleting the committed one changes whose evidence counts.
		if c.Path != evidence.DefaultPublicKeyFile || c.Status != "A" && c.Status != "?" {
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
