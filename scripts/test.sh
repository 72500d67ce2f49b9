#!/usr/bin/env bash
# The project's test command: what the README tells you to run and what CI
# runs (.ci/run calls exactly this). It installs what the tests need (QEMU,
# binutils), checks formatting and vet, runs every test with the race
# detector where goroutines live, and fails when no test ran.
#
# With CI=true the QEMU, browser and shell-completion tests are mandatory:
# a missing QEMU, Chromium, zsh or fish is a failure, not a skip
# (TASKPROOF_REQUIRE_QEMU=1, TASKPROOF_REQUIRE_BROWSER=1,
# TASKPROOF_REQUIRE_SHELLS=1).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${CI:-}" = "true" ]; then
  export TASKPROOF_REQUIRE_QEMU=1
  export TASKPROOF_REQUIRE_BROWSER=1
  export TASKPROOF_REQUIRE_SHELLS=1
fi

bash scripts/setup.sh

# The live cargo test checks our parser against a real cargo run; it runs
# wherever cargo is installed (it is optional on a machine with only Go).
if command -v cargo >/dev/null 2>&1; then
  export TASKPROOF_LIVE_RUNNERS=1
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change these files (run: gofmt -w <file>):" >&2
  echo "$unformatted" >&2
  exit 1
fi

echo "== go vet"
go vet ./...

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== go test (race detector on packages that run goroutines)"
race_pkgs=$(go list ./internal/harness/... ./internal/ledger/... ./internal/proofrun/... ./internal/prove/... ./internal/verify/... ./internal/live/... ./internal/contract/... 2>/dev/null || true)
if [ -n "$race_pkgs" ]; then
  go test -race -count=1 $race_pkgs
fi
# The dashboard's server and live streams; its browser tests drive an
# external Chromium and run once, below.
go test -race -count=1 -skip 'TestBrowser|TestChromium' ./internal/web/

echo "== go test ./..."
status=0
# cmd/taskproof boots QEMU many times; on a loaded 2-core machine it
# needs more than go test's default 10 minutes.
go test -count=1 -timeout 20m -json ./... > "$out/test.json" || status=$?

# Summarise from the JSON stream: one line per failed test, then totals.
passed=$(grep -c '"Action":"pass","Package":"[^"]*","Test"' "$out/test.json" || true)
failed=$(grep -c '"Action":"fail","Package":"[^"]*","Test"' "$out/test.json" || true)
skipped=$(grep -c '"Action":"skip","Package":"[^"]*","Test"' "$out/test.json" || true)
grep '"Action":"output"' "$out/test.json" | grep -E '^\{[^}]*"Output":"(ok |FAIL|--- FAIL|panic)' \
  | sed -E 's/.*"Output":"(.*)"\}$/\1/; s/\\n$//; s/\\t/\t/g' || true
if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ]; then
  echo "failing test output:" >&2
  grep '"Action":"output"' "$out/test.json" | grep -E '"Test"' \
    | sed -E 's/.*"Output":"(.*)"\}$/\1/; s/\\n$//; s/\\t/\t/g' | grep -E -- '--- FAIL|_test.go:[0-9]+' | head -100 >&2 || true
fi
if [ "${CI:-}" = "true" ]; then
  # In CI a skipped QEMU or browser test is a failure: the tests themselves
  # fail when TASKPROOF_REQUIRE_QEMU=1 / TASKPROOF_REQUIRE_BROWSER=1, this
  # is a second guard that counts them.
  qemu_skips=$(grep '"Action":"skip"' "$out/test.json" | grep -ci '"Test":"[^"]*qemu' || true)
  if [ "$qemu_skips" -gt 0 ]; then
    echo "CI: $qemu_skips QEMU test(s) skipped; QEMU tests are mandatory in CI" >&2
    status=1
  fi
  browser_skips=$(grep '"Action":"skip"' "$out/test.json" | grep -ci '"Test":"[^"]*browser' || true)
  if [ "$browser_skips" -gt 0 ]; then
    echo "CI: $browser_skips browser test(s) skipped; browser tests are mandatory in CI" >&2
    status=1
  fi
fi
if [ "$status" -eq 0 ]; then
  # The README's first command must work too: run the demo end to end.
  echo "== demo (scripts/demo.sh)"
  if ! bash scripts/demo.sh > "$out/demo.log" 2>&1; then
    echo "scripts/demo.sh failed:" >&2
    tail -40 "$out/demo.log" >&2
    status=1
  else
    tail -1 "$out/demo.log"
  fi
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
# Name the skipped tests: a skip is a test that proved nothing.
grep '"Action":"skip","Package":"[^"]*","Test"' "$out/test.json" \
  | sed -E 's/.*"Package":"([^"]*)","Test":"([^"]*)".*/  skipped: \1 \2/' || true
if [ "$passed" -eq 0 ]; then
  echo "no test ran: that is a failure" >&2
  exit 1
fi
exit "$status"
