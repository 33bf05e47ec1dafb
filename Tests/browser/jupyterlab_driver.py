"""Driving JupyterLab in headless Chromium, shared by the browser tests.

`Lab` is a JupyterLab server of our own on a free loopback port, with a token and its own
temporary configuration and data folders, in which the Tensorcell kernelspec (pointing at the
release build) is installed. `start_chromium` starts headless Chromium through Debian's
chromedriver. `Page` reads what JupyterLab shows (through its application object and the DOM),
waits for states, runs commands, and keeps screenshots under build/browser/.

The fixtures in conftest.py start one server and one browser for all the browser tests.
"""

from __future__ import annotations

import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "build" / "browser"

SERVER_START_TIMEOUT = 90  # seconds for JupyterLab to answer
PAGE_TIMEOUT = 120  # seconds for the page, the notebook and its kernel to be ready
RUN_TIMEOUT = float(os.environ.get("TENSORCELL_BROWSER_TIMEOUT", "300"))  # seconds for Run All
RENDER_TIMEOUT = 30  # seconds for outputs to settle (images to decode) after the run
WINDOW_SIZE = (1280, 1600)

# Some selenium versions ask Selenium Manager for a driver or a browser; everything is named
# explicitly below, and this keeps it from going online if it is asked anyway.
os.environ.setdefault("SE_OFFLINE", "true")

try:
    from selenium import webdriver
    from selenium.common.exceptions import JavascriptException, TimeoutException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - make venv installs it
    pytest.fail("selenium is not installed: run `make venv`", pytrace=False)


# MARK: - Finding things


def tensorcell_binary() -> pathlib.Path:
    named = os.environ.get("TENSORCELL_BIN")
    binary = pathlib.Path(named) if named else REPO / ".build" / "release" / "tensorcell"
    if not binary.is_file():
        pytest.fail(f"no tensorcell binary at {binary}: run `make build` or set TENSORCELL_BIN", pytrace=False)
    return binary.resolve()


def first_executable(names: list[str], environment_variable: str) -> str:
    if os.environ.get(environment_variable):
        return os.environ[environment_variable]
    for name in names:
        found = shutil.which(name) or (name if os.path.isabs(name) and os.access(name, os.X_OK) else None)
        if found:
            return found
    pytest.fail(
        f"none of {names} found (or set {environment_variable}): `make deps-browser` installs "
        "Debian's chromium and chromium-driver",
        pytrace=False,
    )


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# MARK: - JupyterLab


class Lab:
    """A JupyterLab server of our own, on loopback, in temporary folders."""

    def __init__(self, root: pathlib.Path, home: pathlib.Path, log_path: pathlib.Path):
        self.root = root
        self.port = free_loopback_port()
        self.token = secrets.token_hex(16)
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{self.port}"

        prefix = home / "kernels-prefix"
        subprocess.run(
            [str(tensorcell_binary()), "install", "--prefix", str(prefix)], check=True, capture_output=True
        )
        settings = home / "lab-settings"
        # Every cell in the page (no windowing), so that every output is in the DOM to be checked;
        # no news or update checks, which would reach out and pop up notices.
        write_json(settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings",
                   {"windowingMode": "none"})
        write_json(settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings",
                   {"fetchNews": "false", "checkForUpdates": False})
        self.environment = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_DATA_DIR=str(home / "data"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            JUPYTER_PATH=str(prefix / "share" / "jupyter"),
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "lab-workspaces"),
            JUPYTER_PLATFORM_DIRS="1",
            OPENBLAS_NUM_THREADS="1",
        )
        self.process: subprocess.Popen | None = None

    def start(self):
        command = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--port-retries=0",
            f"--IdentityProvider.token={self.token}",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.expose_app_in_browser=True",
            "--ServerApp.shutdown_no_activity_timeout=900",  # never outlives a forgotten test for long
        ]  # fmt: skip
        if os.geteuid() == 0:
            command.append("--allow-root")
        self.log = open(self.log_path, "w")
        # A session of its own, so that stopping it reaches its kernels and nothing else.
        self.process = subprocess.Popen(
            command, env=self.environment, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"JupyterLab exited with {self.process.returncode}:\n{self.log_tail()}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n{self.log_tail()}", pytrace=False)

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # like Ctrl-C: the server shuts its kernels down
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.send_signal(signal.SIGINT)  # the second Ctrl-C skips the confirmation
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # whatever of our session is left
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        self.log.close()

    def shut_down_kernels(self) -> None:
        """Ends every session and its kernel, so that one notebook's kernel does not outlive its test."""
        headers = {"Authorization": f"token {self.token}"}
        request = urllib.request.Request(f"{self.url}/api/sessions", headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            sessions = json.loads(response.read())
        for session in sessions:
            request = urllib.request.Request(
                f"{self.url}/api/sessions/{session['id']}", method="DELETE", headers=headers)
            try:
                urllib.request.urlopen(request, timeout=30).close()
            except OSError:
                pass

    def log_tail(self, lines: int = 40) -> str:
        self.log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


def write_json(path: pathlib.Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value))


# MARK: - The browser


