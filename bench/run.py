#!/usr/bin/env python3
"""Runs the benchmarks beside their peers, alternating, and writes docs/benchmarks.md.

Each Tensorcell workload runs as `tensorcell-bench NAME` and prints one JSON line; each peer
script in bench/ prints JSON lines of the same shape with an "impl" key naming the peer. A
workload's commands (Tensorcell's and its peers') run one after the other, and that round is
repeated (`--rounds`, or the workload's own default), so that a burst of load on a shared
machine falls on both sides alike. The report gives each figure's median over the rounds with
its spread (the smallest and largest), beside the peer's, and the ratio of the medians.

A workload Tensorcell does not have yet, or a peer that is not installed, is listed as missing
rather than left out. `--only conv,mlp` runs some workloads and reports the others from the
last run (every run keeps its raw figures in build/bench-results.json); `--scaling` adds the
tables of how the cost grows with size. With `--write`, only the part of the file between the markers
`<!-- measured:begin -->` and `<!-- measured:end -->` is replaced (the whole file when it has
none), so the prose around the tables stays.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_BIN = os.path.join(ROOT, ".build", "release", "tensorcell-bench")
RESULTS = os.path.join(ROOT, "build", "bench-results.json")
BEGIN, END = "<!-- measured:begin -->", "<!-- measured:end -->"

# (workload, figure key, peer impl, what "better" means, the target the issue sets)
COMPARISONS = [
    ("sgemm", "gflops", "numpy", "higher", "at least 0.9x numpy"),
    ("sgemm", "gflops", "pytorch", "higher", ""),
    ("elementwise", "seconds", "numpy", "lower", ""),
    ("elementwise", "bandwidth_ratio", None, "lower", "at most 1.5x the copy-bandwidth bound"),
    ("mlp", "seconds_per_epoch", "pytorch", "lower", "at most 0.45x"),
    ("mlp", "peak_rss_mb", "pytorch", "lower", "at most PyTorch's"),
    ("conv", "seconds_per_epoch", "pytorch", "lower", "at most 0.7x"),
    ("conv", "peak_rss_mb", "pytorch", "lower", ""),
    ("digits-cnn", "seconds", None, "lower", ""),
    ("xor", "seconds", "pytorch", "lower", "ratio at most 0.5"),
    ("xor-language", "seconds", "pytorch", "lower", "at most 0.3x (against the Python loop)"),
    ("charts", "total_ms", None, "lower", "at most 20 ms"),
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
    ("playground", "redraw_ms_1", None, "lower", ""),
    ("playground", "redraw_ms_2", None, "lower", "under 100 ms (10 redraws a second)"),
    ("playground", "redraw_ms_4", None, "lower", ""),
    ("playground", "steps_per_s_2", None, "higher", ""),
    ("debug-hooks", "overhead_percent", None, "lower", "at most 3 (percent, xor-language without a debugger)"),
    ("course", "seconds", None, "lower", "a figure to hold"),
    ("course", "kernel_share", None, "lower", ""),
    ("course", "drawing_share", None, "lower", ""),
]


def tensorcell(name, *args):
    return ("tensorcell", [BENCH_BIN, name, *args])


def peer(impl, script, *args):
    """A peer script run by the chosen Python; "{python}" is filled in at run time."""
    return (impl, ["{python}", os.path.join(ROOT, "bench", script), *args])


# Every workload: its name, the rounds it runs by default (fewer for slow ones), and its
# commands, run in this order in every round.
WORKLOADS = [
    ("sgemm", 5, [tensorcell("sgemm"), peer("numpy", "reference_numpy.py", "sgemm"),
                  peer("pytorch", "reference_pytorch.py", "sgemm")]),
    ("elementwise", 5, [tensorcell("elementwise"), peer("numpy", "reference_numpy.py", "elementwise")]),
    ("mlp", 5, [tensorcell("mlp"), peer("pytorch", "reference_pytorch.py", "mlp")]),
    ("conv", 3, [tensorcell("conv"), peer("pytorch", "reference_pytorch.py", "conv")]),
    ("digits-cnn", 3, [tensorcell("digits-cnn", "--runs", "1")]),
    ("xor", 5, [tensorcell("xor"), peer("pytorch", "reference_pytorch.py", "xor")]),
    ("xor-language", 5, [tensorcell("xor-language"), peer("pytorch", "reference_pytorch.py", "xor-language")]),
    ("charts", 5, [tensorcell("charts")]),
    ("playground", 3, [tensorcell("playground")]),
    # These measure every kernel in one process, so a round is one run of the script.
    ("kernel", 1, [peer("kernels", "kernel_bench.py")]),
    ("widgets", 1, [peer("kernels", "widget_bench.py")]),
    # These alternate their own runs inside the script (builds with and without the debugger's
    # hooks; every notebook of the course), so one round each.
    ("debug-hooks", 1, [peer("tensorcell", "debug_hooks_bench.py")]),
    ("course", 1, [peer("tensorcell", "course_bench.py")]),
]

# How the cost grows: (workload, figure, the option that varies, its values, fixed options,
# peer impl or None).
SCALING = [
    ("sgemm", "gflops", "size", [256, 1024, 2048], [], "numpy"),
    ("conv", "seconds_per_epoch", "size", [28, 56, 84], ["--samples", "2000"], "pytorch"),
    ("mlp", "seconds_per_epoch", "batch", [32, 128, 512], [], "pytorch"),
]
SCALING_ROUNDS = 3

# With `--baseline DIR`, an earlier checkout of Tensorcell with its release builds runs beside
# this one in every round of the workloads it has, filed under this impl.
EARLIER = "tensorcell-earlier"


def baseline_commands(directory):
    """The earlier checkout's command for each workload it can run, by workload name."""
    bench = os.path.join(directory, ".build", "release", "tensorcell-bench")
    kernel = os.path.join(directory, ".build", "release", "tensorcell")
    commands = {}
    if os.path.exists(bench):
        # With no arguments, tensorcell-bench lists its workloads on stderr.
        listed = subprocess.run([bench], capture_output=True, text=True).stderr
        known = set()
        for line in listed.splitlines():
            if line.startswith("workloads:"):
                known = {name.strip() for name in line[len("workloads:"):].split(",")}
        for name, _, workload_commands in WORKLOADS:
            for impl, argv in workload_commands:
                if impl == "tensorcell" and argv[0] == BENCH_BIN and name in known:
                    commands[name] = (EARLIER, [bench, *argv[1:]])
    if os.path.exists(kernel):
        # The kernel figures of the earlier build, measured by this checkout's script.
        commands["kernel"] = (EARLIER, ["{python}", os.path.join(ROOT, "bench", "kernel_bench.py"), "--only", "tensorcell"],
                              {"TENSORCELL_BIN": os.path.abspath(kernel)})
    return commands


