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

step "make the example a git repository of its own (evidence binds to a commit)"
printf 'build/\n' > .gitignore
git init -q -b main
git add -A
git -c user.name=demo -c user.email=demo@example.invalid commit -qm "minios example"
git log --oneline

step "build the minios guest from its assembly"
./build.sh

step "the task, as taskproof reads it"
"$tp" show TASK-0001

step "lint the tasks and the marker contract"
"$tp" lint
"$tp" contract lint

step "a signing key for evidence"
"$tp" keygen

step "prove TASK-0001: boot the guest in QEMU, verify its console, check scope, sign evidence"
"$tp" prove TASK-0001

step "the evidence verifies offline, for this commit"
"$tp" evidence verify .taskproof/evidence/TASK-0001.tar --commit "$(git rev-parse HEAD)"

step "a guest whose selftest prints FAIL is stopped at that line, not at the timeout"
set +e
"$tp" run --contract proof/contract.toml --profile default --timeout 30s -- ./qemu.sh fail
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
  echo "demo: expected exit 1 (FORBIDDEN) from the failing guest, got $rc" >&2
  exit 1
fi

step "Done needs proof: TASK-0001 can move to Done, TASK-0002 (claims Done, no evidence) cannot"
"$tp" status set TASK-0001 Done
set +e
"$tp" status set TASK-0002 "In Review"
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
  echo "demo: expected status set to refuse TASK-0002 without evidence, got exit $rc" >&2
  exit 1
fi

step "the board, derived from headers and evidence: TASK-0001 proven, TASK-0002 claimed"
"$tp" board

echo
echo "demo: done"
