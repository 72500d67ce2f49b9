package dod

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		cmd  string
		env  []EnvVar
		argv []string
		bare string
	}{
		{"go test ./...", nil, []string{"go", "test", "./..."}, "go test ./..."},
		{"  cargo   test -p foo  ", nil, []string{"cargo", "test", "-p", "foo"}, "cargo   test -p foo"},
		{"RUN_UNTIL_MARKER=1 RUN_TIMEOUT=90s ./scripts/qemu-test.sh", []EnvVar{{"RUN_UNTIL_MARKER", "1"}, {"RUN_TIMEOUT", "90s"}}, []string{"./scripts/qemu-test.sh"}, "./scripts/qemu-test.sh"},
		{`A="x y" B='$z' cmd`, []EnvVar{{"A", "x y"}, {"B", "$z"}}, []string{"cmd"}, "cmd"},
		{`A= cmd`, []EnvVar{{"A", ""}}, []string{"cmd"}, "cmd"},
		{`go test -run 'TestA|TestB' ./x`, nil, []string{"go", "test", "-run", "TestA|TestB", "./x"}, "go test -run 'TestA|TestB' ./x"},
		{`go test -run "Test.*" .`, nil, []string{"go", "test", "-run", "Test.*", "."}, `go test -run "Test.*" .`},
		{`echo "a \"b\" \\ c"`, nil, []string{"echo", `a "b" \ c`}, `echo "a \"b\" \\ c"`},
		{`echo a\ b`, nil, []string{"echo", "a b"}, `echo a\ b`},
		{`echo "a\nb"`, nil, []string{"echo", `a\nb`}, `echo "a\nb"`},
		{`taskproof run --contract proof/contract.toml -- ./qemu.sh pass`, nil, []string{"taskproof", "run", "--contract", "proof/contract.toml", "--", "./qemu.sh", "pass"}, "taskproof run --contract proof/contract.toml -- ./qemu.sh pass"},
		// An = after the command is an argument, not an assignment.
		{`cmd A=1`, nil, []string{"cmd", "A=1"}, "cmd A=1"},
		// A quoted name is not an assignment (sh runs it as a command).
		{`"A"=1 cmd`, nil, []string{"A=1", "cmd"}, `"A"=1 cmd`},
		{`1A=x cmd`, nil, []string{"1A=x", "cmd"}, "1A=x cmd"},
		{`a'b'"c" d`, nil, []string{"abc", "d"}, `a'b'"c" d`},
		{`x ''`, nil, []string{"x", ""}, `x ''`},
		{"a\tb", nil, []string{"a", "b"}, "a\tb"},
		{`x a#b`, nil, []string{"x", "a#b"}, `x a#b`},
		{`x a~b`, nil, []string{"x", "a~b"}, `x a~b`},
	}
	for _, tt := range tests {
		c, err := Split(tt.cmd)
		if err != nil {
			t.Errorf("Split(%q): %v", tt.cmd, err)
			continue
		}
		if !reflect.DeepEqual(c.Env, tt.env) || !reflect.DeepEqual(c.Argv, tt.argv) || c.Bare != tt.bare {
			t.Errorf("Split(%q) = env %q argv %q bare %q; want env %q argv %q bare %q", tt.cmd, c.Env, c.Argv, c.Bare, tt.env, tt.argv, tt.bare)
		}
	}
}

