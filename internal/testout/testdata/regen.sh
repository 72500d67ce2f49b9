#!/bin/sh
# Regenerates the captured runner outputs in inputs/ by running the real
# runners on the fixtures next to this script. The captures are committed:
# the parser tests read them, they never run go or cargo themselves.
# Usage: sh internal/testout/testdata/regen.sh   (then go test ./internal/testout -update)
set -u
here=$(cd "$(dirname "$0")" && pwd)
out="$here/inputs"
mkdir -p "$out"

# Go: the fixture module is under testdata/, so the main module's ./... skips it.
cd "$here/gofixture" || exit 1
export GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=mod
go test -json -count=1 -timeout=3s ./... >"$out/gotest_all.json" 2>/dev/null
go test -json -count=1 -run 'TestAdd$|TestSkipped|TestParallel' ./calc >"$out/gotest_pass.json" 2>/dev/null
go test -json -count=2 -run 'TestAdd$|TestAddWrong' ./calc >"$out/gotest_count2.json" 2>/dev/null
go test -json -count=1 ./empty >"$out/gotest_empty.json" 2>/dev/null
go test -json -count=1 -run NoSuchTest ./calc >"$out/gotest_nomatch.json" 2>/dev/null

# Cargo: offline, no dependencies; the target dir stays out of the tree.
cd "$here/cargofixture" || exit 1
export CARGO_TARGET_DIR="${TMPDIR:-/tmp}/taskproof-cargofixture-target" CARGO_NET_OFFLINE=true
cargo build --tests --quiet 2>/dev/null
RUST_BACKTRACE=1 cargo test --no-fail-fast >"$out/cargo_nofailfast.txt" 2>&1
RUST_BACKTRACE=0 cargo test >"$out/cargo_failfast.txt" 2>&1
RUST_BACKTRACE=0 cargo test --test integration >"$out/cargo_pass.txt" 2>&1
RUST_BACKTRACE=0 cargo test test_reject >"$out/cargo_filter.txt" 2>&1
# stdout only: no "Running" headers, and the aborted binary's tail is lost.
RUST_BACKTRACE=0 cargo test --test crash >"$out/cargo_crash_stdout.txt" 2>/dev/null
RUST_BACKTRACE=0 cargo test --test empty >"$out/cargo_empty.txt" 2>&1
exit 0
