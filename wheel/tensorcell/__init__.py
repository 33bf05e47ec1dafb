"""Tensorcell, a Jupyter kernel for learning deep learning, as installed from its wheel.

The kernel is a native program, `bin/tensorcell` in this package; the libraries it needs
(ZeroMQ, OpenBLAS, cairo and theirs) are beside it in `lib/` and `../tensorcell.libs/`, found
through its run path, never the system's. The `tensorcell` command and `python -m tensorcell`
start that program; the kernelspec in share/jupyter/kernels/tensorcell runs the command.
"""

from __future__ import annotations

import os
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parent
BINARY = PACKAGE / "bin" / "tensorcell"


def exec_binary(arguments: list[str]) -> None:
    """Replaces this process with the kernel program: the same process id, so a front end's
    interrupt signal and a look at /proc reach the kernel itself."""
    os.execv(BINARY, [str(BINARY), *arguments])