def baseline_name(directory):
    try:
        done = subprocess.run(["git", "-C", directory, "log", "-1", "--format=%h of %cs"], capture_output=True, text=True)
        return done.stdout.strip() or os.path.basename(os.path.abspath(directory))
    except OSError:
        return os.path.basename(os.path.abspath(directory))


def run_json_lines(command, timeout, env=None):
    """Runs a command and returns the JSON objects it printed, one a line, and an error message."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)
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
    message = ""
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["exit %d" % done.returncode])[-1]
    elif not results:
        message = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return results, message


def run_rounds(commands, rounds, python, samples, notes, label):
    """Runs `commands` `rounds` times, alternating; adds each result to samples[(name, impl)].

    A command is (impl, argv) or (impl, argv, env): env is added to the environment. The results
    of an `EARLIER` command are Tensorcell's, filed under that impl."""
    for round_index in range(rounds):
        for impl, argv, *rest in commands:
            env = dict(os.environ, **rest[0]) if rest else None
            program = argv[1] if argv[0] == "{python}" else argv[0]
            argv = [python if part == "{python}" else part for part in argv]
            if not os.path.exists(program):
                notes.add("`%s` (%s): `%s` is not there" % (label, impl, os.path.relpath(program, ROOT)))
                continue
            results, message = run_json_lines(argv, timeout=1800, env=env)
            if message:
                notes.add("`%s` (%s): %s" % (label, impl, message))
            for result in results:
                result_impl = result.get("impl", "tensorcell")
                if impl == EARLIER and result_impl == "tensorcell":
                    result_impl = EARLIER
                key = (result["name"], result_impl)
                samples.setdefault(key, []).append(result)
            print("round %d/%d %s %s: %s" % (round_index + 1, rounds, label, impl, results or message), file=sys.stderr)


def summarize(results):
    """The median, smallest and largest of every numeric figure over several results."""
    figures = {}
    for key in results[0]:
        values = [r[key] for r in results if isinstance(r.get(key), (int, float)) and not isinstance(r.get(key), bool)]
        if values:
            figures[key] = (statistics.median(values), min(values), max(values), len(values))
    return figures


