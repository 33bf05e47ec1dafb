#!/usr/bin/env python3
"""Runs the teaching notebooks against the Tensorcell kernel, the way `make notebooks` and the
notebook tests do.

    execute.py [NOTEBOOK ...]             run each notebook on a copy, report errors
    execute.py --in-place [NOTEBOOK ...]  run each notebook and save it with its outputs
    execute.py --check [NOTEBOOK ...]     run nothing: check that every notebook was saved executed

With no NOTEBOOK, every notebooks/*.ipynb of the repository. The kernel is the binary named by
TENSORCELL_BIN, else the release build; its kernelspec is installed into a temporary folder that
Jupyter is pointed at, so nothing installed elsewhere is used. Each notebook runs in a fresh
kernel, whose random stream starts from the same seed, with one BLAS thread, so that running a
notebook twice gives the same outputs.

An error output, or a stderr stream with "Error" in it, is a failure, except in a cell tagged
`raises-exception` (nbclient's tag for a cell that shows an error on purpose).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

REPO = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
KERNEL_NAME = "tensorcell"
# Seconds a whole notebook may take; each is meant to take a minute or two at most.
DEFAULT_TIMEOUT = float(os.environ.get("TENSORCELL_NOTEBOOK_TIMEOUT", "300"))
ALLOW_ERRORS_TAG = "raises-exception"


def tensorcell_binary() -> pathlib.Path:
    """TENSORCELL_BIN, else the release build."""
    named = os.environ.get("TENSORCELL_BIN")
    binary = pathlib.Path(named) if named else REPO / ".build" / "release" / "tensorcell"
    if not binary.is_file():
        raise SystemExit(f"no tensorcell binary at {binary}: run `make build` or set TENSORCELL_BIN")
    return binary.resolve()


def notebook_paths(arguments: list[str]) -> list[pathlib.Path]:
    """The notebooks named, or every notebooks/*.ipynb, sorted."""
    if arguments:
        return [pathlib.Path(a).resolve() for a in arguments]
    return sorted(NOTEBOOKS.glob("*.ipynb"))


@contextlib.contextmanager
def tensorcell_kernelspec(binary: pathlib.Path | None = None):
    """Installs the kernelspec for `binary` into a temporary prefix that Jupyter looks in first.

    Also fixes the environment the kernel inherits so that its outputs are reproducible.
    """
    binary = binary or tensorcell_binary()
    saved = {name: os.environ.get(name) for name in ("JUPYTER_PATH", "OPENBLAS_NUM_THREADS")}
    with tempfile.TemporaryDirectory(prefix="tensorcell-kernelspec-") as prefix:
        subprocess.run([str(binary), "install", "--prefix", prefix], check=True, capture_output=True)
        data = str(pathlib.Path(prefix) / "share" / "jupyter")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (data, saved["JUPYTER_PATH"]) if p)
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
        try:
            yield pathlib.Path(data)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@dataclass
class Problem:
    cell: int  # index among all cells, from 0
    text: str

    def __str__(self) -> str:
        return f"cell {self.cell}: {self.text}"


@dataclass
class Result:
    path: pathlib.Path
    notebook: nbformat.NotebookNode
    seconds: float
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def code_cells(nb: nbformat.NotebookNode):
    """(index, cell) for each code cell that nbclient runs: not empty, not tagged skip-execution."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if "skip-execution" in cell.get("metadata", {}).get("tags", []):
            continue
        yield index, cell


def error_outputs(nb: nbformat.NotebookNode) -> list[Problem]:
    """Every error output, and every stderr stream that says "Error", outside cells that expect one."""
    problems = []
    for index, cell in code_cells(nb):
        if ALLOW_ERRORS_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                traceback = "\n".join(output.get("traceback", [])) or f"{output.get('ename')}: {output.get('evalue')}"
                problems.append(Problem(index, f"error output\n{indent(traceback)}\nin:\n{indent(cell.source)}"))
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                if "Error" in output.get("text", ""):
                    problems.append(Problem(index, f"stderr says Error\n{indent(output['text'])}"))
    return problems


def unexecuted_cells(nb: nbformat.NotebookNode) -> list[Problem]:
    """Problems with a notebook as saved: code cells never run, or run out of order, or no output."""
    problems = []
    expected = 1
    cells = list(code_cells(nb))
    for index, cell in cells:
        count = cell.get("execution_count")
        if count is None:
            problems.append(Problem(index, "never executed (no execution_count): run `make notebooks`"))
        elif count != expected:
            problems.append(
                Problem(index, f"execution_count {count} where a top-to-bottom run gives {expected}: run `make notebooks`")
            )
        expected += 1
    if cells and not any(cell.get("outputs") for _, cell in cells):
        problems.append(Problem(cells[0][0], "no cell has an output: run `make notebooks`"))
    return problems


def indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").splitlines())


async def _execute(nb: nbformat.NotebookNode, workdir: pathlib.Path, timeout: float) -> None:
    kernel_name = nb.metadata.get("kernelspec", {}).get("name") or KERNEL_NAME
    client = NotebookClient(
        nb,
        kernel_name=kernel_name,
        timeout=timeout + 60,  # per cell: a safety net; the notebook's own bound comes first, below
        startup_timeout=60,
        allow_errors=True,  # collect every error, then judge them all
        record_timing=False,  # no timestamps: a rerun leaves an unchanged notebook unchanged
        # No widget models in the notebook's metadata: a playground's state (its controls and
        # every picture it drew) would weigh hundreds of kilobytes a playground. Each widget's
        # output carries its own picture and text, which readers without a kernel show.
        store_widget_state=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    await asyncio.wait_for(client.async_execute(cleanup_kc=True), timeout)


def execute(path: pathlib.Path, timeout: float = DEFAULT_TIMEOUT) -> Result:
    """Runs the notebook at `path` from a clean state (outputs dropped first) and judges its outputs.

    The file is not written; the executed notebook is in the result.
    """
    nb = nbformat.read(path, as_version=4)
    for _, cell in code_cells(nb):
        cell.outputs = []
        cell.execution_count = None
    started = time.monotonic()
    problems: list[Problem] = []
    try:
        asyncio.run(_execute(nb, path.parent, timeout))
    except Exception as error:
        # Past the deadline nbclient turns the cancellation into DeadKernelError: it is the timeout.
        if isinstance(error, (TimeoutError, CellTimeoutError)) or time.monotonic() - started >= timeout:
            problems.append(Problem(-1, f"did not finish within {timeout:g} s"))
        else:  # a kernel that died or never started
            problems.append(Problem(-1, f"{type(error).__name__}: {error}"))
    seconds = time.monotonic() - started
    drop_widget_views(nb)
    problems += error_outputs(nb)
    ran = list(code_cells(nb))
    if ran and not any(cell.get("outputs") for _, cell in ran):
        problems.append(Problem(ran[0][0], "no cell produced any output"))
    return Result(path, nb, seconds, problems)


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def drop_widget_views(nb: nbformat.NotebookNode) -> None:
    """Removes widget views from the outputs, keeping what each output carries beside them.

    The widget models are not saved (`store_widget_state=False`), so a saved view would point at
    a model no front end has: JupyterLab would show "model not found" instead of the picture and
    text beside it, and its random model id would change the file on every run. Without it, the
    saved output is the widget's picture and text; running the cell again brings the widget back.
    """
    for _, cell in code_cells(nb):
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data and WIDGET_VIEW in data and len(data) > 1:
                del data[WIDGET_VIEW]


def saved_text(nb: nbformat.NotebookNode) -> str:
    """The notebook as `save` writes it."""
    nb = copy.deepcopy(nb)
    nbformat.validator.normalize(nb)
    return nbformat.writes(nb) + "\n"


def differing_cells(first: nbformat.NotebookNode, second: nbformat.NotebookNode) -> list[str]:
    """The cells whose saved outputs differ between two runs of one notebook, each with the
    first line that differs; empty when the two would be saved byte for byte the same."""
    differences = []
    for index, (a, b) in enumerate(zip(first.cells, second.cells)):
        if a.cell_type != "code":
            continue
        one, two = (
            json.dumps({"outputs": c.get("outputs"), "metadata": c.get("metadata")}, indent=1, sort_keys=True).splitlines()
            for c in (a, b)
        )
        if one != two:
            line = next((f"{x.strip()[:160]}\n    then: {y.strip()[:160]}" for x, y in zip(one, two) if x != y), "")
            differences.append(f"cell {index}: {line}")
    if saved_text(first) != saved_text(second) and not differences:
        differences.append("the notebooks differ outside their cells")
    return differences


def save(nb: nbformat.NotebookNode, path: pathlib.Path) -> bool:
    """Writes the notebook if its text changed; says whether it did."""
    text = saved_text(nb)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/*.ipynb)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--in-place", action="store_true", help="save each notebook with its new outputs")
    mode.add_argument("--check", action="store_true", help="run nothing; check the saved notebooks were executed")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per notebook")
    arguments = parser.parse_args(argv)

    paths = notebook_paths(arguments.notebooks)
    if not paths:
        print("no notebooks to run")
        return 0
    failed = 0
    if arguments.check:
        for path in paths:
            problems = unexecuted_cells(nbformat.read(path, as_version=4)) + error_outputs(nbformat.read(path, as_version=4))
            status = "ok" if not problems else "NOT EXECUTED CLEANLY"
            print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: {status}")
            for problem in problems:
                print(indent(str(problem)))
            failed += bool(problems)
        return 1 if failed else 0

    with tensorcell_kernelspec():
        for path in paths:
            result = execute(path, arguments.timeout)
            name = path.relative_to(REPO) if path.is_relative_to(REPO) else path
            if result.ok:
                written = arguments.in_place and save(result.notebook, path)
                note = ", saved" if written else (", unchanged" if arguments.in_place else "")
                print(f"{name}: ok in {result.seconds:.1f} s{note}")
            else:
                failed += 1
                print(f"{name}: FAILED in {result.seconds:.1f} s (not saved)")
                for problem in result.problems:
                    print(indent(str(problem)))
    print(f"{len(paths) - failed} of {len(paths)} notebooks ran cleanly")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
