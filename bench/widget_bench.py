#!/usr/bin/env python3
"""Widget figures as a front end sees them, for tensorcell and ipykernel + ipywidgets in one run.

- onchange_p50_ms / onchange_p95_ms: a front end's `update` of a slider's value (a comm_msg on
  shell) to the stream its onChange callback prints arriving on iopub, over 200 updates (the
  slider is made but not shown, so the callback's print goes to the stream in both kernels);
- playground_redraws_per_s / playground_steps_per_s (tensorcell only): a playground with two
  hidden layers of 8 neurons trains for 3 seconds; redraws are the picture updates that reach
  the front end, steps the training steps taken meanwhile. The same with one and four hidden
  layers: playground_redraws_per_s_1, playground_steps_per_s_4, ...

Prints one JSON line per kernel ("name": "widgets"). ipykernel without ipywidgets is skipped with
a note on stderr.

Usage: python bench/widget_bench.py [--updates 200]
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

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_client.manager import start_new_kernel

REPO = pathlib.Path(__file__).resolve().parents[1]
TIMEOUT = 60

SLIDER = {
    "tensorcell": "let s = slider(0...1000000, value: 0)\ns.onChange { v in print(v) }",
    "ipykernel": (
        "import ipywidgets as w\ns = w.IntSlider(min=0, max=1000000, value=0)\n"
        "s.observe(lambda change: print(change['new']), names='value')"
    ),
}


def iopub_until(client, predicate, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no such message on iopub")
        msg = client.get_iopub_msg(timeout=remaining)
        if predicate(msg):
            return msg


def execute(client, code):
    """Runs a cell; returns its iopub messages up to idle."""
    msg_id = client.execute(code)
    messages = []
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            client.get_shell_msg(timeout=TIMEOUT)
            return messages


def slider_id(messages, model_name="IntSliderModel"):
    for msg in messages:
        if msg["msg_type"] == "comm_open" and msg["content"]["data"]["state"].get("_model_name") == model_name:
            return msg["content"]["comm_id"]
    raise RuntimeError("the kernel opened no slider model")


def measure_onchange(client, impl, updates):
    comm_id = slider_id(execute(client, SLIDER[impl]))
    times = []
    for value in range(1, updates + 1):
        msg = client.session.msg("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}})
        begin = time.perf_counter()
        client.shell_channel.send(msg)
        iopub_until(
            client,
            lambda m: m["msg_type"] == "stream" and m["content"]["text"].strip() == str(value),
        )
        times.append((time.perf_counter() - begin) * 1000)
        # Let the kernel go idle before the next update, as a learner's drag does between events.
        time.sleep(0.002)
    times.sort()
    return {"onchange_p50_ms": statistics.median(times), "onchange_p95_ms": times[int(0.95 * (len(times) - 1))]}


def measure_playground(client, layers=2, seconds=3.0):
    hidden = ", ".join(["8"] * layers)
    name = f"pg{layers}"
    messages = execute(client, f"let {name} = playground(dataset: \"spiral\", hidden: [{hidden}], lr: 0.03, seed: 1)\n{name}")
    images = [m["content"]["comm_id"] for m in messages
              if m["msg_type"] == "comm_open" and m["content"]["data"]["state"].get("_model_name") == "ImageModel"]
    if not images:
        raise RuntimeError("the playground opened no image model")
    image = images[0]
    before = int(execute_value(client, f"{name}.steps"))
    msg_id = client.execute(f"{name}.play(steps: 1000000)")
    redraws = 0
    begin = time.perf_counter()
    stopped = False
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == image and msg.get("buffers"):
            redraws += 1
        if not stopped and time.perf_counter() - begin >= seconds:
            elapsed = time.perf_counter() - begin
            counted = redraws
            # Pause through the interrupt a learner would send; the cell ends at the next step.
            stopped = True
            interrupt(client)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    client.get_shell_msg(timeout=TIMEOUT)
    steps = int(execute_value(client, f"{name}.steps")) - before
    return {"playground_redraws_per_s": counted / elapsed, "playground_steps_per_s": steps / (time.perf_counter() - begin)}


MANAGER = {}


def interrupt(client):
    MANAGER["manager"].interrupt_kernel()


def execute_value(client, expression):
    for msg in execute(client, expression):
        if msg["msg_type"] == "execute_result":
            return msg["content"]["data"]["text/plain"]
    raise RuntimeError("no result for " + expression)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=200)
    options = parser.parse_args()

    binary = pathlib.Path(os.environ.get("TENSORCELL_BIN", REPO / ".build" / "release" / "tensorcell")).resolve()
    prefix = tempfile.mkdtemp(prefix="tensorcell-widget-bench-")
    subprocess.run([str(binary), "install", "--prefix", prefix], check=True, capture_output=True)
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter") + os.pathsep + os.environ.get("JUPYTER_PATH", "")

    for impl, kernel_name in [("tensorcell", "tensorcell"), ("ipykernel", "python3")]:
        try:
            KernelSpecManager().get_kernel_spec(kernel_name)
        except NoSuchKernel:
            print(f"{impl}: no kernelspec {kernel_name}, skipped", file=sys.stderr)
            continue
        if impl == "ipykernel":
            try:
                import ipywidgets  # noqa: F401
            except ImportError:
                print("ipykernel: ipywidgets is not installed, skipped", file=sys.stderr)
                continue
        manager, client = start_new_kernel(kernel_name=kernel_name, startup_timeout=TIMEOUT)
        MANAGER["manager"] = manager
        try:
            figures = {"name": "widgets", "impl": impl}
            figures.update(measure_onchange(client, impl, options.updates))
            if impl == "tensorcell":
                # Two hidden layers are the headline figures; one and four show how they grow.
                for layers in (1, 2, 4):
                    measured = measure_playground(client, layers)
                    suffix = "" if layers == 2 else f"_{layers}"
                    figures.update({key + suffix: value for key, value in measured.items()})
            print(json.dumps(figures), flush=True)
        except (Empty, TimeoutError, RuntimeError) as error:
            print(f"{impl}: {error}", file=sys.stderr)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
