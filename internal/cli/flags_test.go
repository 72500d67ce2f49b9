package cli

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

func TestParseExactly(t *testing.T) {
	tests := []struct {
		args    []string
		n       int
		msg     string
		want    []string
		wantErr string
	}{
		{args: []string{"a.log"}, n: 1, msg: "want one LOG, got %d", want: []string{"a.log"}},
		{args: []string{"--x", "a", "b"}, n: 2, msg: "want two, got %d", want: []string{"a", "b"}},
		{args: []string{"a", "--x", "b"}, n: 2, msg: "want two, got %d", want: []string{"a", "b"}},
		{args: nil, n: 1, msg: "want one LOG, got %d", wantErr: "want one LOG, got 0"},
		{args: []string{"a", "b", "c"}, n: 2, msg: "want two, got %d", wantErr: "want two, got 3"},
		{args: []string{}, n: 1, msg: "takes the shell: bash, zsh or fish", wantErr: "takes the shell: bash, zsh or fish"},
	}
	for _, tt := range tests {
		env := &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
		fs := NewFlagSet(env, "x", "x ARGS")
		fs.Bool("x", false, "a flag")
		got, err := fs.ParseExactly(tt.args, tt.n, tt.msg)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrUsage) {
				t.Errorf("%q: err = %v, want usage error %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %q, %v; want %q", tt.args, got, err, tt.want)
		}
	}
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	if _, err := NewFlagSet(env, "x", "x").ParseExactly([]string{"--nope", "a"}, 1, "m"); !errors.Is(err, ErrUsage) {
		t.Errorf("unknown flag: err = %v, want a usage error", err)
	}
}
