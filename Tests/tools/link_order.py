#!/usr/bin/env python3
"""Writes Sources/tensorcell/link-order.txt: the functions the kernel runs, for the linker to lay
out together.

The release build gives each function a section of its own (Package.swift), and the linker places
the sections this file names side by side (gold's --section-ordering-file). The system maps a
program's code in 64 KB windows around each page it first touches, so code spread over the whole
binary makes the kernel resident in most of it; laid out together, the code a kernel runs to start
and answer cells sits in a few windows.

The functions come from running the release kernel under valgrind's callgrind, driven through
jupyter_client as a front end drives it:

1. start, kernel_info, then 20 trivial cells (what an idle kernel has run): listed first;
2. every code cell of the course notebooks named by --notebook (by default 02 and 03: tensors, a
   neuron, its training, charts): listed after, those not already listed.

callgrind counts the calls of every function run, whatever its cost, so nothing a cell runs once
is missed. Only names the binary defines are kept. Run it again (`make link-order`) when much of
the code has changed; a name that no longer exists is skipped by the linker.

Usage: link_order.py [--binary PATH] [--notebook NOTEBOOK ...] [--output PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

import nbformat
from jupyter_client.manager import KernelManager

REPO = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = REPO / "Sources" / "tensorcell" / "link-order.txt"
DEFAULT_NOTEBOOKS = ["02-tensors.ipynb", "03-the-neuron.ipynb"]
# Under valgrind a cell runs 20 to 50 times slower.
TIMEOUT = 600


def run_cells(client, cells: list[str]) -> None:
    for number, code in enumerate(cells, 1):
        print(f"  cell {number} of {len(cells)}: {code.splitlines()[0][:60]}", file=sys.stderr, flush=True)
        msg_id = client.execute(code)
        while True:
            reply = client.get_shell_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        while True:
            message = client.get_iopub_msg(timeout=TIMEOUT)
            if (message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "status"
                    and message["content"]["execution_state"] == "idle"):
                break


def profile(binary: pathlib.Path, cells: list[str], work: pathlib.Path, name: str) -> list[str]:
    """The functions (symbol names, first seen first) that a kernel running `cells` called."""
    prefix = work / f"prefix-{name}"
    subprocess.run([str(binary), "install", "--prefix", str(prefix)], check=True, capture_output=True)
    spec_path = prefix / "share" / "jupyter" / "kernels" / "tensorcell" / "kernel.json"
    spec = json.loads(spec_path.read_text())
    out = work / f"callgrind-{name}.out"
    spec["argv"] = ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}"] + spec["argv"]
    # valgrind 3.19 has no AVX-512: OpenBLAS is told to take its AVX2 kernels.
    spec["env"] = {**spec.get("env", {}), "OPENBLAS_CORETYPE": "Haswell"}
    spec_path.write_text(json.dumps(spec))
    os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    manager = KernelManager(kernel_name="tensorcell")
    manager.start_kernel(cwd=str(REPO / "notebooks"))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=TIMEOUT)
        run_cells(client, cells)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)
    for _ in range(100):  # callgrind writes its file as the process ends
        if out.exists() and out.stat().st_size > 0:
            break
        time.sleep(0.2)
    names, seen = [], set()
    with open(out, errors="replace") as profile_file:
        for line in profile_file:
            match = re.match(r"c?fn=\(\d+\) (.+)$", line.rstrip("\n"))
            if match and match.group(1) not in seen:
                seen.add(match.group(1))
                names.append(match.group(1))
    return names


def defined_functions(binary: pathlib.Path) -> set[str]:
    listing = subprocess.run(["nm", "--defined-only", str(binary)], check=True, capture_output=True, text=True).stdout
    return {parts[2] for parts in (line.split() for line in listing.splitlines())
            if len(parts) == 3 and parts[1] in "tTwW"}


def notebook_cells(paths: list[pathlib.Path]) -> list[str]:
    cells = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        cells += [cell.source for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", type=pathlib.Path, default=REPO / ".build" / "release" / "tensorcell")
    parser.add_argument("--notebook", action="append", type=pathlib.Path)
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT)
    arguments = parser.parse_args()
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is needed (Debian: valgrind)")
    notebooks = arguments.notebook or [REPO / "notebooks" / name for name in DEFAULT_NOTEBOOKS]

    with tempfile.TemporaryDirectory(prefix="tensorcell-link-order-") as folder:
        work = pathlib.Path(folder)
        # valgrind reads symbols, not the debug information, which its 3.19 cannot read from
        # this toolchain's output; a copy without it keeps the symbols. The copy sits beside the
        # original so that it opens the same libraries from the same place.
        binary = arguments.binary.resolve()
        plain = binary.with_name(f"{binary.name}-link-order-{os.getpid()}")
        subprocess.run(["strip", "--strip-debug", "-o", str(plain), str(binary)], check=True)
        try:
            idle = profile(plain, ["1"] * 20, work, "idle")
            cells = profile(plain, notebook_cells(notebooks), work, "cells")
        finally:
            plain.unlink(missing_ok=True)

    defined = defined_functions(binary)
    ordered, seen = [], set()
    for name in idle + cells:
        if name in defined and name not in seen:
            seen.add(name)
            ordered.append(name)
    arguments.output.write_text("".join(f".text.{name}\n" for name in ordered))
    print(f"{len(ordered)} functions ({sum(1 for n in idle if n in defined)} from start and idle cells) "
          f"written to {arguments.output}; the next release build links with it once the binary is "
          "relinked (remove the binary, or change a source)", file=sys.stderr)


if __name__ == "__main__":
    main()
