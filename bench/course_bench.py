#!/usr/bin/env python3
"""The `course` workload: every notebook in notebooks/ run top to bottom with nbclient, as a
learner's front end runs it, each in a fresh kernel.

Figures (one JSON line, "name": "course"):
- seconds: total wall time of all the notebooks, kernel starts included;
- kernel_seconds: time spent inside the kernel running cells (from `execute_request` arriving to
  the cell's end), summed from each `execute_reply`'s metadata (`tensorcell.cell_ms`);
- drawing_seconds: the part of that spent drawing charts and pictures to SVG and PNG
  (`tensorcell.drawing_ms`);
- kernel_share, drawing_share: those two over `seconds`; the rest is kernel starts, messages and
  the front end's own work;
- notebooks, cells: how many ran.

The median of `--runs` runs of the whole course (default 3), with the spread (min and max of
`seconds`). There is no peer: the figure is one to hold from now on.

Usage: python bench/course_bench.py [--runs 3] [NOTEBOOK ...]
"""

import argparse
import asyncio
import importlib.util
import json
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

REPO = pathlib.Path(__file__).resolve().parents[1]


def load_notebook_runner():
    """Tests/notebooks/execute.py: the kernelspec set-up and the cells nbclient runs."""
    spec = importlib.util.spec_from_file_location("notebook_runner", REPO / "Tests" / "notebooks" / "execute.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def run_notebook(path, timeout):
    """Runs one notebook in a fresh kernel; returns (wall seconds, cells, kernel ms, drawing ms)."""
    nb = nbformat.read(path, as_version=4)
    totals = {"cells": 0, "cell_ms": 0.0, "drawing_ms": 0.0}

    def on_cell_executed(cell, cell_index, execute_reply):
        timing = (execute_reply or {}).get("metadata", {}).get("tensorcell", {})
        totals["cells"] += 1
        totals["cell_ms"] += float(timing.get("cell_ms", 0.0))
        totals["drawing_ms"] += float(timing.get("drawing_ms", 0.0))

    client = NotebookClient(
        nb,
        kernel_name=nb.metadata.get("kernelspec", {}).get("name") or "tensorcell",
        timeout=timeout,
        startup_timeout=60,
        allow_errors=True,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_executed=on_cell_executed,
    )
    started = time.perf_counter()
    asyncio.run(client.async_execute(cleanup_kc=True))
    seconds = time.perf_counter() - started
    return seconds, totals["cells"], totals["cell_ms"], totals["drawing_ms"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600, help="seconds a cell may take")
    parser.add_argument("notebooks", nargs="*")
    arguments = parser.parse_args()
    runner = load_notebook_runner()
    paths = runner.notebook_paths(arguments.notebooks)
    if not paths:
        raise SystemExit("no notebooks to run")
    runs = []
    with runner.tensorcell_kernelspec():
        for _ in range(arguments.runs):
            run = {"seconds": 0.0, "cells": 0, "kernel": 0.0, "drawing": 0.0}
            for path in paths:
                seconds, cells, cell_ms, drawing_ms = run_notebook(path, arguments.timeout)
                run["seconds"] += seconds
                run["cells"] += cells
                run["kernel"] += cell_ms / 1000
                run["drawing"] += drawing_ms / 1000
                print(f"{path.name}: {seconds:.2f} s, kernel {cell_ms / 1000:.2f} s, drawing {drawing_ms / 1000:.2f} s",
                      file=sys.stderr)
            runs.append(run)
    runs.sort(key=lambda r: r["seconds"])
    middle = runs[len(runs) // 2]
    result = {
        "name": "course", "impl": "tensorcell",
        "seconds": round(middle["seconds"], 2),
        "seconds_min": round(runs[0]["seconds"], 2), "seconds_max": round(runs[-1]["seconds"], 2),
        "kernel_seconds": round(middle["kernel"], 2), "drawing_seconds": round(middle["drawing"], 2),
        "kernel_share": round(middle["kernel"] / middle["seconds"], 3),
        "drawing_share": round(middle["drawing"] / middle["seconds"], 3),
        "notebooks": len(paths), "cells": middle["cells"], "runs": len(runs),
    }
    if middle["kernel"] == 0:
        print("the kernel reported no cell timings (execute_reply metadata has no tensorcell.cell_ms)", file=sys.stderr)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
