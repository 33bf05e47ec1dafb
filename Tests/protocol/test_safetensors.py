"""safetensors files across Swift and Python's reference `safetensors` package (numpy API).

Both directions go through files committed beside the Swift tests:

- `from_swift.safetensors` is what Tensorcell writes for the tensors below; the Swift test
  `SafetensorsTests.filesMatchTheCommittedCrossCheckFixtures` checks that Swift still writes
  exactly these bytes, and this test checks that the reference reader loads the same values.
- `from_python.safetensors` is what the reference writer produces for the same tensors; this
  test checks that the reference writer still gives those values, and the Swift test checks
  that Tensorcell loads them.

Run `python test_safetensors.py --write` to regenerate `from_python.safetensors`.
"""

import pathlib
import sys

import numpy as np
import pytest

safetensors_numpy = pytest.importorskip("safetensors.numpy")

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "NeuralNetworksTests" / "Fixtures"
METADATA = {"format": "pt", "architecture": "Sequential(Dense(2, 3, activation: relu))"}


def expected_tensors():
    """The values both sides write: the same formulas appear in the Swift test."""
    return {
        "0.weight": (np.arange(6, dtype=np.float32).reshape(3, 2) * 0.5 - 1),
        "0.bias": np.array([0.25, -0.125, 3.0e-8], dtype=np.float32),
        "counts": np.array([[1, -2], [3, 2**40]], dtype=np.int64),
        "scale": np.array(np.pi, dtype=np.float64),
        "steps": np.array([7, -9], dtype=np.int32),
    }


def check(loaded):
    expected = expected_tensors()
    assert sorted(loaded) == sorted(expected)
    for name, value in expected.items():
        assert loaded[name].dtype == value.dtype, name
        assert loaded[name].shape == value.shape, name
        np.testing.assert_array_equal(loaded[name], value, err_msg=name)


def test_reference_reader_loads_what_swift_wrote():
    path = FIXTURES / "from_swift.safetensors"
    check(safetensors_numpy.load_file(str(path)))
    from safetensors import safe_open

    with safe_open(str(path), framework="numpy") as handle:
        assert handle.metadata() == METADATA


def test_reference_writer_still_writes_the_committed_python_fixture(tmp_path):
    written = tmp_path / "again.safetensors"
    safetensors_numpy.save_file(expected_tensors(), str(written), metadata=METADATA)
    committed = FIXTURES / "from_python.safetensors"
    check(safetensors_numpy.load_file(str(committed)))
    check(safetensors_numpy.load_file(str(written)))


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    safetensors_numpy.save_file(expected_tensors(), str(FIXTURES / "from_python.safetensors"), metadata=METADATA)
