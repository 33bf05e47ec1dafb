"""Runs a course notebook on a clean machine with the Tensorcell installed from the wheel, and
checks what it shows and what the kernel loaded. Run inside the root by clean-machine.sh:

    /opt/venv/bin/python check_in_root.py NOTEBOOK

- Every code cell runs without an error (cells tagged raises-exception may show one).
- Its text outputs equal the committed notebook's, and it draws as many pictures, each a PNG
  of the size the committed one has: the wheel's OpenBLAS, cairo and font do the work the
  build machine's did.
- The kernel process maps no shared library from outside the venv except the base system's
  C and C++ runtimes, zlib and expat, and it maps ZeroMQ, OpenBLAS, cairo and the font from
  the venv (/proc/PID/maps, read while the kernel still runs).
"""

from __future__ import annotations

import base64
import copy
import os
import pathlib
import re
import struct
import sys

import nbformat
from nbclient import NotebookClient

VENV = pathlib.Path(sys.prefix).resolve()
BASE_SYSTEM = re.compile(
    r"^(ld-linux.*|libc|libm|libmvec|libdl|librt|libpthread|libresolv|libutil|libnsl|libanl"
    r"|libgcc_s|libstdc\+\+|libz|libexpat)\.so(\.\d+)*$"
)
# Must be mapped from the venv once a chart is drawn and a matrix multiplied.
FROM_THE_WHEEL = ["libzmq", "libopenblas", "libcairo", "libfontconfig", "libfreetype", "DejaVuSans"]


def png_size(data: str) -> tuple[int, int]:
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", raw[16:24])


def shown(cell) -> list:
    """What a cell shows, in a form to compare: text as is, PNGs by size."""
    out = []
    for output in cell.get("outputs", []):
        kind = output["output_type"]
        if kind == "stream":
            out.append((kind, output["name"], output["text"]))
        elif kind in ("display_data", "execute_result"):
            data = output.get("data", {})
            out.append((kind, data.get("text/plain"), png_size(data["image/png"]) if "image/png" in data else None))
        elif kind == "error":
            out.append((kind, output["ename"], output["evalue"]))
    return out


def mapped_files(pid: int) -> set[str]:
    files = set()
    for line in pathlib.Path(f"/proc/{pid}/maps").read_text().splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and parts[5].startswith("/"):
            files.add(parts[5])
    return files


def main(path: str) -> int:
    committed = nbformat.read(path, as_version=4)
    nb = copy.deepcopy(committed)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(
        nb, kernel_name="tensorcell", timeout=600, startup_timeout=60, record_timing=False,
        resources={"metadata": {"path": str(pathlib.Path(path).resolve().parent)}},
    )
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        pid = client.km.provisioner.process.pid
        executable = os.path.realpath(f"/proc/{pid}/exe")
        files = mapped_files(pid)

    problems = []
    for index, (ran, saved) in enumerate(zip(nb.cells, committed.cells)):
        if ran.cell_type == "code" and shown(ran) != shown(saved):
            problems.append(f"cell {index} shows\n  {shown(ran)}\nwhere the committed notebook shows\n  {shown(saved)}")
    pictures = sum(1 for cell in nb.cells for o in cell.get("outputs", []) if "image/png" in o.get("data", {}))
    if pictures == 0:
        problems.append("the notebook drew no picture")

    if not executable.startswith(str(VENV) + "/"):
        problems.append(f"the kernel runs {executable}, not the venv's binary")
    outside = sorted(
        f for f in files
        if not f.startswith(str(VENV) + "/") and (".so" in f or f.endswith((".ttf", ".otf")))
        and not BASE_SYSTEM.match(os.path.basename(f))
    )
    if outside:
        problems.append("the kernel maps libraries from outside the venv:\n  " + "\n  ".join(outside))
    for name in FROM_THE_WHEEL:
        if not any(os.path.basename(f).startswith(name) and f.startswith(str(VENV) + "/") for f in files):
            problems.append(f"the kernel did not map {name} from the venv")

    print(f"{path}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells, {pictures} pictures; "
          f"kernel {executable} maps {len(files)} files")
    for f in sorted(files):
        print("  " + f)
    if problems:
        print("FAILED:\n" + "\n".join(problems))
        return 1
    print("ok: the wheel's kernel ran the notebook on a clean machine")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
