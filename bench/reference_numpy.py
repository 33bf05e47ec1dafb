"""NumPy's figures on the engine workloads, printed as tensorcell-bench prints its own.

usage: python3 reference_numpy.py [--threads N] [--size N] [WORKLOAD ...]

WORKLOAD is sgemm or elementwise (default: both), one JSON line each with "impl": "numpy".
The thread count (default: every core) is set before NumPy loads its BLAS.
"""
import argparse
import json
import os
import time

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--threads", type=int, default=os.cpu_count())
parser.add_argument("--size", type=int, default=1024, help="the sgemm's matrix size")
parser.add_argument("workloads", nargs="*", default=["sgemm", "elementwise"])
options = parser.parse_args()
threads = str(options.threads)
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = threads

import numpy as np  # noqa: E402  (after the thread settings)


def median(samples):
    ordered = sorted(samples)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def sgemm(size=1024, runs=10):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    a @ b
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        a @ b
        samples.append(time.perf_counter() - start)
    seconds = median(samples)
    return {"gflops": 2 * size**3 / seconds / 1e9, "seconds": seconds, "size": size}


def elementwise(count=1 << 24, runs=15):
    rng = np.random.default_rng(1)
    a = rng.random(count, dtype=np.float32)
    b = rng.random(count, dtype=np.float32)
    a + b
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        c = a + b
        samples.append(time.perf_counter() - start)
        del c
    # NumPy copies on one thread; the bound uses the same single-thread copy rate.
    target = np.empty_like(a)
    np.copyto(target, a)
    copies = []
    for _ in range(runs):
        start = time.perf_counter()
        np.copyto(target, a)
        copies.append(time.perf_counter() - start)
    seconds = median(samples)
    copy_gbps = 2 * a.nbytes / median(copies) / 1e9
    bound = 3 * a.nbytes / (copy_gbps * 1e9)
    return {
        "seconds": seconds,
        "gbps": 3 * a.nbytes / seconds / 1e9,
        "copy_gbps": copy_gbps,
        "bound_seconds": bound,
        "bandwidth_ratio": seconds / bound,
    }


for workload in options.workloads:
    figures = sgemm(options.size) if workload == "sgemm" else elementwise()
    print(json.dumps({"name": workload, "impl": "numpy", "threads": int(threads), **figures}), flush=True)
