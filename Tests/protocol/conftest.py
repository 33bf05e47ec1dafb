"""Starts the built tensorcell kernel the way a front end does: from an installed kernelspec."""

import json
import os
import pathlib
import subprocess

import pytest
from jupyter_client.manager import start_new_kernel

REPO = pathlib.Path(__file__).resolve().parents[2]
TIMEOUT = 30  # seconds; a safety net against hangs, never a speed requirement


def tensorcell_binary() -> pathlib.Path:
    """TENSORCELL_BIN, else the release build, else the debug build."""
    if os.environ.get("TENSORCELL_BIN"):
        return pathlib.Path(os.environ["TENSORCELL_BIN"]).resolve()
    for configuration in ("release", "debug"):
        candidate = REPO / ".build" / configuration / "tensorcell"
        if candidate.exists():
            return candidate.resolve()
    pytest.exit("no tensorcell binary: run `swift build` or set TENSORCELL_BIN", returncode=2)


def pytest_report_header(config):
    return f"tensorcell binary: {tensorcell_binary()}"


@pytest.fixture(scope="session")
def binary():
    return tensorcell_binary()


@pytest.fixture(scope="session")
def kernelspec_prefix(binary, tmp_path_factory):
    """Installs the kernelspec into a temporary prefix and points Jupyter at it.

    A second spec, `tensorcell-message`, differs only in interrupt_mode, so both interrupt
    modes can be driven through KernelManager.interrupt_kernel.
    """
    prefix = tmp_path_factory.mktemp("prefix")
    subprocess.run([str(binary), "install", "--prefix", str(prefix)], check=True, capture_output=True)
    kernels = prefix / "share" / "jupyter" / "kernels"
    spec = json.loads((kernels / "tensorcell" / "kernel.json").read_text())
    spec["interrupt_mode"] = "message"
    (kernels / "tensorcell-message").mkdir()
    (kernels / "tensorcell-message" / "kernel.json").write_text(json.dumps(spec))
    previous = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    yield prefix
    if previous is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = previous


def wait_for_iopub(client):
    """Waits until iopub is subscribed: PUB drops whatever is sent before that."""
    for _ in range(100):
        msg_id = client.kernel_info()
        client.get_shell_msg(timeout=TIMEOUT)
        try:
            while True:
                msg = client.get_iopub_msg(timeout=0.2)
                if msg["parent_header"].get("msg_id") == msg_id and msg["content"].get("execution_state") == "idle":
                    return
        except Exception:
            continue
    raise RuntimeError("iopub never delivered a status message")


def start(kernel_name="tensorcell"):
    manager, client = start_new_kernel(kernel_name=kernel_name, startup_timeout=TIMEOUT)
    wait_for_iopub(client)
    return manager, client


@pytest.fixture
def kernel(kernelspec_prefix):
    manager, client = start()
    yield manager, client
    client.stop_channels()
    if manager.is_alive():
        manager.shutdown_kernel(now=False)


def collect(client, msg_id):
    """All iopub messages of one request, through its `status: idle`."""
    messages = []
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages
