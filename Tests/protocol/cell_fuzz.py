"""A cell fuzzer: every builtin and method of the reference in docs/language.md called with edge
values (nan, inf, 0, -0, Int.min/max, empty, 1e308, huge shapes), and the reference's examples
with their numbers replaced by such values, sent as cells to a kernel process under an
address-space cap. Each cell gets a time budget; one still running after it is interrupted (an
interrupt must end it). A death is the process ending; a hang, a cell an interrupt did not end.

    python Tests/protocol/cell_fuzz.py --count 1500 --seed 7 -- .build/release/tensorcell kernel --connection-file
"""

import argparse
import json
import os
import pathlib
import random
import re
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from kernel_process import KernelProcess  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]
ADDRESS_SPACE = 3 << 30

NUMBERS = ["nan", "inf", "-inf", "0", "-0.0", "-1", "1", "2", "0.5", "9223372036854775807", "-9223372036854775808",
           "-9223372036854775807", "1e308", "-1e308", "5e-324", "1e-320", "4294967296", "65536"]
SHAPES = ["[]", "[0]", "[1, 0]", "[3, 0, 2]", "[-1]", "[1000000000]", "[100000, 100000]", "[9223372036854775807]",
          "[4611686018427387904, 2]", "[2, 3]", "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]", "[65536, 65536]"]
TENSORS = ["zeros([0])", "zeros([2, 0])", "tensor([nan, inf, -inf, -0.0])", "tensor([1e308, -1e308])", "tensor(0)",
           "ones([2, 3])", "randn([3, 4], seed: 1)", "tensor([1, 2, 3], dtype: \"int64\")", "tensor([[1e30]]).int()",
           "zeros([1, 1, 1, 1, 1])", "arange(6).reshape([2, 3])", "tensor([5e-324])", "full([2, 2], nan)"]
OTHERS = ["[]", "[[]]", "[nan]", "[1, \"a\"]", "\"\"", "\"x\"", "\"../x\"", "\"a\x00b\"", "true", "(1, 2)", "()",
          "Sequential([])", "relu", "Dense(2, 2, seed: 0)", "0...9223372036854775807", "-9223372036854775807..<0",
          "\"" + "x" * 3000 + "\""]
EDGES = NUMBERS + SHAPES + TENSORS + OTHERS
RECEIVERS = {
    "Tensor": TENSORS, "Array": ["[]", "[nan, inf]", "[1, \"a\", [2]]", "[[1, 2], [3]]"], "String": ["\"\"", "\"a\x00b\""],
    "Int": ["9223372036854775807", "-9223372036854775808", "0"], "Float": ["nan", "inf", "-0.0", "1e308"],
    "Layer": ["Dense(2, 2, seed: 0)", "Sequential([])", "Conv2D(1, 1, kernelSize: 1)"],
    "Sequential": ["Sequential([])", "Sequential([Dense(2, 2, seed: 0)])"],
}


def reference(path=REPO / "docs" / "language.md"):
    """[(name, signature, example)] for every entry of the builtin reference."""
    text = path.read_text()
    entries = []
    for match in re.finditer(r"^#### `([^`]+)`\n\n```swift\n(.*?)\n```\n\n.*?(?:```swift\n(.*?)\n```)?", text, re.S | re.M):
        entries.append((match.group(1), match.group(2).splitlines()[0], match.group(3) or ""))
    return entries


def parameters(signature):
    """[(label or None, has a default)] from `name(_ a, b: 1, c: "x")`."""
    inside = signature[signature.find("(") + 1: signature.rfind(")")]
    result = []
    depth, current = 0, ""
    for character in inside + ",":
        if character in "([{":
            depth += 1
        elif character in ")]}":
            depth -= 1
        if character == "," and depth == 0:
            part = current.strip()
            current = ""
            if not part:
                continue
            optional = "=" in part or (":" in part and not part.startswith("_"))
            label = None if part.startswith("_") else part.split(":")[0].split("=")[0].strip()
            result.append((label, optional))
        else:
            current += character
    return result


