package verify

// byteMasks sets out[i] bit j when p[64*i+j] is c; len(p) is 64*len(out).
// SSE2, which every amd64 processor has (bytemask_amd64.s).
//
//go:noescape
func byteMasks(p []byte, c byte, out []uint64)
