"""nbgrader with Tensorcell notebooks: a teacher's notebook with `// BEGIN SOLUTION` regions and
hidden `assert` tests goes through `nbgrader generate_assignment`, two students' submissions
and `nbgrader autograde`, and each student gets the points of the tests their answer passes.
The configuration is the one docs/teaching.md documents."""

import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest

VENV_BIN = pathlib.Path(sys.executable).parent
DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "teaching.md"


def graded(cell, grade_id, *, solution=False, grade=False, points=0):
    cell.metadata["nbgrader"] = {
        "grade_id": grade_id, "solution": solution, "grade": grade, "locked": not solution,
        "schema_version": 3, **({"points": points} if grade else {}),
    }
    return cell


def teacher_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "tensorcell", "display_name": "Tensorcell", "language": "tensorcell"}
    nb.metadata["language_info"] = {"name": "tensorcell"}
    code, markdown = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    nb.cells = [
        graded(markdown("Write `relu(x)`, which keeps positive numbers and turns the others into 0."), "intro"),
        graded(code(
            "func relu(x) {\n"
            "    // BEGIN SOLUTION\n"
            "    if x > 0 { return x }\n"
            "    return 0\n"
            "    // END SOLUTION\n"
            "}"
        ), "relu", solution=True),
        graded(code(
            'assert(relu(3) == 3, "relu keeps a positive number")\n'
            "// BEGIN HIDDEN TESTS\n"
            'assert(relu(0.5) == 0.5, "relu keeps a small positive number")\n'
            "// END HIDDEN TESTS"
        ), "test-positive", grade=True, points=2),
        graded(code(
            'assert(relu(-2) == 0, "relu turns a negative number into 0")\n'
            "// BEGIN HIDDEN TESTS\n"
            'assert(relu(-0.5) == 0, "relu turns a small negative number into 0")\n'
            "// END HIDDEN TESTS"
        ), "test-negative", grade=True, points=3),
    ]
    return nb


def configuration_from_docs() -> str:
    """The nbgrader_config.py block of docs/teaching.md: the test uses what the docs say."""
    text = DOCS.read_text()
    start = text.index("```python\n# nbgrader_config.py") + len("```python\n")
    return text[start:text.index("```", start)]


def nbgrader(course, *arguments):
    completed = subprocess.run(
        [str(VENV_BIN / "nbgrader"), *arguments], cwd=course, capture_output=True, text=True
    )
    assert completed.returncode == 0, f"nbgrader {' '.join(arguments)}:\n{completed.stdout}\n{completed.stderr}"
    return completed


def answer(released: nbformat.NotebookNode, body: str) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(released)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "relu"]
    cell.source = "func relu(x) {\n" + body + "\n}"
    return nb


def test_an_assignment_is_released_and_graded(tmp_path):
    course = tmp_path / "course"
    (course / "source" / "ps1").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(configuration_from_docs())
    nbformat.write(teacher_notebook(), course / "source" / "ps1" / "relu.ipynb")

    nbgrader(course, "generate_assignment", "ps1")
    released = nbformat.read(course / "release" / "ps1" / "relu.ipynb", as_version=4)
    sources = "\n".join(c.source for c in released.cells)
    # The solution became the language's stub, and the hidden tests are gone; the visible ones stay.
    assert "if x > 0" not in sources and "BEGIN SOLUTION" not in sources
    assert '// YOUR CODE HERE\n    assert(false, "no answer yet")' in released.cells[1].source
    assert "relu(0.5)" not in sources and "relu(-0.5)" not in sources
    assert "relu(3) == 3" in sources and "relu(-2) == 0" in sources

    students = {
        "right": "    if x > 0 { return x }\n    return 0",
        "half": "    return x",  # passes the positive tests only
        "none": None,  # hands the stub in unchanged
    }
    for student, body in students.items():
        folder = course / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        nbformat.write(released if body is None else answer(released, body), folder / "relu.ipynb")
        nbgrader(course, "db", "student", "add", student)
    nbgrader(course, "autograde", "ps1")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission("ps1", s).score for s in students}
        assert gradebook.find_submission("ps1", "right").max_score == 5
    assert scores == {"right": 5, "half": 2, "none": 0}

    # The autograded notebook shows why a test failed, as the language reports it.
    graded_nb = nbformat.read(course / "autograded" / "half" / "ps1" / "relu.ipynb", as_version=4)
    (negative,) = [c for c in graded_nb.cells if c.metadata["nbgrader"]["grade_id"] == "test-negative"]
    (error,) = [o for o in negative.outputs if o.output_type == "error"]
    assert error.ename == "AssertionError" and error.evalue.startswith("relu turns a negative number into 0")
