"""A kernel process started by hand, as a hub would: in a given folder, under an address-space
cap, with its process at hand to signal; and a few ways to drive it."""

import os
import queue
import resource
import signal
import subprocess
import tempfile
import time
import uuid

from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

TIMEOUT = 30  # seconds; a safety net against hangs, never a speed requirement


class KernelProcess:
    def __init__(self, argv, cwd, address_space=None, env=None, cgroup=None):
        """`argv` is the kernel's command without the connection file (appended here); `cgroup`,
        a cgroup's folder, is where the process starts (as a hub's spawner puts it)."""
        fd, self.connection_file = tempfile.mkstemp(prefix="kernel-", suffix=".json")
        os.close(fd)
        write_connection_file(self.connection_file, ip="127.0.0.1", key=uuid.uuid4().hex.encode(), transport="tcp")

        def cap():
            if address_space:
                resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
            if cgroup:
                with open(os.path.join(cgroup, "cgroup.procs"), "w") as procs:
                    procs.write(str(os.getpid()))

        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [*argv, self.connection_file], cwd=cwd, preexec_fn=cap, stdout=subprocess.DEVNULL, stderr=self.stderr,
            env={**os.environ, **(env or {})})
        self.client = BlockingKernelClient(connection_file=self.connection_file)
        self.client.load_connection_file()
        # No heartbeat channel: without a manager, jupyter_client judges a kernel by heartbeats
        # it may not have seen yet; the process itself says whether it lives.
        self.client.start_channels(hb=False)
        self.wait_until_ready()

    def wait_until_ready(self):
        """Until a kernel_info_request is answered and iopub delivers (PUB drops early messages)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if not self.alive:
                raise RuntimeError(f"the kernel ended while starting: {self.death()}")
            msg_id = self.client.kernel_info()
            try:
                self.wait(msg_id, timeout=1)
                return
            except TimeoutError:
                continue
        raise RuntimeError("the kernel did not answer kernel_info_request")

    @property
    def alive(self):
        return self.process.poll() is None

    def death(self):
        """How the process ended (a signal or an exit code, and the end of its stderr), or None."""
        code = self.process.poll()
        if code is None:
            return None
        self.stderr.seek(0)
        tail = self.stderr.read()[-600:].decode(errors="replace")
        what = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit {code}"
        return f"{what}: {tail}"

    def execute(self, code, timeout=TIMEOUT, allow_stdin=False):
        """Runs a cell; returns (reply content, iopub messages) or raises TimeoutError."""
        msg_id = self.client.execute(code, allow_stdin=allow_stdin)
        return self.wait(msg_id, timeout)

    def wait(self, msg_id, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        reply = None
        outputs = []
        idle = False
        while reply is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0 or not self.alive:
                raise TimeoutError(f"no reply (kernel {'alive' if self.alive else 'dead: ' + str(self.death())})")
            if reply is None:
                try:
                    msg = self.client.get_shell_msg(timeout=min(left, 0.2))
                    if msg["parent_header"].get("msg_id") == msg_id:
                        reply = msg["content"]
                except queue.Empty:
                    pass
            try:
                while True:
                    msg = self.client.get_iopub_msg(timeout=0.05)
                    if msg["parent_header"].get("msg_id") != msg_id:
                        continue
                    if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                        idle = True
                    else:
                        outputs.append(msg)
            except queue.Empty:
                pass
        return reply, outputs

    def close(self):
        try:
            self.client.stop_channels()
        finally:
            if self.alive:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            os.unlink(self.connection_file)
            self.stderr.close()


def text_of(outputs):
    """The text a cell printed and showed, as a front end would render it as plain text."""
    parts = []
    for msg in outputs:
        content = msg["content"]
        if msg["msg_type"] == "stream":
            parts.append(content["text"])
        elif msg["msg_type"] in ("execute_result", "display_data"):
            parts.append(content["data"].get("text/plain", ""))
        elif msg["msg_type"] == "error":
            parts.append(f"{content['ename']}: {content['evalue']}")
    return "".join(parts)
