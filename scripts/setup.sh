#!/usr/bin/env bash
# Installs what the end-to-end tests and the minios demo need: QEMU
# (qemu-system-x86_64, Debian package qemu-system-x86) and binutils (as, ld).
# Idempotent: installs nothing when the tools are already there.
set -euo pipefail

need=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
if ! command -v as >/dev/null 2>&1 || ! command -v ld >/dev/null 2>&1; then
  need+=(binutils)
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "setup: qemu-system-x86_64, as and ld already installed; nothing to do"
  exit 0
fi

echo "setup: missing packages: ${need[*]}"

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: apt-get not found; install ${need[*]} with your package manager" \
       "(they provide qemu-system-x86_64, as and ld)" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "setup: not root and sudo not found; as root run:" \
         "apt-get update && apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi

echo "setup: running: ${sudo[*]:+${sudo[*]} }apt-get update && ${sudo[*]:+${sudo[*]} }apt-get install -y --no-install-recommends ${need[*]}"
if ! "${sudo[@]}" apt-get update; then
  echo "setup: apt-get update failed; install ${need[*]} by hand" >&2
  exit 1
fi
# Recommends (the GTK front end, OVMF) are not needed for -display none.
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"; then
  echo "setup: apt-get install ${need[*]} failed; install them by hand" >&2
  exit 1
fi

for tool in qemu-system-x86_64 as ld; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "setup: $tool still missing after installing ${need[*]}" >&2
    exit 1
  fi
done
echo "setup: installed ${need[*]}"
