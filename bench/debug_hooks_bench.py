#!/usr/bin/env python3
"""What the debugger's hooks cost a program when no debugger is attached.

Every statement asks whether a debugger is attached (one atomic load and a branch). This
script runs the `xor-language` workload (the XOR training loop in the language) with two
builds of `tensorcell-bench`, alternating: the normal one, and one built with
`-D NO_DEBUG_HOOKS`, where that test is a constant false and the compiler drops the hooks:

    swift build -c release --static-swift-stdlib --build-path .build-nohooks \\
        -Xswiftc -DNO_DEBUG_HOOKS --product tensorcell-bench

Prints one JSON line ("name": "debug-hooks"): the median seconds of each build over `--rounds`
alternating rounds, the spread (min and max) of each, and `overhead_percent`, the median of
each round's (hooks / no hooks - 1) x 100.

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
    """One run of xor-language (its own median of 3), in seconds."""
    done = subprocess.run([binary, "xor-language", str(steps), "3"], capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("{"))
    return json.loads(line)["seconds"]


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
    for round_index in range(options.rounds):
        # Alternate which build goes first, so a drift in the machine's load favours neither.
        order = [(WITH_HOOKS, hooks), (WITHOUT_HOOKS, plain)]
        if round_index % 2:
            order.reverse()
        for binary, samples in order:
            samples.append(seconds(binary, options.steps))
        overheads.append((hooks[-1] / plain[-1] - 1) * 100)
    print(json.dumps({
        "name": "debug-hooks", "impl": "tensorcell",
        "seconds_with_hooks": round(statistics.median(hooks), 4),
        "seconds_without_hooks": round(statistics.median(plain), 4),
        "with_hooks_min": round(min(hooks), 4), "with_hooks_max": round(max(hooks), 4),
        "without_hooks_min": round(min(plain), 4), "without_hooks_max": round(max(plain), 4),
        "overhead_percent": round(statistics.median(overheads), 2),
        "overhead_percent_min": round(min(overheads), 2), "overhead_percent_max": round(max(overheads), 2),
        "rounds": options.rounds,
    }), flush=True)


if __name__ == "__main__":
    main()
