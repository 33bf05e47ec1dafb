#!/usr/bin/env python3
"""Kernel figures as a front end sees them, for tensorcell, ipykernel and xeus-python in one run.

Every kernel is started from its kernelspec through jupyter_client and measured from outside:

- start_ms: spawn to the first kernel_info_reply (median of 5 starts);
- cell_p50_ms / cell_p99_ms: a trivial cell, execute_request to `status: idle`, over 200 cells;
- idle_rss_mb: resident memory of the kernel process when idle (VmRSS in /proc);
- interrupt_ms: KernelManager.interrupt_kernel to the execute_reply of a running long cell
  (median of 3);
- heartbeat_during_cell: whether the heartbeat echoes while a long cell runs.

Prints one JSON line per kernel. A peer that is not installed is skipped with a note on stderr.
tensorcell comes from TENSORCELL_BIN, else .build/release/tensorcell; its kernelspec is installed
into a temporary prefix for the run.

Usage: python bench/kernel_bench.py [--cells 200] [--starts 5]
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
from queue import Empty

import zmq
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_client.manager import KernelManager

REPO = pathlib.Path(__file__).resolve().parents[1]
TIMEOUT = 60

KERNELS = [
    # impl, kernelspec name, trivial cell, long cell
    ("tensorcell", "tensorcell", "1", "sleep(600)"),
    ("ipykernel", "python3", "1", "import time; time.sleep(600)"),
    ("xeus-python", "xpython", "1", "import time; time.sleep(600)"),
]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def kernel_info_round_trip(manager):
    """Waits for the first kernel_info_reply on a raw DEALER that reconnects every millisecond.

    jupyter_client's own sockets retry a refused connection only every 100 ms, which would
    round every start time up to the next 100 ms; the kernel is not what that measures.
    """
    info = manager.get_connection_info()
    socket = zmq.Context.instance().socket(zmq.DEALER)
    socket.setsockopt(zmq.RECONNECT_IVL, 1)
    socket.linger = 0
    socket.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
    message = manager.session.msg("kernel_info_request", {})
    socket.send_multipart(manager.session.serialize(message))
    if not socket.poll(TIMEOUT * 1000):
        raise RuntimeError("no kernel_info_reply")
    socket.recv_multipart()
    socket.close()


def measure_start(kernel_name, starts):
    times = []
    for _ in range(starts):
        manager = KernelManager(kernel_name=kernel_name)
        begin = time.perf_counter()
        manager.start_kernel()
        kernel_info_round_trip(manager)
        times.append((time.perf_counter() - begin) * 1000)
        manager.shutdown_kernel(now=True)
    return statistics.median(times)


def wait_idle(client, msg_id):
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return


def wait_reply(client, msg_id, timeout=TIMEOUT):
    while True:
        reply = client.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def wait_execute_input(client, msg_id):
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            return


def heartbeat_answers(manager):
    info = manager.get_connection_info()
    socket = zmq.Context.instance().socket(zmq.REQ)
    socket.linger = 0
    socket.connect(f"{info['transport']}://{info['ip']}:{info['hb_port']}")
    socket.send(b"ping")
    answered = bool(socket.poll(5000)) and socket.recv() == b"ping"
    socket.close()
    return answered


def measure(impl, kernel_name, trivial, long_cell, cells, starts):
    result = {"name": "kernel", "impl": impl}
    result["start_ms"] = round(measure_start(kernel_name, starts), 1)

    manager = KernelManager(kernel_name=kernel_name)
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=TIMEOUT)
    try:
        for _ in range(20):  # warm up, and make sure iopub is subscribed
            msg_id = client.execute(trivial)
            wait_reply(client, msg_id)
            wait_idle(client, msg_id)
        times = []
        for _ in range(cells):
            begin = time.perf_counter()
            msg_id = client.execute(trivial)
            wait_idle(client, msg_id)
            times.append((time.perf_counter() - begin) * 1000)
            wait_reply(client, msg_id)
        times.sort()
        result["cell_p50_ms"] = round(statistics.median(times), 3)
        result["cell_p99_ms"] = round(times[min(len(times) - 1, int(len(times) * 0.99))], 3)

        time.sleep(1)
        result["idle_rss_mb"] = round(rss_mb(manager.provisioner.process.pid), 1)

        interrupts = []
        heartbeat = None
        for attempt in range(3):
            msg_id = client.execute(long_cell)
            wait_execute_input(client, msg_id)
            time.sleep(0.3)  # let the cell get into its sleep
            if attempt == 0:
                heartbeat = heartbeat_answers(manager)
            begin = time.perf_counter()
            manager.interrupt_kernel()
            try:
                wait_reply(client, msg_id, timeout=10)
            except Empty:
                print(f"{impl}: the interrupt did not end the running cell within 10 s", file=sys.stderr)
                break
            interrupts.append((time.perf_counter() - begin) * 1000)
            wait_idle(client, msg_id)
        result["interrupt_ms"] = round(statistics.median(interrupts), 1) if interrupts else None
        result["heartbeat_during_cell"] = heartbeat
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return result


def tensorcell_binary():
    if os.environ.get("TENSORCELL_BIN"):
        return pathlib.Path(os.environ["TENSORCELL_BIN"]).resolve()
    return (REPO / ".build" / "release" / "tensorcell").resolve()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=200)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--only", choices=[k[0] for k in KERNELS], action="append")
    arguments = parser.parse_args()

    # Peers' kernelspecs start "python"; make that the interpreter running this script.
    os.environ["PATH"] = str(pathlib.Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    prefix = tempfile.mkdtemp(prefix="tensorcell-bench-")
    binary = tensorcell_binary()
    if binary.exists():
        subprocess.run([str(binary), "install", "--prefix", prefix], check=True, capture_output=True)
        os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter") + os.pathsep + os.environ.get("JUPYTER_PATH", "")

    specs = KernelSpecManager()
    for impl, kernel_name, trivial, long_cell in KERNELS:
        if arguments.only and impl not in arguments.only:
            continue
        try:
            specs.get_kernel_spec(kernel_name)
        except NoSuchKernel:
            print(f"skipping {impl}: no kernelspec '{kernel_name}' installed", file=sys.stderr)
            continue
        print(json.dumps(measure(impl, kernel_name, trivial, long_cell, arguments.cells, arguments.starts)), flush=True)


if __name__ == "__main__":
    main()
