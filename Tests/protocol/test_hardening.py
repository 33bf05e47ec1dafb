"""Inputs that once ended or stalled the kernel, sent to the release kernel as a front end would:
each must end in a result or an error, the process must live on with its variables, memory caps
set by the host must give MemoryError, and every kind of wait must end soon after an interrupt."""

import contextlib
import json
import os
import pathlib
import signal
import threading
import time

import pytest

from conftest import REPO, TIMEOUT
from kernel_process import KernelProcess, text_of

# The address-space cap every test here runs under, as a hub's ulimit would set it.
ADDRESS_SPACE = 3 << 30
# The bound on an interrupt, and the margin allowed on a machine shared with builds:
# a loaded scheduler can hold a woken thread back for a while.
INTERRUPT_BOUND = 0.5
SCHEDULER_MARGIN = 1.0
LATENCIES = REPO / "build" / "reliability" / "interrupt-latency.json"


@pytest.fixture
def folder(tmp_path):
    notebook = tmp_path / "notebook"
    notebook.mkdir()
    return notebook


def start(binary, folder, address_space=ADDRESS_SPACE, cgroup=None):
    return KernelProcess(
        [str(binary), "kernel", "--connection-file"], cwd=folder, address_space=address_space, cgroup=cgroup)


@contextlib.contextmanager
def memory_cgroup(limit):
    """A child of this process's cgroup whose memory is capped at `limit` bytes, as a hub's
    spawner makes one for each user: cgroup v2's memory.max where the memory controller is
    delegated, else v1's memory.limit_in_bytes. Skips the test where neither can be written
    (not root, a read-only /sys/fs/cgroup, no memory controller)."""
    membership = pathlib.Path("/proc/self/cgroup").read_text().splitlines()
    candidates = []
    for line in membership:
        hierarchy, controllers, path = line.split(":", 2)
        if hierarchy == "0" and controllers == "":
            for root in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
                parent = pathlib.Path(root + path)
                controllers_file = parent / "cgroup.controllers"
                if controllers_file.exists() and "memory" in controllers_file.read_text().split():
                    candidates.append((parent, "memory.max"))
        elif "memory" in controllers.split(","):
            candidates.append((pathlib.Path("/sys/fs/cgroup/memory" + path), "memory.limit_in_bytes"))
    problems = []
    for parent, limit_file in candidates:
        child = parent / f"tensorcell-test-{os.getpid()}"
        try:
            if limit_file == "memory.max" and "memory" not in (parent / "cgroup.subtree_control").read_text().split():
                (parent / "cgroup.subtree_control").write_text("+memory")
            child.mkdir()
        except OSError as error:
            problems.append(f"{parent}: {error.strerror}")
            continue
        try:
            (child / limit_file).write_text(str(limit))
            yield child, limit_file
            return
        except OSError as error:
            problems.append(f"{child / limit_file}: {error.strerror}")
        finally:
            for _ in range(50):  # the kernel's exit takes a moment to leave the group empty
                try:
                    child.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
    pytest.skip("no writable cgroup memory limit here (" + ("; ".join(problems) or "no memory controller") + ")")


def error_name(reply):
    return reply.get("ename") if reply["status"] == "error" else None


CRASHES = [
    "let s = Sequential([])\ns.append(s)",
    "let a = Sequential([])\nlet b = Sequential([a])\na.append(b)",
    "len(0...9223372036854775807)",
    "range(-9223372036854775807, 9223372036854775807)",
    "[1, 2, 3][0...9223372036854775807]",
    "zeros([3])[0...9223372036854775807]",
    "arange(-1e308)",
    "arange(0, -1e300)",
    "arange(1e308, 0, step: 1e-9)",
    "plot([1e-320, 5], logScale: true)",
    "plot([1e-300, 1e300], logScale: true)",
    "learningRateSweep(rates: [1e-320, 1], losses: [1, 2])",
    "tensor([1e30]).int().toArray()",
]


def test_inputs_that_once_crashed_end_in_a_result_or_an_error(binary, folder):
    kernel = start(binary, folder)
    try:
        reply, _ = kernel.execute("let keep = 42")
        assert reply["status"] == "ok"
        for code in CRASHES:
            reply, outputs = kernel.execute(code)
            assert kernel.alive, f"{code!r} ended the kernel: {kernel.death()}"
            assert reply["status"] in ("ok", "error")
            if reply["status"] == "error":
                assert reply["ename"] in ("ValueError", "TypeError"), (code, reply)
        # The self-containing Sequentials were refused, so they show, save and run.
        for code in ("s", "print(s)", "summary(a)", "diagram(b)", "b.parameters.count", "save(b, \"b.safetensors\")",
                     "b(zeros([1, 2])).shape"):
            reply, outputs = kernel.execute(code)
            assert kernel.alive, f"{code!r} ended the kernel: {kernel.death()}"
        reply, outputs = kernel.execute("keep")
        assert text_of(outputs).strip() == "42"
    finally:
        kernel.close()


