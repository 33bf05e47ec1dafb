"""One JupyterLab server and one headless Chromium for all the browser tests: starting them
costs far more than a notebook's run."""

import pytest

from jupyterlab_driver import ARTIFACTS, Lab, start_chromium


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    root = tmp_path_factory.mktemp("lab-root")
    server = Lab(root, tmp_path_factory.mktemp("lab-home"), ARTIFACTS / "jupyterlab.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture
def clean_lab(lab):
    """The server, with every kernel a test started shut down after it."""
    yield lab
    lab.shut_down_kernels()
