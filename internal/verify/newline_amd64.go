package verify

// newlineMasks sets out[i] bit j when p[64*i+j] is '\n'; len(p) is
// 64*len(out). SSE2, which every amd64 processor has (newline_amd64.s).
//
//go:noescape
func newlineMasks(p []byte, out []uint64)
