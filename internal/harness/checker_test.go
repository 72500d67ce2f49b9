package harness

import "github.com/taskproof/taskproof/internal/verify"

// checkerFor is the real streaming verifier for spec: the harness tests
// run real processes against real verification.
func checkerFor(spec *verify.Spec) NewChecker {
	return func(on func(verify.Observation)) (Checker, error) {
		return verify.New(spec, verify.Options{OnObservation: on})
	}
}