class CellSource:
    def __init__(self, seed):
        self.random = random.Random(seed)
        self.entries = reference()

    def edge(self):
        return self.random.choice(EDGES)

    def call(self, name, signature):
        r = self.random
        arguments = []
        for label, optional in parameters(signature):
            if optional and r.random() < 0.5:
                continue
            value = self.edge()
            arguments.append(value if label is None else f"{label}: {value}")
        if r.random() < 0.1:
            arguments.append(f"{r.choice(['seed', 'axis', 'n', 'x'])}: {self.edge()}")
        if "." in name:
            kind, member = name.split(".", 1)
            receiver = r.choice(RECEIVERS.get(kind, TENSORS))
            if member == "[]":
                return f"({receiver})[{', '.join(arguments) or self.edge()}]"
            return f"({receiver}).{member}({', '.join(arguments)})"
        if name.startswith("Layer("):
            return f"Dense(2, 2, seed: 0)({self.edge()})"
        return f"{name}({', '.join(arguments)})"

    def mutated_example(self, example):
        numbers = list(re.finditer(r"(?<![\w.])-?\d+(\.\d+)?(e-?\d+)?", example))
        if not numbers:
            return example
        chosen = self.random.sample(numbers, k=min(len(numbers), self.random.randint(1, 3)))
        text = example
        for match in sorted(chosen, key=lambda m: m.start(), reverse=True):
            text = text[: match.start()] + self.random.choice(NUMBERS + SHAPES[:4]) + text[match.end():]
        return text

    def next(self):
        name, signature, example = self.random.choice(self.entries)
        if example and self.random.random() < 0.35:
            return self.mutated_example(example)
        return self.call(name, signature)


def run(argv, count, seed, folder, budget=3.0, address_space=ADDRESS_SPACE):
    source = CellSource(seed)
    figures = {"cells": 0, "deaths": 0, "hangs": 0, "ok": 0, "errors": {}, "interrupted": 0, "seconds": 0.0,
               "worst interrupt latency": 0.0, "failures": []}
    started = time.monotonic()
    kernel = KernelProcess(argv, cwd=folder, address_space=address_space)
    try:
        for _ in range(count):
            code = source.next()
            figures["cells"] += 1
            msg_id = kernel.client.execute(code)
            try:
                reply, _ = kernel.wait(msg_id, timeout=budget)
            except TimeoutError:
                reply = None
                if kernel.alive:
                    asked = time.monotonic()
                    kernel.process.send_signal(signal.SIGINT)
                    try:
                        reply, _ = kernel.wait(msg_id, timeout=10)
                        latency = time.monotonic() - asked
                        figures["worst interrupt latency"] = max(figures["worst interrupt latency"], latency)
                        figures["interrupted"] += 1
                    except TimeoutError:
                        reply = None
            if kernel.alive and reply is not None:
                if reply["status"] == "ok":
                    figures["ok"] += 1
                else:
                    figures["errors"][reply["ename"]] = figures["errors"].get(reply["ename"], 0) + 1
                continue
            kind = "deaths" if not kernel.alive else "hangs"
            figures[kind] += 1
            figures["failures"].append({"kind": kind, "code": code[:500], "how": kernel.death()})
            kernel.close()
            kernel = KernelProcess(argv, cwd=folder, address_space=address_space)
    finally:
        kernel.close()
    figures["seconds"] = round(time.monotonic() - started, 1)
    figures["worst interrupt latency"] = round(figures["worst interrupt latency"], 3)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--json")
    parser.add_argument("argv", nargs="+")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = run(arguments.argv, arguments.count, arguments.seed, folder)
    print(json.dumps({k: v for k, v in figures.items() if k != "failures"}))
    for failure in figures["failures"][:10]:
        print(json.dumps(failure)[:1500], file=sys.stderr)
    if arguments.json:
        with open(arguments.json, "w") as handle:
            json.dump(figures, handle, indent=1)


if __name__ == "__main__":
    main()