def start_chromium() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = first_executable(
        ["chromium", "chromium-browser", "/usr/lib/chromium/chromium"], "CHROMIUM_BIN"
    )
    for argument in (
        "--headless=new",
        "--no-sandbox",  # needed as root, as in CI and containers
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={WINDOW_SIZE[0]},{WINDOW_SIZE[1]}",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--metrics-recording-only",
    ):
        options.add_argument(argument)
    # Should a page still ask whether to leave it, the answer is yes.
    options.set_capability("unhandledPromptBehavior", "accept")
    driver_path = first_executable(["chromedriver", "/usr/lib/chromium/chromedriver"], "CHROMEDRIVER")
    service = webdriver.ChromeService(executable_path=driver_path, log_output=str(ARTIFACTS / "chromedriver.log"))
    try:
        driver = webdriver.Chrome(options=options, service=service)
    except WebDriverException as error:
        pytest.fail(f"headless Chromium did not start: {error.msg}", pytrace=False)
    driver.set_script_timeout(60)
    return driver


# What the page says about the notebook, read through the JupyterLab application object.
NOTEBOOK_STATE = """
const app = window.jupyterapp;
if (!app || !app.shell) return {app: false};
const panel = app.shell.currentWidget;
if (!panel || !panel.content || !panel.sessionContext || !panel.context) return {app: true, notebook: false};
const session = panel.sessionContext.session;
const kernel = session ? session.kernel : null;
const cells = panel.content.widgets.filter(
  c => c.model.type === 'code' && c.model.sharedModel.getSource().trim() !== '');
return {
  app: true,
  notebook: true,
  ready: panel.context.isReady && panel.sessionContext.isReady,
  path: panel.context.path,
  kernelName: kernel ? kernel.name : null,
  kernelStatus: kernel ? kernel.status : null,
  kernelDisplayName: panel.sessionContext.kernelDisplayName,
  codeCells: cells.length,
  executed: cells.filter(c => c.model.executionCount !== null).length,
  executionCounts: cells.map(c => c.model.executionCount),
  // Queued or running cells show [*]; Run All drops the queue at the first error.
  pending: cells.filter(c => {
    const prompt = c.node.querySelector('.jp-InputPrompt');
    return prompt && prompt.textContent.includes('*');
  }).length,
  errorOutputs: cells.reduce((n, c) => n + c.model.outputs.toJSON().filter(o => o.output_type === 'error').length, 0),
  // Errors in cells not tagged raises-exception: the ones that end a Run All early.
  unexpectedErrors: cells.filter(c => !(c.model.getMetadata('tags') || []).includes('raises-exception'))
      .reduce((n, c) => n + c.model.outputs.toJSON().filter(o => o.output_type === 'error').length, 0),
  // Per code cell: whether it is tagged raises-exception, and the errors it shows.
  cellErrors: cells.map(c => ({
    raises: (c.model.getMetadata('tags') || []).includes('raises-exception'),
    errors: c.model.outputs.toJSON().filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
  })),
  outputs: cells.reduce((n, c) => n + c.model.outputs.length, 0),
};
"""

# What the page shows: rendered outputs, as a reader sees them.
RENDERED = """
const outputs = Array.from(document.querySelectorAll('.jp-Notebook .jp-OutputArea-output'));
const images = Array.from(document.querySelectorAll('.jp-Notebook .jp-OutputArea-output img'));
return {
  outputs: outputs.length,
  images: images.length,
  decodedImages: images.filter(i => i.complete && i.naturalWidth > 0).length,
  pendingImages: images.filter(i => !i.complete).length,
  svgs: document.querySelectorAll('.jp-Notebook .jp-OutputArea-output svg').length,
  tables: document.querySelectorAll('.jp-Notebook .jp-OutputArea-output table').length,
  // Errors render as stderr too; a cell tagged raises-exception is meant to show one.
  stderr: (window.jupyterapp.shell.currentWidget.content.widgets || [])
      .filter(c => !(c.model.getMetadata('tags') || []).includes('raises-exception'))
      .flatMap(c => Array.from(c.node.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')))
      .map(e => e.innerText.slice(0, 500)),
  text: outputs.map(o => o.innerText).join('\\n'),
};
"""


