"""NumPy's figures on the engine workloads, printed as tensorcell-bench prints its own.

usage: python3 reference_numpy.py WORKLOAD [THREADS]   (WORKLOAD: sgemm or elementwise)

THREADS (default: all cores) is set before NumPy loads its BLAS.
"""
import json
import os
import sys
import time

workload = sys.argv[1] if len(sys.argv) > 1 else "sgemm"
threads = sys.argv[2] if len(sys.argv) > 2 else str(os.cpu_count())
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


figures = {"sgemm": sgemm, "elementwise": elementwise}[workload]()
print(json.dumps({"name": workload, "impl": "numpy", "threads": int(threads), **figures}))
