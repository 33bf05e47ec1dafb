"""The whole course in JupyterLab in a real browser: every notebook in notebooks/ (and the smoke
notebook beside this file) opened, run top to bottom with the Tensorcell kernel, and looked at.

For each notebook, headless Chromium opens a copy in the server's folder, clears its outputs,
runs all cells and waits for the kernel to be idle, then checks what the page shows: every code
cell run once in order; no error output except in cells tagged `raises-exception` (which must
show one, as the course means them to); no stderr; the pictures and tables the committed
notebook has, decoded and shown; and any text its metadata names:

    "tensorcell": {"browser_test": {"expect_text": ["some text the outputs show"]}}

A screenshot of each notebook is kept under build/browser/ (named after the notebook), and
JupyterLab's log beside it. TENSORCELL_BROWSER_NOTEBOOK narrows the run to one notebook.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil

import pytest

from jupyterlab_driver import REPO, Page


def notebooks() -> list[pathlib.Path]:
    named = os.environ.get("TENSORCELL_BROWSER_NOTEBOOK")
    if named:
        path = pathlib.Path(named)
        return [path if path.is_absolute() else REPO / path]
    return sorted((REPO / "notebooks").glob("*.ipynb")) + [REPO / "Tests" / "browser" / "smoke.ipynb"]


def expectations(notebook: pathlib.Path) -> dict:
    """What the run must show, from the committed notebook: pictures and tables where its saved
    outputs have them, and the text its metadata names."""
    document = json.loads(notebook.read_text(encoding="utf-8"))
    declared = document.get("metadata", {}).get("tensorcell", {}).get("browser_test", {})
    saved = [output for cell in document["cells"] for output in cell.get("outputs", [])]
    data = [output.get("data", {}) for output in saved]
    has_pictures = any("image/png" in d or "image/svg+xml" in d for d in data)
    has_tables = any("<table" in "".join(d.get("text/html", "")) for d in data)
    return {
        "images": bool(declared.get("expect_images", has_pictures)),
        "tables": bool(declared.get("expect_tables", has_tables)),
        "text": list(declared.get("expect_text", [])),
    }


@pytest.mark.parametrize("source", notebooks(), ids=lambda path: path.stem)
def test_notebook_runs_and_renders_in_jupyterlab(clean_lab, browser, source):
    if not source.is_file():
        pytest.fail(f"no notebook at {source}", pytrace=False)
    expect = expectations(source)
    shutil.copy(source, clean_lab.root / source.name)
    page = Page(browser, clean_lab)
    page.open(source.name)
    state = page.state()
    if state.get("kernelName") != "tensorcell":
        page.failure(f"the notebook runs kernel {state.get('kernelName')!r}, not tensorcell: {json.dumps(state)}")

    run_seconds = page.run_all()
    rendered = page.rendered()
    state = page.state()
    shot = page.screenshot(source.stem)
    summary = {k: v for k, v in rendered.items() if k != "text"} | {
        "executionCounts": state.get("executionCounts"),
        "runSeconds": round(run_seconds, 1),
        "screenshot": str(shot.relative_to(REPO)),
    }
    print(f"\n{source.name}: {json.dumps(summary)}")

    problems = []
    counts = state.get("executionCounts") or []
    if counts != list(range(1, len(counts) + 1)):
        problems.append(f"execution counts {counts} are not one whole top-to-bottom run")
    for number, cell in enumerate(state.get("cellErrors") or [], start=1):
        if cell["errors"] and not cell["raises"]:
            problems.append(f"code cell {number} shows an error: {'; '.join(cell['errors'])}")
        if cell["raises"] and not cell["errors"]:
            problems.append(f"code cell {number} is tagged raises-exception but shows no error")
    if rendered["stderr"]:
        problems.append("stderr output shown:\n" + "\n".join(rendered["stderr"]))
    if rendered["outputs"] == 0:
        problems.append("no output is shown at all")
    for text in expect["text"]:
        if text not in rendered["text"]:
            problems.append(f"the outputs do not show {text!r}")
    if rendered["images"] != rendered["decodedImages"]:
        problems.append(f"{rendered['images'] - rendered['decodedImages']} of {rendered['images']} images did not decode")
    if expect["images"] and rendered["decodedImages"] + rendered["svgs"] == 0:
        problems.append("no picture is shown (no decoded <img>, no <svg>) though the notebook has some")
    if expect["tables"] and rendered["tables"] == 0:
        problems.append("no table is shown though the notebook has some")
    if problems:
        page.failure("; ".join(problems) + f"\n(summary: {json.dumps(summary)})")
