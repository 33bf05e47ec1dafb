#!/usr/bin/env bash
# Makes a minimal Debian root (debootstrap's minbase plus python3-venv, nothing else) at $1,
# for installing the wheel where no Swift, no -dev package and none of the kernel's libraries
# are present. The release and the mirror are this machine's own (/etc/os-release and apt's
# sources). A finished root is kept and reused: it is marked complete only at the very end.
set -euo pipefail

root="$1"
if [ -f "$root/.complete" ]; then
    exit 0
fi
command -v debootstrap >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
}

# shellcheck source=/dev/null
. /etc/os-release
suite="${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}"
# The first Debian archive apt is configured with (deb822 "URIs:" or one-line "deb URI suite").
mirror="$(
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
        awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i } /^deb / { print ($2 ~ /^\[/) ? $3 : $2 }' |
        grep -v -- '-security' | head -n 1 || true
)"
[ -n "$mirror" ] || { echo "debian-root: apt names no Debian archive to build the root from" >&2; exit 1; }

partial="$root.partial"
rm -rf "$partial"
mkdir -p "$(dirname "$root")"
echo "debian-root: debootstrap --variant=minbase --include=python3-venv $suite from $mirror"
debootstrap --variant=minbase --include=python3-venv "$suite" "$partial" "$mirror" >"$partial.log" 2>&1 || {
    tail -n 30 "$partial.log" >&2
    exit 1
}
rm -f "$partial.log"
rm -rf "$root"
mv "$partial" "$root"
touch "$root/.complete"
