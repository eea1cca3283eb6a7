#!/bin/sh
# Installs cronmon's single executable for this machine: picks the build for this system and
# processor (uname), checks it against SHA256SUMS, and installs it as <prefix>/bin/cronmon.
#
#   sh install.sh --from https://…/releases/download/v0.1.0     # a release (URL)
#   sh install.sh --from ./build --prefix "$HOME/.local"        # a directory of built binaries
#
# Options (or their environment variables):
#   --from URL|DIR   CRONMON_FROM    where cronmon-<target> and SHA256SUMS are (default: the
#                                    release this script came with, when it came with one)
#   --prefix DIR     CRONMON_PREFIX  install to DIR/bin/cronmon (default /usr/local)
#   --target NAME    CRONMON_TARGET  linux-x64, linux-arm64, linux-x64-musl, darwin-x64 or
#                                    darwin-arm64, instead of this machine's
set -eu

# A release's copy of this script says where it came from (set when the release is made).
RELEASE_URL=""

from=${CRONMON_FROM:-$RELEASE_URL}
prefix=${CRONMON_PREFIX:-/usr/local}
target=${CRONMON_TARGET:-}

fail() {
  echo "install.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case $1 in
    --from) [ $# -ge 2 ] || fail "--from needs a URL or directory"; from=$2; shift 2 ;;
    --prefix) [ $# -ge 2 ] || fail "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --target) [ $# -ge 2 ] || fail "--target needs a name"; target=$2; shift 2 ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
done
[ -n "$from" ] || fail "say where the binaries are: --from URL|DIR"

# This machine's target. musl (Alpine) has its own Linux x64 build; an x64 shell on an Apple
# processor (Rosetta) gets the native arm64 build.
if [ -z "$target" ]; then
  system=$(uname -s)
  machine=$(uname -m)
  case "$system/$machine" in
    Linux/x86_64 | Linux/amd64)
      if ls /lib/ld-musl-* >/dev/null 2>&1; then target=linux-x64-musl; else target=linux-x64; fi ;;
    Linux/aarch64 | Linux/arm64)
      if ls /lib/ld-musl-* >/dev/null 2>&1; then fail "no build for musl on arm64 (Alpine); use the npm package"; fi
      target=linux-arm64 ;;
    Darwin/arm64) target=darwin-arm64 ;;
    Darwin/x86_64)
      if [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = 1 ]; then target=darwin-arm64; else target=darwin-x64; fi ;;
    *) fail "no build for $system $machine; use the npm package (npm install --global cronmon)" ;;
  esac
fi
case $target in
  linux-x64 | linux-arm64 | linux-x64-musl | darwin-x64 | darwin-arm64) ;;
  *) fail "unknown target $target" ;;
esac
file="cronmon-$target"

work=$(mktemp -d "${TMPDIR:-/tmp}/cronmon-install.XXXXXX")
staged="$prefix/bin/.cronmon.new.$$"
trap 'rm -rf "$work"; rm -f "$staged"' EXIT
trap 'exit 1' INT TERM

# Copies $from/$1 to $work/$1, from a directory or over HTTP(S).
fetch() {
  case $from in
    https://*)
      url="${from%/}/$1"
      if command -v curl >/dev/null 2>&1; then
        curl -fsSL --proto '=https' -o "$work/$1" "$url" || fail "could not download $url"
      elif command -v wget >/dev/null 2>&1; then
        wget -q --https-only -O "$work/$1" "$url" || fail "could not download $url"
      else
        fail "neither curl nor wget is installed"
      fi ;;
    *://*) fail "only https:// URLs: a checksum fetched in the clear proves nothing" ;;
    *)
      [ -f "$from/$1" ] || fail "$from/$1 not found"
      cp "$from/$1" "$work/$1" ;;
  esac
}

fetch SHA256SUMS
fetch "$file"

expected=$(awk -v name="$file" '$2 == name || $2 == "*" name { print $1 }' "$work/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS lists no $file"
if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$work/$file" | awk '{ print $1 }')
elif command -v shasum >/dev/null 2>&1; then
  actual=$(shasum -a 256 "$work/$file" | awk '{ print $1 }')
else
  fail "neither sha256sum nor shasum is installed: cannot check $file"
fi
[ "$actual" = "$expected" ] || fail "$file does not match SHA256SUMS (expected $expected, got $actual): not installed"

# Into place in one step: a cron job starting meanwhile finds the old cronmon or the new one.
mkdir -p "$prefix/bin"
cp "$work/$file" "$staged"
chmod 755 "$staged"
mv -f "$staged" "$prefix/bin/cronmon"
# Another machine's build (--target) does not run here.
version=$("$prefix/bin/cronmon" --version 2>/dev/null) || version=cronmon
echo "installed $version as $prefix/bin/cronmon ($target)"
