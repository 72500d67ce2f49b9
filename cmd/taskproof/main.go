// Command taskproof makes a task document's Definition of Done executable.
//
// The command package is the shell: main makes the context a signal
// cancels (cli.SignalContext), commands.go is the table of commands,
// exit.go gives the domain packages' errors their exit codes; internal/cli
// dispatches, parses flags and maps errors to exit codes. Every command
// lives in its own file as an options struct plus a run function; the
// work is done by the internal packages.
package main

import (
	"embed"
	"os"
	"strings"

	"github.com/taskproof/taskproof/internal/cli"
	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/repo"
	"github.com/taskproof/taskproof/internal/task"
)

// version is set at build time with -ldflags "-X main.version=..."; without
// it, version.go derives one from the build info.
var version = "dev"

// openRepo opens the repository at root, with env's instrumentation.
func openRepo(env *cli.Env, root string) *repo.Repo {
	return repo.OpenWith(root, repo.Options(env.Trace))
}

// openTasks opens the repository at root with its configuration and its
// task documents: what most commands start from.
func openTasks(env *cli.Env, root string) (*repo.Repo, *config.Config, []*task.Document, error) {
	r := openRepo(env, root)
	docs, err := r.Tasks()
	if err != nil {
		return nil, nil, nil, err
	}
	cfg, err := r.Config()
	return r, cfg, docs, err
}

// openTask opens the repository at root and finds the task arg names
// (an id or a task file).
func openTask(env *cli.Env, root, arg string) (*repo.Repo, *task.Document, error) {
	r, _, _, err := openTasks(env, root)
	if err != nil {
		return nil, nil, err
	}
	d, err := r.Task(arg)
	return r, d, err
}

func main() {
	ctx, stop := cli.SignalContext()
	env := &cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	code := runMain(ctx, env, os.Args[1:])
	stop()
	os.Exit(code)
}

// helpFiles are the commands' help texts: prose kept apart from the code.
//
//go:embed help/*.txt
var helpFiles embed.FS

// helpText is the help text help/NAME.txt, without its final newline.
func helpText(name string) string {
	b, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		panic("taskproof: no help text " + name) // a build without its help files
	}
	return strings.TrimRight(string(b), "\n")
}
