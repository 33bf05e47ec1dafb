#!/usr/bin/env python3
"""PyTorch's figures on Tensorcell's engine workloads, one JSON line each, "impl": "pytorch".

  sgemm : 1024 x 1024 x 1024 float32 matrix product, GFLOP/s (--size)
  mlp   : 784-128-10 MLP, relu, softmax cross-entropy, SGD lr 0.1, batch 128 (--batch), one
          epoch over 60,000 synthetic float32 samples; seconds per epoch and peak RSS
  conv  : LeNet-5 (Conv2d(1, 6, 5, padding=2), ReLU, MaxPool2d(2), Conv2d(6, 16, 5), ReLU,
          MaxPool2d(2), Flatten, Linear 400-120-84-10 with ReLUs), cross-entropy, Adam lr 1e-3,
          batch 64 (--batch), one epoch over 10,000 (--samples) synthetic 28 x 28 (--size)
          single-channel pictures; seconds per epoch and peak RSS
  xor   : 2-8-1 MLP, tanh then sigmoid, MSE, SGD lr 0.5, 2,000 full-batch steps on XOR; seconds
          (also printed as "xor-language", the same loop as a learner writes it)

Usage: reference_pytorch.py [--threads N] [--batch B] [--size S] [--samples N] [WORKLOAD ...]
(default: every workload, every core; a bare number is taken as the thread count). OpenMP's
threads wait passively (OMP_WAIT_POLICY=PASSIVE unless set), which PyTorch needs to keep its
speed on a shared machine. Prints nothing but a note on stderr when PyTorch is not installed.
"""

import argparse
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


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sgemm(torch, options):
    n = options.size or 1024
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=generator)
    b = torch.randn(n, n, generator=generator)
    a @ b
    seconds = median_seconds(lambda: a @ b, 7)
    return {"gflops": 2 * n**3 / seconds / 1e9, "seconds": seconds, "size": n}


def mlp(torch, options):
    batch = options.batch or 128
    samples = options.samples or 60000
    generator = torch.Generator().manual_seed(0)
    xs = torch.randn(samples, 784, generator=generator)
    ys = torch.randint(0, 10, (samples,), generator=generator)

    def epoch():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        loss_function = torch.nn.CrossEntropyLoss()
        for start in range(0, samples, batch):
            optimizer.zero_grad()
            loss = loss_function(model(xs[start:start + batch]), ys[start:start + batch])
            loss.backward()
            optimizer.step()

    epoch()
    seconds = median_seconds(epoch, 3)
    return {"seconds_per_epoch": seconds, "peak_rss_mb": peak_mb(), "batch": batch}


def conv(torch, options):
    batch = options.batch or 64
    size = options.size or 28
    samples = options.samples or 10000
    side = (size // 2 - 4) // 2
    generator = torch.Generator().manual_seed(0)
    xs = torch.randn(samples, 1, size, size, generator=generator)
    ys = torch.randint(0, 10, (samples,), generator=generator)
    nn = torch.nn

    def train(batches):
        torch.manual_seed(0)
        model = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(16 * side * side, 120), nn.ReLU(),
            nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10))
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_function = nn.CrossEntropyLoss()
        for start in list(range(0, samples, batch))[:batches]:
            optimizer.zero_grad()
            loss = loss_function(model(xs[start:start + batch]), ys[start:start + batch])
            loss.backward()
            optimizer.step()

    train(5)
    seconds = median_seconds(lambda: train(samples), 1)
    return {"seconds_per_epoch": seconds, "peak_rss_mb": peak_mb(), "batch": batch, "size": size, "samples": samples}


def xor(torch, options):
    inputs = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    targets = torch.tensor([[0.0], [1.0], [1.0], [0.0]])

    def run():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1), torch.nn.Sigmoid())
        optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
        for _ in range(2000):
            optimizer.zero_grad()
            loss = ((model(inputs) - targets) ** 2).mean()
            loss.backward()
            optimizer.step()

    run()
    return {"seconds": median_seconds(run, 5)}


WORKLOADS = {"sgemm": sgemm, "mlp": mlp, "conv": conv, "xor": xor, "xor-language": xor}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch", type=int)
    parser.add_argument("--size", type=int)
    parser.add_argument("--samples", type=int)
    parser.add_argument("workloads", nargs="*")
    options = parser.parse_args()
    names = []
    for word in options.workloads:
        if word.isdigit():
            options.threads = int(word)
        elif word in WORKLOADS:
            names.append(word)
        else:
            parser.error("no workload named %s; workloads: %s" % (word, ", ".join(WORKLOADS)))
    # OpenMP's threads otherwise spin while they wait for work; on a machine whose cores are
    # shared with other processes that spinning slows PyTorch several times over.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import torch
    except ImportError:
        print("reference_pytorch.py: PyTorch is not installed", file=sys.stderr)
        return
    torch.set_num_threads(options.threads)
    for name in names or list(WORKLOADS):
        figures = WORKLOADS[name](torch, options)
        print(json.dumps({"name": name, "impl": "pytorch", "threads": options.threads, **figures}), flush=True)


if __name__ == "__main__":
    main()
