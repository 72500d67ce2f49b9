package verify

import "golang.org/x/sys/cpu"

// byteMasks sets out[i] bit j when p[64*i+j] is c; len(p) is 64*len(out).
// AVX2 where the processor has it, else SSE2, which every amd64 processor
// has (bytemask_amd64.s).
func byteMasks(p []byte, c byte, out []uint64) {
	if hasAVX2 {
		byteMasksAVX2(p, c, out)
		return
	}
	byteMasksSSE2(p, c, out)
}

var hasAVX2 = cpu.X86.HasAVX2

//go:noescape
func byteMasksAVX2(p []byte, c byte, out []uint64)

//go:noescape
func byteMasksSSE2(p []byte, c byte, out []uint64)
