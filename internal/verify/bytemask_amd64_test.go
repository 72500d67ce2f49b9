package verify

// byteMaskImpls are the implementations this processor can run.
func byteMaskImpls() map[string]func([]byte, byte, []uint64) {
	impls := map[string]func([]byte, byte, []uint64){"sse2": byteMasksSSE2, "byteMasks": byteMasks}
	if hasAVX2 {
		impls["avx2"] = byteMasksAVX2
	}
	return impls
}
