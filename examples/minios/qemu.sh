#!/usr/bin/env bash
# Boots one minios variant in QEMU with its console on stdout.
# Usage: ./qemu.sh VARIANT   (pass missing fail panic hang linger glued)
#
# Images come from build/ next to this script, or from $MINIOS_BUILD when set
# (the end-to-end tests build into a temporary directory). A missing image is
# built first.
#
# Exit status: 0 when the guest wrote EXIT_SUCCESS to isa-debug-exit (QEMU
# status 33); QEMU's own status otherwise. QEMU exiting 0 means the guest
# reset (e.g. a triple fault under -no-reboot) without reporting: that is a
# failure too, reported as 1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
variant=${1:-}
case "$variant" in
  pass|missing|fail|panic|hang|linger|glued) ;;
  *)
    echo "usage: $0 pass|missing|fail|panic|hang|linger|glued" >&2
    exit 2
    ;;
esac

build=${MINIOS_BUILD:-$here/build}
image=$build/minios-$variant.elf
if [ ! -f "$image" ]; then
  "$here/build.sh" "$build" "$variant" >&2
fi

if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
  echo "minios: qemu-system-x86_64 not found; run scripts/setup.sh at the repository root" >&2
  exit 3
fi

# -machine graphics=off makes SeaBIOS and iPXE print their banners (with
# ANSI escape sequences) on the serial console before the guest runs: the
# real noise a console verifier has to survive.
# Not exec: the status mapping below needs the shell. The harness ends the
# whole process group, so QEMU never outlives this script.
status=0
qemu-system-x86_64 \
  -kernel "$image" \
  -m 64M \
  -serial stdio \
  -display none \
  -monitor none \
  -no-reboot \
  -machine graphics=off \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  </dev/null || status=$?

case "$status" in
  33) exit 0 ;;
  0)
    echo "minios: QEMU exited 0: the guest reset without reporting through isa-debug-exit" >&2
    exit 1
    ;;
  *) exit "$status" ;;
esac
