package contract

import (
	"testing"
	"testing/fstest"

	"github.com/taskproof/taskproof/internal/verify"
)

// FuzzLoad feeds arbitrary bytes as the root contract (with a fixed
// include beside it). Load must never panic; whatever loads must lint and
// resolve without panicking, and every spec Resolve returns must be one
// the verifier accepts.
func FuzzLoad(f *testing.F) {
	seeds := []string{
		"[contract]\nversion = 1\n[[marker]]\ntext = \"a ok\"\n",
		"[contract]\nversion = 1\nphases = [\"a\", \"b\"]\n[phase.a]\norder = \"strict\"\n[[marker]]\ntext = \"x\"\nphase = \"a\"\n[[marker]]\ntext = \"y\"\nphase = \"a\"\n[[marker]]\ntext = \"z\"\nphase = \"b\"\nafter = [\"x\"]\n",
		"[contract]\nversion = 1\ninclude = \"inc/*.toml\"\nlog_prefix = '^\\[[A-Z]+ [^\\]]+\\] '\n[[rule]]\nif = \"inc ok\"\nthen = [\"a\"]\n[[marker]]\ntext = \"a\"\nkind = \"ready\"\n",
		"[contract]\nversion = 1\ndefault_profile = \"b\"\n[[marker]]\ntext = \"a ok\"\nprofiles = [\"b\"]\n[profile.a]\nenv = { X = \"1\" }\n[profile.b]\nextends = \"a\"\nrequire = [\"a ok\"]\nremove = [\"a ok\"]\n",
		"[contract]\nversion = 1\n[profile.a]\nextends = \"b\"\n[profile.b]\nextends = \"a\"\n",
		"[contract]\nversion = 1\n[[marker]]\ntext = '^cpu[0-9]+$'\nmatch = \"regex\"\nmin = 2\nmax = 1\n[forbid]\ndrop_defaults = [\"*\"]\n[[forbid.pattern]]\ntext = \"BUG\"\n",
		"[meta]\nschema_version = \"2\"\ndefault_profile = \"full\"\n[include]\nmarkers = \"inc/*.toml\"\nprofiles = \"prof.toml\"\n",
		"[meta]\nschema_version = \"1\"\ndefault_profile = \"full\"\n[phase.p]\norder = 1\n[profile.full]\nenv = {}\n[marker.\"k ok\"]\nphase = \"p\"\nproves = \"x\"\nemit_when = { profile = [\"full\"] }\n",
		"[contract]\nversion = 1\n[[marker]]\ntext = \"a\"\nafter = [\"a\"]\n",
		"[[marker]]\ntext = \"\"\"\n[x]\n\"\"\"\n",
		"x = [\n[1],\n]\n[contract]\nversion = 1\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"contract.toml": &fstest.MapFile{Data: data},
			"inc/a.toml":    &fstest.MapFile{Data: []byte("[[marker]]\ntext = \"inc ok\"\n")},
			"prof.toml":     &fstest.MapFile{Data: []byte("[profile.full]\nrunner = \"x\"\n")},
		}
		c, err := Load(fsys, "contract.toml")
		if err != nil {
			return
		}
		_ = Lint(c)
		_ = c.Hash()
		_ = c.Declares("a ok")
		for _, p := range append(c.Profiles(), "") {
			_, _ = c.Env(p)
			spec, err := c.Resolve(p)
			if err != nil {
				continue
			}
			if _, err := verify.New(spec, verify.Options{}); err != nil {
				t.Fatalf("Resolve(%q) returned a spec the verifier rejects: %v", p, err)
			}
		}
	})
}
