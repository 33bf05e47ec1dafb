"""papermill runs a Tensorcell notebook with parameters: the wheel's entry point registers the
translator when papermill starts, so the injected cell is in the language, after the cell
tagged `parameters`."""

import pathlib
import subprocess
import sys

import nbformat

VENV_BIN = pathlib.Path(sys.executable).parent


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "tensorcell", "display_name": "Tensorcell", "language": "tensorcell"}
    nb.metadata["language_info"] = {"name": "tensorcell"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source, _ in cells]
    for cell, (_, tags) in zip(nb.cells, cells):
        if tags:
            cell.metadata["tags"] = tags
    return nb


def run_papermill(tmp_path, nb, *arguments):
    source, target = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    nbformat.write(nb, source)
    completed = subprocess.run(
        [str(VENV_BIN / "papermill"), str(source), str(target), "-k", "tensorcell", *arguments],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return nbformat.read(target, as_version=4)


def text_of(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


def test_parameters_of_every_kind_are_injected_in_the_language(tmp_path):
    nb = notebook(
        ('var lr = 0.1\nvar name = "blobs"\nvar epochs = 5\nvar shuffle = true\nvar sizes = [4]\nvar seed = 7', ["parameters"]),
        ('print(lr, name, epochs, shuffle, sizes, seed)\nprint(lr * 10, epochs + 1, sizes.count)', None),
        ('let (xs, ys) = dataset(name, n: 20, seed: 1)\nprint(xs.shape)', None),
    )
    out = run_papermill(
        tmp_path, nb,
        "-p", "lr", "0.01", "-p", "name", "moons", "-p", "epochs", "12", "-p", "shuffle", "False",
        "-y", "sizes: [8, 4, 2]", "-y", "seed: null",
    )
    injected = out.cells[1]
    assert "injected-parameters" in injected.metadata.get("tags", [])
    lines = injected.source.splitlines()
    assert lines[0] == "// Parameters"
    # papermill orders them by option (-y before -p), not as given.
    assert sorted(lines[1:]) == [
        "var epochs = 12",
        "var lr = 0.01",
        'var name = "moons"',
        "var seed = nil",
        "var shuffle = false",
        "var sizes = [8, 4, 2]",
    ]
    # The cells after it see the injected values, each of its own kind.
    assert text_of(out.cells[2]).splitlines()[1] == "0.1 13 3"
    assert text_of(out.cells[2]).startswith("0.01 moons 12 false [8, 4, 2]")
    assert "[20, 2]" in text_of(out.cells[3])


def test_strings_are_escaped_and_floats_keep_their_kind(tmp_path):
    nb = notebook(('var label = ""\nvar rate = 0.0', ["parameters"]), ('print(label)\nprint(rate / 4)', None))
    out = run_papermill(tmp_path, nb, "-p", "label", 'say "hi" \\ \\(1 + 1)', "-y", "rate: 2.0")
    assert 'var label = "say \\"hi\\" \\\\ \\\\(1 + 1)"' in out.cells[1].source
    assert "var rate = 2.0" in out.cells[1].source
    # The text arrives as given: quotes, backslashes, and no interpolation.
    assert text_of(out.cells[2]).splitlines() == ['say "hi" \\ \\(1 + 1)', "0.5"]


def test_the_translator_is_found_without_importing_anything():
    code = (
        "import papermill\n"
        "from papermill.translators import papermill_translators\n"
        "t = papermill_translators.find_translator('tensorcell', 'tensorcell')\n"
        "print(t.__module__, t.codify({'a': [1, 2.5, 'x', True, None]}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.startswith("tensorcell.papermill // Parameters\nvar a = [1, 2.5, \"x\", true, nil]")
