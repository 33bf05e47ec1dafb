"""A notebook run end to end by nbclient, as papermill and CI tools run notebooks."""

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def notebook(*sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "tensorcell", "display_name": "Tensorcell", "language": "tensorcell"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nb


def test_runs_a_notebook_and_keeps_outputs(kernelspec_prefix):
    nb = notebook('let rate = 0.5\nprint("rate", rate)', "rate * 4", 'display("shown")\neprint("careful")')
    NotebookClient(nb, kernel_name="tensorcell", timeout=60).execute()
    first, second, third = (cell.outputs for cell in nb.cells)
    assert first == [nbformat.v4.new_output("stream", name="stdout", text="rate 0.5\n")]
    assert second[0]["output_type"] == "execute_result" and second[0]["data"]["text/plain"] == "2.0"
    assert nb.cells[1].execution_count == 2
    assert [o["output_type"] for o in third] == ["display_data", "stream"]
    assert nb.metadata["language_info"]["name"] == "tensorcell"


def test_stops_at_the_first_error(kernelspec_prefix):
    nb = notebook("1 + 1", "missing", 'print("after")')
    with pytest.raises(CellExecutionError, match="NameError"):
        NotebookClient(nb, kernel_name="tensorcell", timeout=60).execute()
    assert nb.cells[2].outputs == []
