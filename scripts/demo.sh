#!/usr/bin/env bash
# The demo: install what is missing (QEMU, binutils), build taskproof, and
# prove the boot task of examples/minios end to end in real QEMU. It works on
# a copy of the example in a temporary directory, so the checkout stays clean.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
[ -n "${NO_COLOR:-}" ] || [ ! -t 1 ] && step() { printf '\n== %s\n' "$*"; }

step "setup: QEMU and binutils"
bash scripts/setup.sh

step "build taskproof"
mkdir -p bin
go build -o bin/taskproof ./cmd/taskproof
tp="$top/bin/taskproof"
"$tp" --version

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/minios "$work/minios"
rm -rf "$work/minios/build"
cd "$work/minios"

step "build the minios guest from its assembly"
./build.sh

step "the task, as taskproof reads it"
"$tp" show TASK-0001

step "lint the tasks and the marker contract"
"$tp" lint
"$tp" contract lint

step "prove: boot the guest in QEMU and verify its console against the contract"
"$tp" run --contract proof/contract.toml --profile default --timeout 30s \
  --log uart.log --report report.json -- ./qemu.sh pass
echo "console tail (markers in uart.log.markers.jsonl):"
tail -n 6 uart.log

step "a guest whose selftest prints FAIL is stopped at that line, not at the timeout"
set +e
"$tp" run --contract proof/contract.toml --profile default --timeout 30s -- ./qemu.sh fail
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
  echo "demo: expected exit 1 (FORBIDDEN) from the failing guest, got $rc" >&2
  exit 1
fi

step "the board, derived from the task headers"
"$tp" board

echo
echo "demo: done"
