// Package broken is a fixture whose test does not compile.
package broken
