#!/usr/bin/env bash
# Proving at scale: one `taskproof prove --all -j 2` against proving the
# same tasks one by one (each task booting its own QEMU, as upstream's
# workflow does), in one run on one generated repository, and the no-op
# second `prove --all`.
#
# Usage: bash bench/prove-all.sh [TASKS]   (default 120 tasks; 6 QEMU runs)
# Prints one-by-one-s, all-s, speedup (their ratio), the boots each made,
# and noop-s. Needs QEMU and binutils (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export MANY_TASKS=${1:-120}
go test ./cmd/taskproof -run '^$' -bench '^BenchmarkProveAll$' -benchtime 1x -timeout 60m
