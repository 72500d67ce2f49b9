//go:build !amd64

package verify

// newlineMasks sets out[i] bit j when p[64*i+j] is '\n'; len(p) is
// 64*len(out).
func newlineMasks(p []byte, out []uint64) { newlineMasksGeneric(p, out) }