# Cells a capped kernel must answer with MemoryError: a huge tensor, a string and an array
# doubled 40 times; the last entry is the caller's (tensors that together pass its cap).
def assert_memory_errors_and_the_kernel_lives(kernel, several_tensors, where=""):
    kernel.execute("let keep = 42")
    for code in (
        "zeros([1500000000])",
        "var s = \"ab\"\nfor _ in 0..<40 { s = s + s }",
        "var a = [1, 2]\nfor _ in 0..<40 { a = a + a }",
        several_tensors,
    ):
        reply, outputs = kernel.execute(code)
        assert kernel.alive, f"{code!r} ended the kernel{where}: {kernel.death()}"
        assert error_name(reply) == "MemoryError", (code, reply, text_of(outputs))
    reply, outputs = kernel.execute("keep + 1")
    assert text_of(outputs).strip() == "43"


def test_memory_caps_set_by_the_host_give_memory_error(binary, folder):
    kernel = start(binary, folder, address_space=2 << 30)
    try:
        assert_memory_errors_and_the_kernel_lives(
            kernel, "let t = zeros([200000000])\nlet u = zeros([200000000])\nlet v = zeros([200000000])")
    finally:
        kernel.close()


def test_a_cgroup_memory_cap_gives_memory_error(binary, folder):
    """The kernel in a cgroup capped at 1 GB, no address-space cap: past the cap the kernel would
    be killed by the OOM killer, so what it cannot hold must be a MemoryError beforehand."""
    with memory_cgroup(1 << 30) as (group, limit_file):
        kernel = start(binary, folder, address_space=None, cgroup=group)
        try:
            # 400 MB each: the first fits in half the cap, the second does not (with the
            # machine's memory as the ceiling, both would fit and the group would kill).
            assert_memory_errors_and_the_kernel_lives(
                kernel, "let t = zeros([100000000])\nlet u = zeros([100000000])", f" in a {limit_file} cgroup")
        finally:
            kernel.close()


