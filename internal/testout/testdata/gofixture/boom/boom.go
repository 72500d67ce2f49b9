// Package boom is a fixture whose test panics, killing the test binary.
package boom
