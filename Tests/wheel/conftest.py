"""The teaching tools' tests run in a venv that has the wheel installed (`make test-teaching`):
its kernelspec is the one pip put in that venv, and nothing from the build tree is used."""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

VENV_BIN = pathlib.Path(sys.executable).parent


@pytest.fixture(scope="session", autouse=True)
def installed_kernel():
    """Checks the wheel's kernel is the one Jupyter finds, and puts the venv's commands first."""
    os.environ["PATH"] = f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    for name in ("JUPYTER_PATH", "JUPYTER_DATA_DIR", "TENSORCELL_BIN"):
        os.environ.pop(name, None)
    listing = subprocess.run(
        [str(VENV_BIN / "jupyter"), "kernelspec", "list"], check=True, capture_output=True, text=True
    ).stdout
    expected = pathlib.Path(sys.prefix) / "share" / "jupyter" / "kernels" / "tensorcell"
    assert str(expected) in listing, f"the wheel's kernelspec is not the one Jupyter lists:\n{listing}"
    assert shutil.which("tensorcell") == str(VENV_BIN / "tensorcell")
