package testout

import (
	"fmt"
	"io"
)

// MaxInput bounds what ReadInput reads into memory.
const MaxInput = 512 << 20

// ReadInput reads all of r, the output of a test runner that name names
// in messages, refusing more than MaxInput.
func ReadInput(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > MaxInput {
		return nil, fmt.Errorf("%s is larger than %d MiB; give the runner's result output only", name, MaxInput>>20)
	}
	return data, nil
}
