package main

// Start-up cost: every taskproof process runs every linked package's
// initialisation before main, whatever the command. A regexp or a table
// built at package level is paid by `taskproof verify` over a one-line log
// as much as by the command that needs it, so package-level work is lazy
// (sync.OnceValue) and these tests keep it that way.

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// initAllocBudget is the most allocations one of our packages may make in
// its initialisation: room for small maps and a few sync.OnceValue
// closures (2 allocations each), well under one compiled regexp with a
// counted repetition (^[0-9]{8}T... took 111) or any table of them.
const initAllocBudget = 64

// initAllocBudgetMain is main's budget: the command table and the help
// examples are composite literals (about 100 allocations) that dispatch
// reads on every run, so building them lazily would save nothing.
const initAllocBudgetMain = 160

// TestStartupInitAllocs runs the built binary with GODEBUG=inittrace=1
// and checks each of taskproof's packages against its allocation budget.
func TestStartupInitAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := builtTaskproof(t)
	cmd := exec.Command(bin, "--version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("taskproof --version: %v\n%s", err, stderr.Bytes())
	}
	// "init PKG @0.1 ms, 0.02 ms clock, 72 bytes, 2 allocs"
	line := regexp.MustCompile(`^init (\S+) @\S+ ms, \S+ ms clock, (\d+) bytes, (\d+) allocs$`)
	ours := 0
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		pkg := m[1]
		if pkg != "main" && !strings.HasPrefix(pkg, "github.com/taskproof/taskproof/") {
			continue
		}
		ours++
		budget := initAllocBudget
		if pkg == "main" {
			budget = initAllocBudgetMain
		}
		if allocs, _ := strconv.Atoi(m[3]); allocs > budget {
			t.Errorf("package %s allocates %d times (%s bytes) at init, budget %d: build its regexps and tables on first use (sync.OnceValue)", pkg, allocs, m[2], budget)
		}
	}
	if ours < 10 {
		t.Fatalf("inittrace reported %d of taskproof's packages, want 10 or more (did its format change?):\n%s", ours, stderr.Bytes())
	}
}

// TestNoRegexpCompiledAtInit checks the source: no package-level variable
// and no init function of ours compiles a regexp, except inside a function
// literal that is not called at once (as sync.OnceValue's argument).
func TestNoRegexpCompiledAtInit(t *testing.T) {
	root := filepath.Join("..", "..")
	files := 0
	for _, top := range []string{"cmd", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			files++
			for _, pos := range regexpsAtInit(t, path) {
				file, _ := filepath.Rel(root, pos.Filename)
				t.Errorf("%s:%d: regexp compiled at package init: compile it on first use (sync.OnceValue)", file, pos.Line)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 100 {
		t.Fatalf("checked %d Go files, want the whole module", files)
	}
}

// regexpsAtInit returns the positions of the regexp compilations in path
// that run during package initialisation.
func regexpsAtInit(t *testing.T, path string) []token.Position {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	name := ""
	for _, imp := range f.Imports {
		if imp.Path.Value == `"regexp"` {
			name = "regexp"
			if imp.Name != nil {
				name = imp.Name.Name
			}
		}
	}
	if name == "" {
		return nil
	}
	var found []token.Position
	called := map[*ast.FuncLit]bool{} // function literals run where they stand
	visit := func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return called[n]
		case *ast.CallExpr:
			if lit, ok := n.Fun.(*ast.FuncLit); ok {
				called[lit] = true
			}
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == name && strings.Contains(sel.Sel.Name, "Compile") {
					found = append(found, fset.Position(n.Pos()))
				}
			}
		}
		return true
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			if d.Tok == token.VAR {
				ast.Inspect(d, visit)
			}
		case *ast.FuncDecl:
			if d.Name.Name == "init" && d.Recv == nil && d.Body != nil {
				ast.Inspect(d.Body, visit)
			}
		}
	}
	return found
}
