// Package calc is a fixture: its tests pass, fail, skip and nest on purpose
// so that taskproof's go test -json parser sees every shape.
package calc

// Add returns a+b.
func Add(a, b int) int { return a + b }

// Div returns a/b.
func Div(a, b int) int { return a / b }
