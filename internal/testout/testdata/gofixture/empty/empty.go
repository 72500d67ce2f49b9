// Package empty is a fixture with no tests.
package empty
