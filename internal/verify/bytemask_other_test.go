//go:build !amd64

package verify

func byteMaskImpls() map[string]func([]byte, byte, []uint64) {
	return map[string]func([]byte, byte, []uint64){"byteMasks": byteMasks}
}
