package main

// examples are the one or two command lines each command's help leads
// with: the common case first. TestHelpExamples parses each with the
// command's own flags.
var examples = map[string][]string{
	"board":             {"taskproof board --write", "taskproof board --check"},
	"completion":        {"source <(taskproof completion bash)", "taskproof completion fish > ~/.config/fish/completions/taskproof.fish"},
	"contract lint":     {"taskproof contract lint", "taskproof contract lint --format sarif --exit-zero > contract.sarif"},
	"contract list":     {"taskproof contract list --profile smp"},
	"contract baseline": {"taskproof contract baseline --out proof/overlay.toml logs/good-1.log logs/good-2.log"},
	"drift":             {"taskproof drift", "taskproof drift --board docs/STATUS.md --format github"},
	"evidence collect":  {"taskproof evidence collect --summary summary.md lanes"},
	"evidence md":       {"taskproof evidence md TASK-0007"},
	"evidence recheck":  {"taskproof evidence recheck TASK-0007", "taskproof evidence recheck bundle.tar --pub ci.pub --format json"},
	"evidence show":     {"taskproof evidence show TASK-0007"},
	"evidence verify":   {"taskproof evidence verify TASK-0007 --commit HEAD", "taskproof evidence verify bundle.tar --pub signer.pub"},
	"flaky":             {"taskproof flaky", "taskproof flaky --min-runs 5 --format json"},
	"graph":             {"taskproof graph --task TASK-0007 --depth 2", "taskproof graph --format dot | dot -Tsvg > graph.svg"},
	"history":           {"taskproof history TASK-0007"},
	"hygiene":           {"taskproof hygiene --base origin/main", "taskproof hygiene --format sarif --exit-zero > hygiene.sarif"},
	"init":              {"taskproof init"},
	"keygen":            {"taskproof keygen"},
	"lint":              {"taskproof lint", "taskproof lint tasks/TASK-0007-net.md --format json"},
	"man":               {"taskproof man | man -l -"},
	"new":               {"taskproof new \"Timer tick\""},
	"next":              {"taskproof next"},
	"plan":              {"taskproof plan", "taskproof plan --format github"},
	"prove":             {"taskproof prove TASK-0007", "taskproof prove --changed --base origin/main"},
	"run":               {"taskproof run --expect 'boot ok' -- ./scripts/qemu-test.sh", "taskproof run --contract proof/contract.toml --profile smp --log out/console.log -- ./qemu.sh"},
	"scope":             {"taskproof scope TASK-0007 --base origin/main"},
	"serve":             {"taskproof serve", "taskproof serve --addr 0.0.0.0:7878 --root examples/minios"},
	"show":              {"taskproof show TASK-0007"},
	"site":              {"taskproof site --out public"},
	"status":            {"taskproof status set TASK-0007 Done"}, // the flag set of status set
	"tests":             {"go test -json ./... | taskproof tests --require TestBoot -"},
	"verify":            {"taskproof verify --contract proof/contract.toml build/console.log"},
}
