"""Every teaching notebook runs top to bottom against the release build, without an error, and
is committed as executed, with its outputs.

The notebooks are run on copies: the committed files are never written here (`make notebooks`
writes them).
"""

import shutil

import nbformat
import pytest

import execute

NOTEBOOKS = execute.notebook_paths([])


@pytest.fixture(scope="module")
def kernelspec():
    with execute.tensorcell_kernelspec() as data:
        yield data


def test_notebooks_folder_exists():
    assert execute.NOTEBOOKS.is_dir(), "notebooks/ is missing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_without_error(path, kernelspec, tmp_path):
    committed = path.read_bytes()
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    result = execute.execute(copy, timeout=execute.DEFAULT_TIMEOUT)
    report = "\n".join(str(p) for p in result.problems)
    assert result.ok, f"{path.name} failed after {result.seconds:.1f} s:\n{report}"
    assert any(cell.get("outputs") for _, cell in execute.code_cells(result.notebook))
    assert path.read_bytes() == committed, "the committed notebook was written to"

    # Reproducible: a second run saves the very same bytes (no wall times, dates or addresses).
    again = execute.execute(copy, timeout=execute.DEFAULT_TIMEOUT)
    assert again.ok, "\n".join(str(p) for p in again.problems)
    differences = execute.differing_cells(result.notebook, again.notebook)
    assert not differences, f"{path.name} saves different outputs on a second run:\n" + "\n".join(differences)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_notebook_was_executed(path):
    nb = nbformat.read(path, as_version=4)
    problems = execute.unexecuted_cells(nb) + execute.error_outputs(nb)
    assert not problems, f"{path.name} as committed:\n" + "\n".join(str(p) for p in problems)


# The harness itself, on notebooks written here, so that it is checked even before the course exists.


def make_notebook(*sources, tags=None):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "tensorcell", "display_name": "Tensorcell", "language": "tensorcell"}
    nb.cells = [nbformat.v4.new_markdown_cell("# A notebook")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    for index, tag in (tags or {}).items():
        nb.cells[index].metadata["tags"] = [tag]
    return nb


def test_harness_runs_a_clean_notebook_and_saves_it_executed(kernelspec, tmp_path):
    path = tmp_path / "clean.ipynb"
    nbformat.write(make_notebook('print("hello")', "", "1 + 2"), path)
    result = execute.execute(path, timeout=60)
    assert result.ok, result.problems
    assert execute.save(result.notebook, path)
    saved = nbformat.read(path, as_version=4)
    assert execute.unexecuted_cells(saved) == []
    assert [c.get("execution_count") for c in saved.cells] == [None, 1, None, 2]
    assert saved.cells[1].outputs[0]["text"] == "hello\n"
    assert "execution" not in saved.cells[1].metadata  # no timestamps in committed notebooks
    # Running it again changes nothing: the saved file is reproducible.
    again = execute.execute(path, timeout=60)
    assert again.ok and not execute.save(again.notebook, path)


def test_harness_tells_which_cells_differ_between_two_runs():
    first = make_notebook("a", "b")
    second = make_notebook("a", "b")
    first.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="epoch 1 took 0.25 s\n")]
    second.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="epoch 1 took 0.26 s\n")]
    differences = execute.differing_cells(first, second)
    assert len(differences) == 1 and differences[0].startswith("cell 1:") and "0.26 s" in differences[0]
    assert execute.differing_cells(first, first) == []


def test_harness_reports_an_error_output_and_keeps_going(kernelspec, tmp_path):
    path = tmp_path / "broken.ipynb"
    nbformat.write(make_notebook("undefinedName", 'print("after")'), path)
    result = execute.execute(path, timeout=60)
    assert not result.ok
    assert [p.cell for p in result.problems] == [1]
    assert "NameError" in result.problems[0].text and "undefinedName" in result.problems[0].text
    assert result.notebook.cells[2].outputs[0]["text"] == "after\n"


def test_harness_allows_an_error_in_a_cell_tagged_raises_exception(kernelspec, tmp_path):
    path = tmp_path / "teaching-an-error.ipynb"
    nbformat.write(make_notebook("undefinedName", 'print("after")', tags={1: "raises-exception"}), path)
    assert execute.execute(path, timeout=60).ok


def test_harness_reports_a_notebook_that_is_too_slow(kernelspec, tmp_path):
    path = tmp_path / "slow.ipynb"
    nbformat.write(make_notebook("sleep(30)"), path)
    result = execute.execute(path, timeout=2)
    assert not result.ok and "did not finish within 2 s" in result.problems[0].text
    assert result.seconds < 25


def test_harness_reads_stderr_and_saved_state_without_a_kernel():
    nb = make_notebook("a", "b", "c")
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stderr", text="ValueError: no\n")]
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stderr", text="a warning\n")]
    assert [p.cell for p in execute.error_outputs(nb)] == [1]
    nb.cells[1].execution_count, nb.cells[2].execution_count = 1, 2
    problems = execute.unexecuted_cells(nb)
    assert [p.cell for p in problems] == [3] and "never executed" in problems[0].text
    nb.cells[3].execution_count = 5
    assert "execution_count 5" in execute.unexecuted_cells(nb)[0].text
    nb.cells[3].execution_count = 3
    assert execute.unexecuted_cells(nb) == []
