#!/usr/bin/env python3
"""What the debugger's hooks cost a program when no debugger is attached.

Every statement asks whether a debugger is attached (one atomic load and a branch). This
script runs the `xor-language` workload (the XOR training loop in the language) with two
builds of `tensorcell-bench`, alternating: the normal one, and one built with
`-D NO_DEBUG_HOOKS`, where that test is a constant false and the compiler drops the hooks:

    swift build -c release --static-swift-stdlib --build-path .build-nohooks \\
        -Xswiftc -DNO_DEBUG_HOOKS --product tensorcell-bench

Prints one JSON line ("name": "debug-hooks"): the median processor seconds of each build over
`--rounds` alternating rounds (the process's clock, which other processes on a busy
machine disturb less than the wall clock; the wall-clock medians are beside them), the spread
(min and max) of each, and `overhead_percent`, the median of each round's
(hooks / no hooks - 1) x 100.

Usage: python bench/debug_hooks_bench.py [--rounds 9] [--steps 2000]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WITH_HOOKS = os.path.join(ROOT, ".build", "release", "tensorcell-bench")
WITHOUT_HOOKS = os.path.join(ROOT, ".build-nohooks", "release", "tensorcell-bench")


def seconds(binary, steps):
    """One run of xor-language (its own median of 3): processor seconds of the process, which a loaded machine disturbs less than the wall clock, and wall seconds."""
    done = subprocess.run([binary, "xor-language", str(steps), "3"], capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("{"))
    figures = json.loads(line)
    return figures.get("cpu_seconds", figures["seconds"]), figures["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--steps", type=int, default=2000)
    options = parser.parse_args()
    for binary in (WITH_HOOKS, WITHOUT_HOOKS):
        if not os.path.exists(binary):
            print(f"debug_hooks_bench.py: no {os.path.relpath(binary, ROOT)}; build it first (see --help)", file=sys.stderr)
            return
    hooks, plain, overheads = [], [], []
    hooks_wall, plain_wall = [], []
    for round_index in range(options.rounds):
        # Alternate which build goes first, so a drift in the machine's load favours neither.
        order = [(WITH_HOOKS, hooks, hooks_wall), (WITHOUT_HOOKS, plain, plain_wall)]
        if round_index % 2:
            order.reverse()
        for binary, samples, wall in order:
            cpu, elapsed = seconds(binary, options.steps)
            samples.append(cpu)
            wall.append(elapsed)
        overheads.append((hooks[-1] / plain[-1] - 1) * 100)
    print(json.dumps({
        "name": "debug-hooks", "impl": "tensorcell",
        "seconds_with_hooks": round(statistics.median(hooks), 4),
        "seconds_without_hooks": round(statistics.median(plain), 4),
        "with_hooks_min": round(min(hooks), 4), "with_hooks_max": round(max(hooks), 4),
        "without_hooks_min": round(min(plain), 4), "without_hooks_max": round(max(plain), 4),
        "wall_seconds_with_hooks": round(statistics.median(hooks_wall), 4),
        "wall_seconds_without_hooks": round(statistics.median(plain_wall), 4),
        "overhead_percent": round(statistics.median(overheads), 2),
        "overhead_percent_min": round(min(overheads), 2), "overhead_percent_max": round(max(overheads), 2),
        "rounds": options.rounds,
    }), flush=True)


if __name__ == "__main__":
    main()
