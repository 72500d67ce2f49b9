#!/usr/bin/env bash
# Installs what the end-to-end tests and the minios demo need: QEMU
# (qemu-system-x86_64, Debian package qemu-system-x86), binutils (as, ld)
# and busybox-static (the Linux boot test's initramfs), and caches Debian's
# linux-image kernel for that test: the vmlinuz alone, taken out of the
# package with apt-get download and dpkg-deb into
# ${TASKPROOF_CACHE:-${XDG_CACHE_HOME:-~/.cache}/taskproof}/linux/vmlinuz
# (no kernel package is installed, so no initramfs is generated).
# Idempotent: installs and downloads nothing when everything is there.
set -euo pipefail

need=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
if ! command -v as >/dev/null 2>&1 || ! command -v ld >/dev/null 2>&1; then
  need+=(binutils)
fi
# A static busybox: Debian's busybox-static (the dynamic busybox cannot run
# as an initramfs's only program).
static_busybox() {
  for b in /bin/busybox /usr/bin/busybox; do
    if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then
      return 0
    fi
  done
  return 1
}
static_busybox || need+=(busybox-static)
# xmllint validates the JUnit files against the Jenkins schema in tests.
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
# Headless Chromium for the dashboard's browser tests, and a font so text
# in their screenshots shows.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
# zsh and fish load the completion scripts in tests, as a user's shell does.
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)

cache=${TASKPROOF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/taskproof}
kernel=$cache/linux/vmlinuz

sudo=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
fi

# cache_kernel downloads the kernel package linux-image-amd64 depends on
# and keeps only its vmlinuz.
cache_kernel() {
  if [ -s "$kernel" ]; then
    echo "setup: kernel cached at $kernel"
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
    echo "setup: apt-get or dpkg-deb not found; put a Debian x86-64 kernel at $kernel" \
         "(or set TASKPROOF_LINUX_KERNEL) for the Linux boot test" >&2
    return 1
  fi
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}' || true)
  if [ -z "$pkg" ]; then
    "${sudo[@]}" apt-get update >/dev/null
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}' || true)
  fi
  if [ -z "$pkg" ]; then
    echo "setup: apt knows no linux-image-amd64; put a Debian x86-64 kernel at $kernel" >&2
    return 1
  fi
  echo "setup: caching the kernel of $pkg at $kernel"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  chmod 755 "$tmp" # apt-get download runs as _apt where it can
  if ! (cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1); then
    echo "setup: apt-get download $pkg failed; put a Debian x86-64 kernel at $kernel" >&2
    return 1
  fi
  mkdir -p "$tmp/x" "$(dirname "$kernel")"
  dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp/x" --wildcards './boot/vmlinuz-*'
  cp "$tmp"/x/boot/vmlinuz-* "$kernel.tmp"
  mv "$kernel.tmp" "$kernel"
  echo "setup: cached $(basename "$tmp"/x/boot/vmlinuz-*) at $kernel"
}

if [ ${#need[@]} -eq 0 ]; then
  echo "setup: qemu-system-x86_64, as, ld, chromium, xmllint, zsh, fish and a static busybox already installed"
  cache_kernel
  exit 0
fi

echo "setup: missing packages: ${need[*]}"

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: apt-get not found; install ${need[*]} with your package manager" \
       "(they provide qemu-system-x86_64, as and ld)" >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ] && [ ${#sudo[@]} -eq 0 ]; then
  echo "setup: not root and sudo not found; as root run:" \
       "apt-get update && apt-get install -y ${need[*]}" >&2
  exit 1
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

for tool in qemu-system-x86_64 as ld chromium xmllint zsh fish; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "setup: $tool still missing after installing ${need[*]}" >&2
    exit 1
  fi
done
if ! static_busybox; then
  echo "setup: no static busybox after installing ${need[*]}" >&2
  exit 1
fi
echo "setup: installed ${need[*]}"
cache_kernel
