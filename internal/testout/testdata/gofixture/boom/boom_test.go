package boom

import "testing"

func TestBeforePanic(t *testing.T) {}

func TestPanics(t *testing.T) {
	var m map[string]int
	m["x"] = 1 // assignment to entry in nil map
}

func TestAfterPanic(t *testing.T) {}