def fmt(value):
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return "%.0f" % value
    if abs(value) >= 10:
        return "%.1f" % value
    return "%.3g" % value


def with_spread(figure):
    """`median (min-max)`, or the one value when there is one."""
    if figure is None:
        return ""
    middle, low, high, count = figure
    if count == 1 or low == high:
        return fmt(middle)
    return "%s (%s-%s)" % (fmt(middle), fmt(low), fmt(high))


def comparison_table(summaries, only):
    lines = [
        "| workload | figure | Tensorcell: median (spread) | peer | peer's median (spread) | ratio | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for workload, key, peer_impl, better, target in COMPARISONS:
        if only and workload not in only:
            continue
        ours = summaries.get((workload, "tensorcell"), {}).get(key)
        theirs = summaries.get((workload, peer_impl), {}).get(key) if peer_impl else None
        if ours is None and theirs is None:
            continue
        ratio = "%.2fx" % (ours[0] / theirs[0]) if ours and theirs and theirs[0] else ""
        lines.append("| %s | %s (%s is better) | %s | %s | %s | %s | %s |" % (
            workload, key, better, with_spread(ours), peer_impl or "", with_spread(theirs), ratio, target))
    return lines


def scaling_tables(scaling_samples):
    lines = []
    for workload, key, option, values, _, peer_impl in SCALING:
        rows = []
        for value in values:
            ours = scaling_samples.get((workload, option, value, "tensorcell"))
            theirs = scaling_samples.get((workload, option, value, peer_impl)) if peer_impl else None
            ours = summarize(ours).get(key) if ours else None
            theirs = summarize(theirs).get(key) if theirs else None
            if ours is None and theirs is None:
                continue
            ratio = "%.2fx" % (ours[0] / theirs[0]) if ours and theirs and theirs[0] else ""
            rows.append("| %s | %s | %s | %s |" % (value, with_spread(ours), with_spread(theirs), ratio))
        if rows:
            lines += [
                "`%s`, %s by `--%s` (median of %d alternating rounds, spread in brackets):" % (workload, key, option, SCALING_ROUNDS),
                "",
                "| %s | Tensorcell | %s | ratio |" % (option, peer_impl or ""),
                "|---|---|---|---|",
            ] + rows + [""]
    return lines


def earlier_table(summaries, earlier):
    """This Tensorcell beside the earlier one, figure by figure, with both ratios to the peer."""
    lines = [
        "### Beside an earlier Tensorcell (%s)" % earlier,
        "",
        "The earlier build ran in the same rounds as the rest, alternating. A ratio to the peer is",
        "the median of that Tensorcell's figure over the median of the peer's in this run.",
        "",
        "| workload | figure | Tensorcell: median (spread) | earlier: median (spread) | this over earlier | peer | ratio now | ratio earlier |",
        "|---|---|---|---|---|---|---|---|",
    ]
    seen = set()
    for workload, key, peer_impl, better, _ in COMPARISONS:
        ours = summaries.get((workload, "tensorcell"), {}).get(key)
        before = summaries.get((workload, EARLIER), {}).get(key)
        if ours is None or before is None:
            continue
        theirs = summaries.get((workload, peer_impl), {}).get(key) if peer_impl else None
        if (workload, key) in seen and theirs is None:
            continue
        seen.add((workload, key))
        change = "%.2fx" % (ours[0] / before[0]) if before[0] else ""
        now = "%.2fx" % (ours[0] / theirs[0]) if theirs and theirs[0] else ""
        then = "%.2fx" % (before[0] / theirs[0]) if theirs and theirs[0] else ""
        lines.append("| %s | %s (%s is better) | %s | %s | %s | %s | %s | %s |" % (
            workload, key, better, with_spread(ours), with_spread(before), change, peer_impl or "", now, then))
    return lines + [""]


def report(summaries, rounds_run, notes, scaling_samples, only, earlier=None, load=None):
    lines = [
        BEGIN,
        "Machine: %s, %d cores, Python %s. Run on %s; each workload's commands ran alternately,"
        % (platform.machine(), os.cpu_count() or 0, platform.python_version(), datetime.date.today().isoformat()),
        "for the number of rounds in the last table%s." % (
            "; the load average was %.1f when the run began" % load if load is not None else ""),
        "",
    ]
    lines += comparison_table(summaries, only)
    lines += ["", "Ratio is the median of Tensorcell's figure over the median of the peer's.", ""]
    if earlier and any(impl == EARLIER for _, impl in summaries):
        lines += earlier_table(summaries, earlier)
    if scaling_samples:
        lines += ["### How the cost grows", ""] + scaling_tables(scaling_samples)
    if summaries:
        lines += ["### All figures (medians)", "", "| workload | impl | rounds | figures |", "|---|---|---|---|"]
        for key in sorted(summaries):
            shown = ", ".join("%s %s" % (k, fmt(v[0])) for k, v in summaries[key].items() if k not in ("name", "impl"))
            lines.append("| %s | %s | %d | %s |" % (key[0], key[1], rounds_run.get(key, 0), shown))
        lines.append("")
    if notes:
        lines += ["### Not measured in this run", ""] + ["- " + note for note in sorted(notes)] + [""]
    lines.append(END)
    return "\n".join(lines)


def write(path, measured):
    try:
        with open(path) as existing:
            text = existing.read()
    except FileNotFoundError:
        text = ""
    if BEGIN in text and END in text:
        before = text[:text.index(BEGIN)]
        after = text[text.index(END) + len(END):]
        text = before + measured + after
    else:
        text = "# Benchmarks\n\n" + measured + "\n"
    with open(path, "w") as out:
        out.write(text)


def merged_with_last_run(samples, scaling_samples, only):
    """Adds the last run's figures of the workloads not run this time, and saves the whole."""
    if only:
        try:
            with open(RESULTS) as saved:
                last = json.load(saved)
        except (OSError, ValueError):
            last = {}
        for key, results in last.get("samples", {}).items():
            name, impl = key.split("\t")
            if name not in only and (name, impl) not in samples:
                samples[(name, impl)] = results
        # A workload run again without --scaling keeps the scaling tables of the last run.
        for key, results in last.get("scaling", {}).items():
            workload, option, value, impl = key.split("\t")
            scaling_samples.setdefault((workload, option, int(value), impl), results)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as out:
        json.dump({
            "samples": {"%s\t%s" % key: results for key, results in samples.items()},
            "scaling": {"%s\t%s\t%s\t%s" % key: results for key, results in scaling_samples.items()},
        }, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", help="the Markdown file whose measured part to rewrite")
    parser.add_argument("--python", default=sys.executable, help="the Python that runs the peer scripts")
    parser.add_argument("--only", help="comma-separated workloads to run (default: all)")
    parser.add_argument("--rounds", type=int, help="alternating rounds for every workload (default: each its own)")
    parser.add_argument("--scaling", action="store_true", help="also measure how the cost grows with size")
    parser.add_argument("--baseline", help="an earlier checkout with its release builds, run beside this one")
    options = parser.parse_args()
    earlier = baseline_commands(options.baseline) if options.baseline else {}
    if options.baseline and not earlier:
        parser.error("%s has no .build/release/tensorcell-bench or tensorcell" % options.baseline)
    names = [w[0] for w in WORKLOADS]
    only = [name.strip() for name in options.only.split(",")] if options.only else None
    unknown = [name for name in only or [] if name not in names]
    if unknown:
        parser.error("no workload named %s; workloads: %s" % (", ".join(unknown), ", ".join(names)))

    load = os.getloadavg()[0]
    samples, notes = {}, set()
    for name, default_rounds, commands in WORKLOADS:
        if only and name not in only:
            continue
        if name in earlier:
            commands = commands + [earlier[name]]
        run_rounds(commands, options.rounds or default_rounds, options.python, samples, notes, name)
    scaling_samples = {}
    if options.scaling:
        for workload, _, option, values, fixed, peer_impl in SCALING:
            if only and workload not in only:
                continue
            for value in values:
                extra = ["--%s" % option, str(value)] + fixed
                commands = [tensorcell(workload, *extra)]
                if peer_impl:
                    script = "reference_numpy.py" if peer_impl == "numpy" else "reference_pytorch.py"
                    commands.append(peer(peer_impl, script, workload, *extra))
                found = {}
                run_rounds(commands, SCALING_ROUNDS, options.python, found, notes, "%s --%s %s" % (workload, option, value))
                for (name, impl), results in found.items():
                    scaling_samples[(name, option, value, impl)] = results

    merged_with_last_run(samples, scaling_samples, only)
    summaries = {key: summarize(results) for key, results in samples.items() if results}
    rounds_run = {key: len(results) for key, results in samples.items()}
    measured = report(summaries, rounds_run, notes, scaling_samples, None,
                      baseline_name(options.baseline) if options.baseline else None, load)
    if options.write:
        write(options.write, measured)
    print(measured)


if __name__ == "__main__":
    main()