def test_the_folder_is_the_only_place_files_are_read_and_written(binary, folder, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.csv").write_text("root:x:0:0\n")
    (folder / "passwd.csv").symlink_to(outside / "passwd.csv")
    (folder / "linkdir").symlink_to(outside)
    (folder / "gone.csv").symlink_to(outside / "made.csv")
    (folder / "analysis.ipynb").write_text("{}")
    os.mkfifo(folder / "pipe.csv")
    kernel = start(binary, folder)
    try:
        kernel.execute("let x = tensor([[1, 2]])\nlet y = tensor([1])\nlet m = Sequential([Dense(2, 1, seed: 0)])")
        for code, kind in (
            ("loadCSV(\"passwd.csv\", delimiter: \":\")", "IOError"),
            ("loadCSV(\"linkdir/passwd.csv\", delimiter: \":\")", "IOError"),
            ("saveCSV(x, y, \"gone.csv\")", "IOError"),
            ("saveCSV(x, y, \"linkdir/new.csv\")", "IOError"),
            ("saveCSV(x, y, \"analysis.ipynb\")", "ValueError"),
            ("save(m, \"notes.txt\")", "ValueError"),
            ("saveIDX(x, \"a.csv\x00.idx\")", "ValueError"),
            ("loadCSV(\"pipe.csv\")", "IOError"),  # a FIFO: refused, not waited on
        ):
            reply, outputs = kernel.execute(code, timeout=10)
            assert error_name(reply) == kind, (code, reply)
            assert "root" not in reply["evalue"]
        assert sorted(p.name for p in outside.iterdir()) == ["passwd.csv"]
        assert (folder / "analysis.ipynb").read_text() == "{}"
        reply, _ = kernel.execute("saveCSV(x, y, \"fine.csv\")\nloadCSV(\"fine.csv\")")
        assert reply["status"] == "ok"
    finally:
        kernel.close()


def test_table_markdown_escapes_data(binary, folder):
    kernel = start(binary, folder)
    try:
        reply, outputs = kernel.execute(
            "table([(\"<img src=x onerror=alert(1)>\", 1), (\"**bold** | [link](javascript:x)\", 2)], columns: [\"name\", \"n\"])")
        markdown = next(m["content"]["data"]["text/markdown"] for m in outputs if m["msg_type"] in ("display_data", "execute_result"))
        assert "<img" not in markdown and "&lt;img src=x onerror=alert(1)&gt;" in markdown
        assert "\\*\\*bold\\*\\* \\| [link]\\(javascript:x)" in markdown
    finally:
        kernel.close()


def test_huge_results_are_summarised(binary, folder):
    kernel = start(binary, folder)
    try:
        for code, shown in (
            ("range(0, 3000000)", "[0, 1, 2, ..., 2999997, 2999998, 2999999]"),
            ("[range(0, 2000), [1, 2]]", "[[0, 1, 2, ..., 1997, 1998, 1999], [1, 2]]"),
            ("var d = [:]\nfor i in 0..<5000 { d[i] = i * i }\nd", "[0: 0, 1: 1, 2: 4, ..., 4997: 24970009, 4998: 24980004, 4999: 24990001]"),
        ):
            reply, outputs = kernel.execute(code)
            assert reply["status"] == "ok", (code, reply)
            assert text_of(outputs).strip() == shown, code
        reply, outputs = kernel.execute("var s = \"ab\"\nfor _ in 0..<20 { s = s + s }\ns")
        text = text_of(outputs).strip()
        assert reply["status"] == "ok" and text.startswith("abab") and "(2093152 more bytes)" in text and len(text) < 5000
        # print writes the whole value.
        reply, outputs = kernel.execute("print(range(0, 100000))")
        assert text_of(outputs).strip() == "[" + ", ".join(map(str, range(100000))) + "]"
    finally:
        kernel.close()


def test_completion_of_a_long_chain_answers(binary, folder):
    kernel = start(binary, folder)
    try:
        kernel.execute("let x = zeros([2])")
        code = "x." * 500_000
        started = time.monotonic()
        msg_id = kernel.client.complete(code, len(code))
        reply = kernel.client.get_shell_msg(timeout=TIMEOUT)
        assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "ok"
        print(f"complete_request on 1 MB of 'x.': {time.monotonic() - started:.2f} s")
    finally:
        kernel.close()


# Each kind of wait a cell can make, long enough that it is still waiting when interrupted.
WAITS = {
    "loop": "var i = 0\nwhile true { i += 1 }",
    "sleep": "sleep(600)",
    "input": "input(\"name? \")",
    "tensor ops": "var t = zeros([1000, 1000])\nwhile true { t = t + 1 }",
    "training": (
        "let (x, y) = dataset(\"moons\", n: 2000, seed: 1)\n"
        "let model = Sequential([Dense(2, 64, activation: relu, seed: 1), Dense(64, 2, seed: 2)])\n"
        "let run = Trainer(model, loss: crossEntropy, optimizer: Adam(model, lr: 0.01), data: (x, y), batchSize: 16)\n"
        "run.fit(epochs: 100000)"),
    "recursion": "func f(n) {\n  if n == 0 { return 0 }\n  return f(n - 1) + f(n - 1)\n}\nf(60)",
    "strings": "var s = \"\"\nwhile true { s = s + \"x\" }",
    "array building": "var a = []\nwhile true { a.append(1) }",
    "big scatter": "while true { scatter(randn([1000000, 2])) }",
    "big result": "while true { print(zeros([3000000])) }",
    # One call that runs long: the interrupt must stop it inside, not after it.
    "long text": "let r = range(0, 3000000)\nwhile true { let s = \"\\(r)\" }",
    "one big scatter": "scatter(randn([12000000, 2]))",
}


@pytest.mark.parametrize("mode", ["signal", "message"])
def test_every_wait_ends_soon_after_an_interrupt(binary, folder, mode):
    kernel = start(binary, folder)
    latencies = {}
    try:
        kernel.execute("let keep = 42")
        for name, code in WAITS.items():
            msg_id = kernel.client.execute(code, allow_stdin=(name == "input"))
            time.sleep(1.5)  # well inside the wait
            started = time.monotonic()
            if mode == "signal":
                kernel.process.send_signal(signal.SIGINT)
            else:
                kernel.client.control_channel.send(kernel.client.session.msg("interrupt_request", {}))
            reply = None
            while reply is None:
                msg = kernel.client.get_shell_msg(timeout=TIMEOUT)
                if msg["parent_header"].get("msg_id") == msg_id:
                    reply = msg["content"]
            latencies[name] = time.monotonic() - started
            while True:  # iopub, to this cell's idle
                msg = kernel.client.get_iopub_msg(timeout=TIMEOUT)
                if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                        and msg["content"]["execution_state"] == "idle"):
                    break
            assert kernel.alive, f"{name}: {kernel.death()}"
            assert error_name(reply) == "KeyboardInterrupt", (name, reply)
            assert latencies[name] < INTERRUPT_BOUND + SCHEDULER_MARGIN, (name, latencies[name])
        reply, outputs = kernel.execute("keep")
        assert text_of(outputs).strip() == "42"
    finally:
        kernel.close()
        print(f"interrupt latency ({mode}):", {k: round(v, 3) for k, v in latencies.items()})
        LATENCIES.parent.mkdir(parents=True, exist_ok=True)
        previous = json.loads(LATENCIES.read_text()) if LATENCIES.exists() else {}
        previous[mode] = latencies
        LATENCIES.write_text(json.dumps(previous, indent=1))
