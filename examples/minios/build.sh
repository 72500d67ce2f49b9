#!/usr/bin/env bash
# Builds minios variants from minios.s with binutils:
#   OUTDIR/minios-VARIANT.elf for VARIANT in pass missing fail panic hang linger glued
# Usage: ./build.sh [OUTDIR [VARIANT...]]
#   OUTDIR defaults to build/ next to this script; no VARIANT builds them all.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/build}
shift || true

for tool in as ld; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "minios: '$tool' not found; install binutils (run scripts/setup.sh at the repository root)" >&2
    exit 1
  fi
done

mkdir -p "$out"

# variant name -> assembler switch ("" for the passing image)
all=(pass: missing:MISSING fail:FAIL panic:PANIC hang:HANG linger:LINGER glued:GLUED)

variants=()
if [ $# -eq 0 ]; then
  variants=("${all[@]}")
fi
for want in "$@"; do
  found=
  for v in "${all[@]}"; do
    if [ "${v%%:*}" = "$want" ]; then
      variants+=("$v")
      found=1
    fi
  done
  if [ -z "$found" ]; then
    echo "minios: unknown variant '$want'; known: pass missing fail panic hang linger glued" >&2
    exit 2
  fi
done

for v in "${variants[@]}"; do
  name=${v%%:*}
  sym=${v#*:}
  defsym=()
  if [ -n "$sym" ]; then
    defsym=(--defsym "$sym=1")
  fi
  as --32 --fatal-warnings "${defsym[@]}" -o "$out/minios-$name.o" "$here/minios.s"
  ld -m elf_i386 -T "$here/minios.ld" -z noexecstack --no-warn-rwx-segments --fatal-warnings \
    -o "$out/minios-$name.elf.tmp" "$out/minios-$name.o"
  mv "$out/minios-$name.elf.tmp" "$out/minios-$name.elf"
  rm -f "$out/minios-$name.o"
done

echo "minios: built ${#variants[@]} image(s) in $out"