class Page:
    def __init__(self, driver: webdriver.Chrome, lab: Lab):
        self.driver = driver
        self.lab = lab

    def visible_text(self, limit: int = 4000) -> str:
        """The text of any dialog, then of the main area (the notebook), else of the whole page."""
        parts = []
        try:
            for selector in (".jp-Dialog", "#jp-main-dock-panel"):
                parts += [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, selector) if e.text.strip()]
            if not parts:
                parts.append(self.driver.find_element(By.TAG_NAME, "body").text)
        except WebDriverException as error:
            return f"(page text unavailable: {error.msg})"
        text = "\n---\n".join(parts)
        return text if len(text) <= limit else text[:limit] + "\n[...]"

    def failure(self, message: str) -> None:
        self.screenshot("failure")
        pytest.fail(
            f"{message}\n\n--- the page's visible text ---\n{self.visible_text()}\n\n"
            f"--- the end of JupyterLab's log ({self.lab.log_path.name}) ---\n{self.lab.log_tail()}",
            pytrace=False,
        )

    def screenshot(self, name: str) -> pathlib.Path:
        """Saves the page, the window first made tall enough for the whole notebook (up to a limit)."""
        path = ARTIFACTS / f"{name}.png"
        try:
            height = self.driver.execute_script(
                "const n = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')"
                " || document.querySelector('.jp-NotebookPanel .jp-Notebook');"
                "return n ? n.scrollHeight : 0;"
            )
            if height:
                width = self.driver.get_window_size()["width"]
                self.driver.set_window_size(width, max(1000, min(int(height) + 300, 12000)))
                time.sleep(1)  # let JupyterLab lay the taller window out
            # From the top: Run All leaves the notebook scrolled to its last cell.
            self.driver.execute_script(
                "for (const n of document.querySelectorAll('.jp-NotebookPanel .jp-WindowedPanel-outer,"
                " .jp-NotebookPanel .jp-Notebook')) { n.scrollTop = 0; }")
            time.sleep(0.5)
            self.driver.save_screenshot(str(path))
        except WebDriverException:
            pass
        return path

    def state(self) -> dict:
        try:
            return self.driver.execute_script(NOTEBOOK_STATE) or {}
        except JavascriptException as error:
            return {"scriptError": error.msg}

    def wait_for(self, what: str, condition, timeout: float, read=None, poll: float = 0.5) -> dict:
        """Polls `condition(read())` (by default the notebook's `state()`) until it is truthy;
        gives the state that satisfied it, or fails with what was last seen."""
        read = read or self.state
        last = {}

        def check(_driver):
            nonlocal last
            last = read()
            return condition(last)

        try:
            WebDriverWait(self.driver, timeout, poll_frequency=poll).until(check)
        except TimeoutException:
            self.failure(f"timed out after {timeout:.0f} s waiting for {what}; last state: {json.dumps(last)}")
        return last

    def open(self, name: str) -> None:
        """Opens `name` (a file in the server's folder) in a fresh workspace, the window at its
        usual size, and waits for the notebook and its kernel to be ready."""
        self.driver.set_window_size(*WINDOW_SIZE)
        # The notebook an earlier test left is saved first: unsaved, JupyterLab would ask
        # whether to leave the page.
        try:
            self.driver.execute_async_script(
                """const done = arguments[arguments.length - 1];
                if (!window.jupyterapp) { done(null); return; }
                window.jupyterapp.commands.execute('docmanager:save-all').then(() => done(null), () => done(null));""")
        except WebDriverException:
            pass
        # `reset`: a fresh workspace, so notebooks opened by an earlier test are not reopened.
        self.driver.get(f"{self.lab.url}/lab/tree/{name}?reset&token={self.lab.token}")
        self.wait_for(
            "JupyterLab to open the notebook with its kernel started",
            lambda s: s.get("notebook") and s.get("ready") and s.get("kernelStatus") == "idle"
            and s.get("path") == name,
            PAGE_TIMEOUT,
        )

    def run_all(self) -> float:
        """Clears the outputs, runs every cell, and waits for the kernel to be idle with no cell
        queued; gives the seconds the run took. Run All stops at an error outside a cell tagged
        `raises-exception`, which the caller sees as cells left unrun."""
        # Outputs saved in the file must not pass for outputs of this run.
        self.command("notebook:clear-all-cell-outputs")
        self.wait_for("the outputs to clear", lambda s: s.get("outputs") == 0, 30)
        started = time.monotonic()
        self.command("notebook:run-all-cells")
        self.wait_for(
            "every cell to run and the kernel to be idle",
            lambda s: s.get("codeCells", 0) > 0
            and s.get("kernelStatus") == "idle"
            and s.get("pending") == 0
            # JupyterLab may send the cells one at a time, so the kernel is idle with nothing
            # queued between two of them: only a run that reached the end, or an error that
            # stops it (not one a cell tagged raises-exception expects), is finished.
            and (s.get("executed") == s.get("codeCells") or s.get("unexpectedErrors", 0) > 0),
            RUN_TIMEOUT,
        )
        return time.monotonic() - started

    def rendered(self) -> dict:
        """What the outputs show once every image has decoded (or `RENDER_TIMEOUT` passed)."""
        shown = {}

        def settled(driver):
            nonlocal shown
            shown = driver.execute_script(RENDERED)
            return shown["pendingImages"] == 0

        try:
            WebDriverWait(self.driver, RENDER_TIMEOUT, poll_frequency=0.5).until(settled)
        except TimeoutException:
            self.failure(f"{shown.get('pendingImages')} images still loading after {RENDER_TIMEOUT} s")
        return shown

    def command(self, name: str) -> None:
        script = """
        const done = arguments[arguments.length - 1];
        window.jupyterapp.commands.execute(arguments[0]).then(
          () => done(null), e => done(String(e && e.message || e)));
        """
        try:
            error = self.driver.execute_async_script(script, name)
        except TimeoutException:
            error = None  # long runs: the command's promise may outlive the script timeout; we poll
        if error:
            self.failure(f"JupyterLab's command {name} failed: {error}")


