// Package hang is a fixture whose test outlives the -timeout.
package hang
