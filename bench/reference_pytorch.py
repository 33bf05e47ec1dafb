#!/usr/bin/env python3
"""PyTorch's figures on Tensorcell's engine workloads, one JSON line each, "impl": "pytorch".

  sgemm : 1024 x 1024 x 1024 float32 matrix product, GFLOP/s
  mlp   : 784-128-10 MLP, relu, softmax cross-entropy, SGD lr 0.1, batch 128, one epoch over
          60,000 synthetic float32 samples; seconds per epoch and the process's peak RSS
  xor   : 2-8-1 MLP, tanh then sigmoid, MSE, SGD lr 0.5, 2,000 full-batch steps on XOR; seconds

Usage: reference_pytorch.py [THREADS]  (default: every core). Prints nothing but a note on
stderr when PyTorch is not installed.
"""

import json
import os
import resource
import sys
import time


def median_seconds(work, repeats):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return samples[len(samples) // 2]


def main():
    try:
        import torch
    except ImportError:
        print("reference_pytorch.py: PyTorch is not installed", file=sys.stderr)
        return
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else (os.cpu_count() or 1)
    torch.set_num_threads(threads)
    generator = torch.Generator().manual_seed(0)

    n = 1024
    a = torch.randn(n, n, generator=generator)
    b = torch.randn(n, n, generator=generator)
    a @ b
    seconds = median_seconds(lambda: a @ b, 7)
    print(json.dumps({"name": "sgemm", "impl": "pytorch", "threads": threads, "gflops": 2 * n**3 / seconds / 1e9}))

    xs = torch.randn(60000, 784, generator=generator)
    ys = torch.randint(0, 10, (60000,), generator=generator)

    def epoch():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        loss_function = torch.nn.CrossEntropyLoss()
        for start in range(0, 60000, 128):
            optimizer.zero_grad()
            loss = loss_function(model(xs[start:start + 128]), ys[start:start + 128])
            loss.backward()
            optimizer.step()

    epoch()
    seconds = median_seconds(epoch, 3)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"name": "mlp", "impl": "pytorch", "threads": threads,
                      "seconds_per_epoch": seconds, "peak_rss_mb": peak_mb}))

    inputs = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    targets = torch.tensor([[0.0], [1.0], [1.0], [0.0]])

    def xor():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1), torch.nn.Sigmoid())
        optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
        for _ in range(2000):
            optimizer.zero_grad()
            loss = ((model(inputs) - targets) ** 2).mean()
            loss.backward()
            optimizer.step()

    xor()
    seconds = median_seconds(xor, 5)
    print(json.dumps({"name": "xor", "impl": "pytorch", "threads": threads, "seconds": seconds}))
    # The same loop, as a learner writes it in a notebook, is what `xor-language` is set beside.
    print(json.dumps({"name": "xor-language", "impl": "pytorch", "threads": threads, "seconds": seconds}))


if __name__ == "__main__":
    main()
