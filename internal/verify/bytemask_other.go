//go:build !amd64

package verify

// byteMasks sets out[i] bit j when p[64*i+j] is c; len(p) is 64*len(out).
func byteMasks(p []byte, c byte, out []uint64) { byteMasksGeneric(p, c, out) }