func TestSplitRefuses(t *testing.T) {
	tests := []struct{ cmd, want string }{
		{"", "an empty command"},
		{"   ", "an empty command"},
		{"A=1 B=2", "only environment assignments"},
		{"go test ./... && rm -rf /", `shell operator "&&"`},
		{"go test ./... ; true", `shell operator ";"`},
		{"go test ./... | tee log", `shell operator "|"`},
		{"go test ./... || true", `shell operator "||"`},
		{"go test ./... > out.txt", `shell operator ">"`},
		{"go test ./... 2>&1", `shell operator ">&"`},
		{"./run.sh < in", `shell operator "<"`},
		{"(cd x && make)", `shell operator "("`},
		{"go test ./... &", `shell operator "&"`},
		{"go test $PKG", `"$": the shell would expand it`},
		{`go test "$PKG"`, `"$" inside double quotes`},
		{"echo `id`", "\"`\": the shell would expand it"},
		{`echo "a`, `unterminated " quote`},
		{`echo 'a`, `unterminated ' quote`},
		{`echo a\`, "trailing backslash"},
		{"go test\n./...", "a line break"},
		{"go test ./... # all", "a # comment"},
		{"cargo test -p nexus-*", `unquoted "*"`},
		{"ls ?", `unquoted "?"`},
		{"ls [ab]", `unquoted "["`},
		{"cat ~/x", "leading ~"},
	}
	for _, tt := range tests {
		_, err := Split(tt.cmd)
		if err == nil {
			t.Errorf("Split(%q) succeeded; want an error containing %q", tt.cmd, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Split(%q) = %q; want it to contain %q", tt.cmd, err, tt.want)
		}
	}
}

func TestMatchCanonical(t *testing.T) {
	globs := []string{"taskproof run *", "go test *", "cargo test *", "./scripts/qemu-test.sh*"}
	tests := []struct {
		cmd  string
		want string // "" = refused
	}{
		{"taskproof run --contract c.toml -- ./qemu.sh pass", "taskproof run *"},
		{"go test ./...", "go test *"},
		{"go test", "go test *"},
		{"cargo test -p foo", "cargo test *"},
		{"cargo test", "cargo test *"},
		{"RUN_UNTIL_MARKER=1 RUN_TIMEOUT=90s ./scripts/qemu-test.sh", "./scripts/qemu-test.sh*"},
		{"./scripts/qemu-test.sh --x", "./scripts/qemu-test.sh*"},
		{"./qemu.sh pass", ""},
		{"./scripts/postflight.sh", ""},
		{"go testify", ""},
		{"gotest ./...", ""},
		{"taskproof verify log", ""},
		{"cargo build", ""},
	}
	for _, tt := range tests {
		c, err := Split(tt.cmd)
		if err != nil {
			t.Fatalf("Split(%q): %v", tt.cmd, err)
		}
		got, ok := MatchCanonical(globs, tt.cmd, c)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("MatchCanonical(%q) = %q, %v; want %q", tt.cmd, got, ok, tt.want)
		}
	}
	c, _ := Split("go test ./...")
	if g, ok := MatchCanonical(nil, "go test ./...", c); ok {
		t.Errorf("no globs matched %q", g)
	}
	// A glob may spell the assignments too; the text as written matches it.
	c, _ = Split("MODE=ci ./check.sh")
	if _, ok := MatchCanonical([]string{"MODE=ci ./check.sh"}, "MODE=ci ./check.sh", c); !ok {
		t.Error("a glob with the assignments did not match the command as written")
	}
}

func TestGoTestJSON(t *testing.T) {
	tests := []struct {
		argv  []string
		want  []string
		added bool
	}{
		{[]string{"go", "test", "./..."}, []string{"go", "test", "-json", "./..."}, true},
		{[]string{"go", "test"}, []string{"go", "test", "-json"}, true},
		{[]string{"go", "test", "-json", "./..."}, []string{"go", "test", "-json", "./..."}, false},
		{[]string{"go", "test", "./...", "-json=true"}, []string{"go", "test", "./...", "-json=true"}, false},
		{[]string{"go", "test", ".", "-args", "-json"}, []string{"go", "test", "-json", ".", "-args", "-json"}, true},
		{[]string{"go", "vet", "./..."}, []string{"go", "vet", "./..."}, false},
		{[]string{"cargo", "test"}, []string{"cargo", "test"}, false},
		{[]string{"go"}, []string{"go"}, false},
	}
	for _, tt := range tests {
		got, added := GoTestJSON(tt.argv)
		if !reflect.DeepEqual(got, tt.want) || added != tt.added {
			t.Errorf("GoTestJSON(%q) = %q, %v; want %q, %v", tt.argv, got, added, tt.want, tt.added)
		}
	}
}

// FuzzSplit checks that Split never panics, that what it accepts has a
// command, and that splitting the words of an accepted command, each
// single-quoted, gives the same words back.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"go test ./...", `A="x y" B='z' cmd a\ b`, "RUN=1 ./scripts/qemu-test.sh", `echo "a \"b\""`,
		"a && b", "x $Y", "`id`", `"unterminated`, "cmd # c", "~/x", "A=*", "x=1 y=2", "\\", "'", `"\`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Split(s)
		if err != nil {
			return
		}
		if len(c.Argv) == 0 {
			t.Fatalf("Split(%q) accepted a command without argv", s)
		}
		var b strings.Builder
		for _, e := range c.Env {
			b.WriteString(e.Name + "='" + strings.ReplaceAll(e.Value, "'", `'\''`) + "' ")
		}
		for _, a := range c.Argv {
			b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "' ")
		}
		again, err := Split(b.String())
		if err != nil {
			t.Fatalf("re-quoted %q of %q does not split: %v", b.String(), s, err)
		}
		if !reflect.DeepEqual(again.Env, c.Env) || !reflect.DeepEqual(again.Argv, c.Argv) {
			t.Fatalf("round trip of %q: %q %q, then %q %q", s, c.Env, c.Argv, again.Env, again.Argv)
		}
	})
}
