package prove

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/taskproof/taskproof/internal/evidence"
)

// RecheckReport is what `evidence recheck` says: the bundle's claim, the
// verdict of re-running its proof at its commit, and every difference.
type RecheckReport struct {
	Bundle     string                    `json:"bundle"`
	Task       string                    `json:"task"`
	Commit     string                    `json:"commit"`
	SignedBy   *evidence.SignerJudgement `json:"signed_by"`
	Claimed    string                    `json:"claimed_verdict"`
	Rerun      string                    `json:"rerun_verdict"`
	Agree      bool                      `json:"agree"`
	Mismatches []Mismatch                `json:"mismatches"`
}

// Text is the report for people: agrees or disagrees, the differences,
// and who signed the bundle.
func (r *RecheckReport) Text() []byte {
	var b bytes.Buffer
	if r.Agree {
		fmt.Fprintf(&b, "agrees: re-running %s at commit %s gives what %s claims (verdict %s)\n", r.Task, r.Commit, r.Bundle, r.Claimed)
	} else {
		fmt.Fprintf(&b, "DISAGREES: re-running %s at commit %s does not give what %s claims (%d differences)\n", r.Task, r.Commit, r.Bundle, len(r.Mismatches))
		for _, m := range r.Mismatches {
			fmt.Fprintf(&b, "  - %s\n", m)
		}
	}
	if r.SignedBy != nil {
		fmt.Fprintf(&b, "signed by %s\n", r.SignedBy)
	}
	return b.Bytes()
}

// ClaimedSteps is how many proof commands a verified bundle's config.json
// lists. A config.json that is missing or does not decode is a mismatch
// (the bundle claims steps it cannot show), never silently zero steps.
func ClaimedSteps(v *evidence.Verified) (int, *Mismatch) {
	data, err := v.ReadFile(evidence.ConfigName)
	if err != nil {
		return 0, &Mismatch{What: "files/" + evidence.ConfigName, Claim: "no file", Rerun: "one", Detail: err.Error()}
	}
	var c evidence.Config
	if err := json.Unmarshal(data, &c); err != nil {
		return 0, &Mismatch{What: "files/" + evidence.ConfigName, Claim: "undecodable JSON", Rerun: "valid JSON", Detail: err.Error()}
	}
	return len(c.Steps), nil
}
