#!/usr/bin/env python3
"""Runs every benchmark beside its peers in one session and writes docs/benchmarks.md.

Each Tensorcell workload runs as `tensorcell-bench NAME` and prints one JSON line; each peer
script in bench/ prints JSON lines of the same shape with an "impl" key naming the peer. The
report puts each figure beside the peer's, measured minutes apart on the same machine, as a
ratio. A workload Tensorcell does not have yet, or a peer that is not installed, is listed as
missing rather than left out.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_BIN = os.path.join(ROOT, ".build", "release", "tensorcell-bench")

# (workload, figure key, peer impl, what "better" means, the target the issue sets)
COMPARISONS = [
    ("sgemm", "gflops", "numpy", "higher", "at least 0.9x numpy"),
    ("sgemm", "gflops", "pytorch", "higher", ""),
    ("elementwise", "seconds", "numpy", "lower", ""),
    ("elementwise", "bandwidth_ratio", None, "lower", "at most 1.5x the copy-bandwidth bound"),
    ("mlp", "seconds_per_epoch", "pytorch", "lower", "ratio at most 1.0"),
    ("mlp", "peak_rss_mb", "pytorch", "lower", "at most PyTorch's"),
    ("xor", "seconds", "pytorch", "lower", "ratio at most 0.5"),
    ("xor-language", "seconds", "pytorch", "lower", "at most 0.3x (against the Python loop)"),
    ("charts", "total_ms", None, "lower", "under 20 ms"),
    ("charts", "svg_kb", None, "lower", "under 200 KB"),
    ("charts", "png_kb", None, "lower", "under 150 KB"),
    ("kernel", "start_ms", "ipykernel", "lower", "at most 0.1x ipykernel"),
    ("kernel", "cell_p50_ms", "ipykernel", "lower", "at most 0.25x ipykernel"),
    ("kernel", "cell_p50_ms", "xeus-python", "lower", "below xeus-python"),
    ("kernel", "cell_p99_ms", "ipykernel", "lower", ""),
    ("kernel", "idle_rss_mb", "ipykernel", "lower", "at most 20 MB"),
    ("kernel", "interrupt_ms", "ipykernel", "lower", ""),
    ("widgets", "onchange_p95_ms", "ipykernel", "lower", "at most ipykernel's; goal 0.25x"),
    ("widgets", "onchange_p50_ms", "ipykernel", "lower", ""),
    ("widgets", "playground_redraws_per_s", None, "higher", "at least 10"),
    ("widgets", "playground_steps_per_s", None, "higher", "at least 100"),
]

TENSORCELL_WORKLOADS = ["sgemm", "elementwise", "mlp", "xor", "xor-language", "charts"]

# Peer scripts: (script, arguments). Each prints JSON lines with "name" and "impl".
PEER_SCRIPTS = [
    ("reference_numpy.py", []),
    ("reference_pytorch.py", []),
    ("kernel_bench.py", []),
    ("widget_bench.py", []),
]

# ---- The language, the course and the playground: rows and workloads added to the lists above.
COMPARISONS += [
    ("debug-hooks", "overhead_percent", None, "lower", "at most 3 (percent, xor-language without a debugger)"),
    ("course", "seconds", None, "lower", "a figure to hold"),
    ("course", "kernel_share", None, "lower", ""),
    ("course", "drawing_share", None, "lower", ""),
    ("playground", "redraw_ms_1", None, "lower", ""),
    ("playground", "redraw_ms_2", None, "lower", "under 100 ms (10 redraws a second)"),
    ("playground", "redraw_ms_4", None, "lower", ""),
    ("playground", "steps_per_s_2", None, "higher", ""),
]
TENSORCELL_WORKLOADS += ["playground"]
PEER_SCRIPTS += [
    ("debug_hooks_bench.py", []),
    ("course_bench.py", []),
]
# ---- End of the language, course and playground block.


def run_json_lines(command, timeout):
    """Runs a command and returns the JSON objects it printed, one a line."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired) as error:
        return [], str(error)
    results = []
    for line in done.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                results.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    message = "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["exit %d" % done.returncode])[-1]
    return results, message


def collect(python):
    figures = {}  # (name, impl) -> dict
    notes = []
    for workload in TENSORCELL_WORKLOADS:
        results, message = run_json_lines([BENCH_BIN, workload], timeout=900)
        if not results:
            notes.append("tensorcell `%s`: not measured (%s)" % (workload, message or "no output"))
        for result in results:
            figures[(result["name"], result.get("impl", "tensorcell"))] = result
        print("tensorcell", workload, results or message, file=sys.stderr)
    for script, args in PEER_SCRIPTS:
        path = os.path.join(ROOT, "bench", script)
        if not os.path.exists(path):
            notes.append("peer script `bench/%s` is not there yet" % script)
            continue
        results, message = run_json_lines([python, path] + args, timeout=1800)
        if message:
            notes.append("`bench/%s`: %s" % (script, message))
        for result in results:
            figures[(result["name"], result.get("impl", "tensorcell"))] = result
        print(script, results or message, file=sys.stderr)
    return figures, notes


def fmt(value):
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return "%.0f" % value
    if abs(value) >= 10:
        return "%.1f" % value
    return "%.3g" % value


def report(figures, notes):
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench`: every figure below was measured in one run on one machine,",
        "Tensorcell beside its peer, so the ratio is what counts; absolute figures move with the",
        "machine and its load. Each workload also runs alone as `tensorcell-bench NAME`.",
        "",
        "Machine: %s, %d cores, Python %s. Run on %s."
        % (platform.machine(), os.cpu_count() or 0, platform.python_version(), datetime.date.today().isoformat()),
        "",
        "| workload | figure | Tensorcell | peer | peer's figure | ratio | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for workload, key, peer, better, target in COMPARISONS:
        ours = figures.get((workload, "tensorcell"), {}).get(key)
        theirs = figures.get((workload, peer), {}).get(key) if peer else None
        if ours is None and theirs is None:
            continue
        ratio = ""
        if ours is not None and theirs:
            ratio = "%.2fx" % (ours / theirs)
        lines.append(
            "| %s | %s (%s is better) | %s | %s | %s | %s | %s |"
            % (workload, key, better, fmt(ours), peer or "", fmt(theirs) if peer else "", ratio, target)
        )
    lines += ["", "Ratio is Tensorcell's figure over the peer's.", ""]
    extra = sorted(k for k in figures if k[1] == "tensorcell")
    if extra:
        lines += ["## All figures", "", "| workload | impl | figures |", "|---|---|---|"]
        for key in sorted(figures):
            result = figures[key]
            shown = ", ".join("%s %s" % (k, fmt(v) if isinstance(v, (int, float)) else v)
                              for k, v in result.items() if k not in ("name", "impl"))
            lines.append("| %s | %s | %s |" % (key[0], key[1], shown))
        lines.append("")
    if notes:
        lines += ["## Not measured in this run", ""] + ["- " + note for note in notes] + [""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", help="the Markdown file to rewrite")
    parser.add_argument("--python", default=sys.executable, help="the Python that runs the peer scripts")
    options = parser.parse_args()
    figures, notes = collect(options.python)
    text = report(figures, notes)
    if options.write:
        with open(options.write, "w") as out:
            out.write(text)
    print(text)


if __name__ == "__main__":
    main()
