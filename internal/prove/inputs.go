package prove

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/taskproof/taskproof/internal/evidence"
	"github.com/taskproof/taskproof/internal/repo"
)

// inputsFile is files/inputs.json of tp: the digests of the regular files
// under the root that its proof commands name in their argv (the scripts
// and images they run or boot) and that [proof] inputs of taskproof.toml
// match, whether git tracks them or not. It is taken after the proof ran,
// so an image the proof command built is the one it booted.
func (p *Plan) inputsFile(tp *TaskPlan) (evidence.File, error) {
	root := p.Repo.Root
	paths := map[string]bool{}
	addPath := func(rel string) {
		rel = path.Clean(filepath.ToSlash(rel))
		if rel == "." || strings.HasPrefix(rel, "../") || rel == repo.StateDir || strings.HasPrefix(rel, repo.StateDir+"/") {
			return
		}
		if st, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel))); err == nil && st.Mode().IsRegular() {
			paths[rel] = true
		}
	}
	for _, st := range tp.Steps {
		argvs := [][]string{st.Argv}
		if st.Run != nil {
			argvs = append(argvs, st.Run.Argv)
		}
		for _, argv := range argvs {
			for _, a := range argv {
				if a == "" || strings.HasPrefix(a, "-") || filepath.IsAbs(a) {
					continue
				}
				addPath(a)
			}
		}
	}
	declared, err := p.declaredInputs()
	if err != nil {
		return evidence.File{}, err
	}
	for _, m := range declared {
		addPath(m)
	}
	in := evidence.Inputs{Files: []evidence.Input{}}
	for rel := range paths {
		sum, err := evidence.HashInput(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return evidence.File{}, err
		}
		in.Files = append(in.Files, evidence.Input{Path: rel, SHA256: sum})
	}
	sort.Slice(in.Files, func(i, k int) bool { return in.Files[i].Path < in.Files[k].Path })
	return evidence.File{Name: evidence.InputsName, Data: mustJSON(in)}, nil
}

// declaredInputs are the files under the root that [proof] inputs of
// taskproof.toml match now, root-relative and sorted.
func (p *Plan) declaredInputs() ([]string, error) {
	cfg, err := p.Repo.Config()
	if err != nil {
		return nil, nil // a config error is reported where the config is read
	}
	var out []string
	fsys := os.DirFS(p.Repo.Root)
	for _, g := range cfg.Proof.Inputs {
		matches, err := doublestar.Glob(fsys, g, doublestar.WithFilesOnly())
		if err != nil {
			return nil, fmt.Errorf("[proof] inputs %q: %w", g, err)
		}
		out = append(out, matches...)
	}
	sort.Strings(out)
	return out, nil
}
