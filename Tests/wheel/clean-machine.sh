#!/usr/bin/env bash
# The wheel on a machine that has nothing but Debian's minimal base and python3-venv: no Swift,
# no -dev package, no ZeroMQ, OpenBLAS or cairo. `make test-wheel` runs this as root.
#
#   clean-machine.sh WHEEL NOTEBOOK
#
# A pristine root is made once with debootstrap and kept in build/debian-root; each run copies
# it, installs the wheel and nbclient into a venv there, checks the commands and the kernelspec,
# then runs NOTEBOOK in the copy with Tests/wheel/check_in_root.py (outputs, pictures, and the
# libraries the kernel has mapped). Mounts live in a private namespace and vanish with it.
set -euo pipefail

wheel="$(realpath "$1")"
notebook="$(realpath "$2")"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
pristine="$repo/build/debian-root"
root="$repo/build/clean-machine"
pip_cache="$repo/build/pip-cache"

[ "$(id -u)" -eq 0 ] || { echo "clean-machine.sh: chroot needs root" >&2; exit 1; }
"$repo/Tests/wheel/debian-root.sh" "$pristine"

# The root must really lack what the kernel would otherwise find on the system.
for library in libzmq.so.5 libopenblas.so.0 libcairo.so.2 libfontconfig.so.1 libX11.so.6; do
    if chroot "$pristine" /sbin/ldconfig -p | grep -q "$library"; then
        echo "clean-machine.sh: the base root has $library; it is not a clean machine" >&2
        exit 1
    fi
done
if chroot "$pristine" sh -c 'command -v swift' >/dev/null; then
    echo "clean-machine.sh: the base root has Swift" >&2
    exit 1
fi

rm -rf "$root"
cp -a "$pristine" "$root"
mkdir -p "$pip_cache" "$root/root/.cache/pip" "$root/work"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# pip reaches PyPI as this machine does: with its certificate authorities (a proxy on the way
# may sign with its own), its index and its proxy, if it has them.
ca="${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}"
pass_through=()
if [ -f "$ca" ]; then
    cp "$ca" "$root/work/ca-certificates.crt"
    pass_through+=(PIP_CERT=/work/ca-certificates.crt)
fi
for name in PIP_INDEX_URL PIP_EXTRA_INDEX_URL http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    if [ -n "${!name:-}" ]; then pass_through+=("$name=${!name}"); fi
done
cp "$wheel" "$root/work/"
cp "$notebook" "$repo/Tests/wheel/check_in_root.py" "$root/work/"

unshare --mount --propagation private bash -euo pipefail -s "$root" "$pip_cache" "$(basename "$wheel")" \
    "$(basename "$notebook")" "${pass_through[@]}" <<'INSIDE'
root="$1"; pip_cache="$2"; wheel="$3"; notebook="$4"; shift 4
pass_through=("$@")
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind "$pip_cache" "$root/root/.cache/pip"
in_root() { chroot "$root" env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 "${pass_through[@]}" "$@"; }

in_root python3 -m venv /opt/venv
in_root /opt/venv/bin/pip install -q --disable-pip-version-check "/work/$wheel" nbclient
echo "clean machine: $(in_root /opt/venv/bin/tensorcell --version) (tensorcell --version)"
in_root /opt/venv/bin/python -m tensorcell --version >/dev/null
in_root /opt/venv/bin/jupyter kernelspec list
in_root /opt/venv/bin/jupyter kernelspec list | grep -q '^ *tensorcell *[^ ]*/opt/venv/share/jupyter/kernels/tensorcell$'
in_root sh -c "cd /work && /opt/venv/bin/python check_in_root.py $notebook"
INSIDE
# The mounts went with their namespace; never delete through one that stayed.
if grep -q " $root/" /proc/self/mounts; then
    echo "clean-machine.sh: something is still mounted under $root; leaving it" >&2
    exit 1
fi
rm -rf "$root"
