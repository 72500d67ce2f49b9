#!/usr/bin/env bash
# Compares one `taskproof prove` of examples/minios TASK-0001 (one QEMU
# step) between this checkout and a base revision, in the same run: the
# git processes each starts (a logging git first on PATH) and the wall
# time per prove over N proves. Needs QEMU and binutils (scripts/setup.sh).
#
# Usage: bash bench/prove-vs-base.sh BASE_REV [N]
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bench/prove-vs-base.sh BASE_REV [N]}
n=${2:-20}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/base"
git archive "$base" | tar -x -C "$work/base"
(cd "$work/base" && go build -o "$work/tp-base" ./cmd/taskproof)
go build -o "$work/tp-head" ./cmd/taskproof

cp -r examples/minios "$work/minios"
cd "$work/minios"
rm -rf build
printf 'build/\n.taskproof/\n' > .gitignore
git init -q -b main
git add -A
git -c user.name=bench -c user.email=bench@example.invalid commit -qm minios
./build.sh > /dev/null
"$work/tp-head" keygen > /dev/null

real_git=$(command -v git)
mkdir "$work/bin"
printf '#!/bin/sh\necho "$*" >> %s/git.log\nexec %s "$@"\n' "$work" "$real_git" > "$work/bin/git"
chmod +x "$work/bin/git"

for b in base head; do
  rm -f "$work/git.log"
  PATH="$work/bin:$PATH" CI=1 "$work/tp-$b" prove TASK-0001 > /dev/null 2>&1
  echo "$b: $(wc -l < "$work/git.log") git processes per prove"
done
for b in base head; do
  start=$(date +%s%N)
  for _ in $(seq "$n"); do
    CI=1 "$work/tp-$b" prove TASK-0001 > /dev/null 2>&1
  done
  end=$(date +%s%N)
  echo "$b: $(( (end - start) / n / 1000000 )) ms per prove ($n proves)"
done
