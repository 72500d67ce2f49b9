package prove

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/taskproof/taskproof/internal/atomicfile"
	"github.com/taskproof/taskproof/internal/evidence"
)

// LaneType is the DSSE payload type of a lane's result.
const LaneType = "application/vnd.taskproof.lane+json"

// LaneFile is the name of run id's result in a lane's output directory.
func LaneFile(id string) string { return "lane-" + id + ".json" }

// WriteLane writes run r's result to dir, signed with priv, atomically:
// a lane that is killed leaves no file, never a partial one. A failed run
// writes its result too (collect names it and judges its tasks failed).
func (p *Plan) WriteLane(r *SharedRun, dir string, priv ed25519.PrivateKey) (string, error) {
	if r.Output == nil {
		return "", fmt.Errorf("run %s has no result: %s", r.ID, r.NotRun)
	}
	payload, err := json.Marshal(p.result(r))
	if err != nil {
		return "", err
	}
	sig := ed25519.Sign(priv, evidence.PAE(LaneType, payload))
	env := evidence.Envelope{PayloadType: LaneType, Payload: base64.StdEncoding.EncodeToString(payload),
		Signatures: []evidence.Signature{{KeyID: evidence.KeyID(priv.Public().(ed25519.PublicKey)), Sig: base64.StdEncoding.EncodeToString(sig)}}}
	data, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create lane directory: %w", err)
	}
	path := filepath.Join(dir, LaneFile(r.ID))
	if err := atomicfile.Write(path, append(data, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("write lane result: %w", err)
	}
	return path, nil
}

// ReadLane checks a lane result's signature under pub and decodes it.
func ReadLane(data []byte, pub ed25519.PublicKey) (*RunResult, error) {
	var env evidence.Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("not a lane result (JSON envelope): %v", err)
	}
	if env.PayloadType != LaneType {
		return nil, fmt.Errorf("not a lane result: payload type is %q, want %q", env.PayloadType, LaneType)
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		return nil, fmt.Errorf("payload is not base64: %v", err)
	}
	ok := false
	for _, s := range env.Signatures {
		sig, err := base64.StdEncoding.DecodeString(s.Sig)
		if err == nil && ed25519.Verify(pub, evidence.PAE(LaneType, payload), sig) {
			ok = true
			break
		}
	}
	if !ok {
		return nil, fmt.Errorf("no signature verifies under key %s: it was not signed by this project's signing key, or was changed after", evidence.KeyID(pub))
	}
	var res RunResult
	if err := json.Unmarshal(payload, &res); err != nil {
		return nil, fmt.Errorf("signed payload does not decode: %v", err)
	}
	if res.Version != resultVersion || res.Output == nil || res.ID == "" {
		return nil, fmt.Errorf("signed payload is not a version %d lane result", resultVersion)
	}
	return &res, nil
}

// LaneProblem is why a lane did not prove its tasks.
type LaneProblem struct {
	Lane    string `json:"lane"`
	Command string `json:"command"`
	Tasks   []string
	Message string `json:"message"`
}

func (l LaneProblem) Error() string {
	return fmt.Sprintf("lane %s (%s): %s", l.Lane, l.Command, l.Message)
}

// Collect gives each run of the plan that has no output the lane result
// of the same id from results (by run id), when the lane ran on the same
// inputs. A run whose lane left no result, ran on other inputs or failed
// is a LaneProblem; a failed lane's output still judges its tasks (they
// fail). from names where each result was read.
func (p *Plan) Collect(results map[string]*RunResult, from map[string]string) []LaneProblem {
	var probs []LaneProblem
	for _, r := range p.Runs() {
		if r.Output != nil {
			continue
		}
		problem := func(msg string) {
			probs = append(probs, LaneProblem{Lane: r.ID, Command: strings.Join(r.First().Step.Argv, " "), Tasks: r.Tasks(), Message: msg})
		}
		res := results[r.ID]
		if res == nil {
			r.NotRun = "not run: lane " + r.ID + " left no result"
			problem("left no result (it failed to start, timed out or was killed before writing one)")
			continue
		}
		if why := p.sameInputs(r, res); why != "" {
			r.NotRun = "not run: lane " + r.ID + " ran on other inputs"
			problem("ran on other inputs than this checkout: " + why)
			continue
		}
		r.Output, r.Cached = res.Output, &Reuse{Run: res.Run, Commit: res.Commit, From: from[r.ID]}
		if !res.Passed {
			problem("failed: " + res.Reason)
		}
	}
	sort.Slice(probs, func(i, k int) bool { return probs[i].Lane < probs[k].Lane })
	return probs
}

// sameInputs says why res did not run on r's inputs, "" when it did.
func (p *Plan) sameInputs(r *SharedRun, res *RunResult) string {
	if res.Inputs != r.inputs {
		return "its command, contract, the files it names or taskproof differ"
	}
	for _, ts := range r.Steps {
		id := string(ts.Task.Doc.ID)
		if h, ok := res.Tasks[id]; !ok || h != ts.Task.Inputs.AllowlistHash {
			return "the files allowlisted by " + id + " differ"
		}
	}
	return ""
}
