#!/usr/bin/env python3
"""Where a workload's time goes: samples `tensorcell-bench WORKLOAD ARGS...` with perf and
prints the functions the samples fall in, with their share, as a Markdown line.

Samples whose call stack passes through the making of the synthetic data (`randn`, `randint`)
are left out, so the shares are those of the measured part. Uses the cpu-clock software event,
which works where hardware counters are not exposed (virtual machines).

Usage: bench/perf_profile.py [--top N] WORKLOAD [ARGS...]
"""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_BIN = os.path.join(ROOT, ".build", "release", "tensorcell-bench")
SETUP = ("randn", "randint", "portableLog")


def demangle(symbols):
    """Readable names for Swift symbols (`swift demangle --simplified`), others unchanged."""
    try:
        done = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(symbols),
                              capture_output=True, text=True, check=True)
        names = done.stdout.splitlines()
        if len(names) == len(symbols):
            return names
    except (OSError, subprocess.CalledProcessError):
        pass
    return symbols


def short(name):
    """A function's name without its module path, generic clauses or argument types."""
    name = re.sub(r"^(generic )?specialization <[^>]*> of ", "", name)
    name = re.sub(r"^closure #\d+ .* in ", "closure in ", name)
    name = name.split("(")[0]
    name = re.sub(r"<.*>", "", name)
    return name.strip() or "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=6)
    parser.add_argument("--frequency", type=int, default=999)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    if not options.command:
        parser.error("name a workload")
    with tempfile.TemporaryDirectory() as folder:
        data = os.path.join(folder, "perf.data")
        record = ["perf", "record", "-q", "-e", "cpu-clock", "-F", str(options.frequency), "-g", "-o", data,
                  BENCH_BIN] + options.command
        done = subprocess.run(record, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit("perf record failed: " + done.stderr.strip())
        figures = done.stdout.strip().splitlines()[-1:] if done.stdout.strip() else []
        script = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym,dso"], capture_output=True, text=True).stdout
    counts = collections.Counter()
    total = 0
    for sample in script.split("\n\n"):
        frames = [line.strip() for line in sample.strip().splitlines() if line.strip()]
        if not frames:
            continue
        if any(marker in frame for frame in frames for marker in SETUP):
            continue
        parts = frames[0].split(None, 1)
        symbol = parts[1] if len(parts) > 1 else "?"
        symbol = re.sub(r"\+0x[0-9a-f]+", "", symbol)
        symbol = re.sub(r"\s*\(.*\)$", "", symbol).strip()
        counts[symbol] += 1
        total += 1
    if not total:
        sys.exit("no samples")
    symbols = list(counts)
    names = dict(zip(symbols, (short(name) for name in demangle(symbols))))
    merged = collections.Counter()
    for symbol, count in counts.items():
        merged[names[symbol]] += count
    top = ", ".join("%s %.0f%%" % (name, 100 * count / total) for name, count in merged.most_common(options.top))
    print("%s (%d samples): %s" % (" ".join(options.command), total, top))
    for line in figures:
        print(line)


if __name__ == "__main__":
    main()
