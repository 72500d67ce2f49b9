package dod

import "testing"

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"cargo test *", "cargo test -p foo", true},
		{"cargo test *", "cargo test", false},
		{"cargo test*", "cargo test", true},
		{"./scripts/qemu-test.sh*", "./scripts/qemu-test.sh", true},
		{"./scripts/qemu-test.sh*", "./scripts/qemu-test.sh --x", true},
		{"*qemu*", "RUN=1 ./scripts/qemu-test.sh", true},
		{"go test *", "just test", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"", "", true},
		{"*", "", true},
	}
	for _, tt := range tests {
		if got := wildcardMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}
