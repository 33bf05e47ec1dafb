"""A model written as classes in a notebook (micrograd's Neuron, Layer and MLP), trained by
Trainer and saved, read back in Python: the names are the property paths PyTorch would give the
same attributes, and the weights compute the predictions the kernel printed.

numpy computes the forward pass from the file in every run. The PyTorch half loads the file into
a torch module with the same attributes (`load_state_dict(strict=True)`) and compares its forward
pass. PyTorch from PyPI is the CUDA build (about 2.8 GB to download, 5.3 GB installed), too much
for every test run: that half runs when this Python has torch (`make test-torch` installs it,
and so does `make bench`) or `TENSORCELL_TORCH_PYTHON` names one that has; otherwise it is
skipped, saying how to run it.
"""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from jupyter_client.manager import start_new_kernel

from conftest import TIMEOUT, wait_for_iopub

safetensors_numpy = pytest.importorskip("safetensors.numpy")

PROGRAM = """
class Neuron {
  var w
  var b = zeros([1], requiresGrad: true)
  init(_ inputs, seed) { w = randn([inputs, 1], seed: seed, requiresGrad: true) }
  func callAsFunction(_ x) { return tanh(x @ w + b) }
}
class Layer {
  var neurons = []
  init(_ inputs, _ outputs, seed) {
    for i in 0..<outputs { neurons.append(Neuron(inputs, seed: seed + i)) }
  }
  func callAsFunction(_ x) { concat(neurons.map { n in n(x) }, axis: 1) }
}
class MLP {
  var layers = []
  init(_ sizes) {
    for i in 0..<(sizes.count - 1) { layers.append(Layer(sizes[i], sizes[i + 1], seed: 10 * i)) }
  }
  func callAsFunction(_ x) {
    var out = x
    for layer in layers { out = layer(out) }
    return out
  }
}
let xs = tensor([[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]])
let ys = tensor([[1.0], [-1.0], [-1.0], [1.0]])
let net = MLP([3, 4, 4, 1])
let run = Trainer(net, loss: mse, optimizer: SGD(net, lr: 0.1), data: (xs, ys), batchSize: 4, seed: 0)
run.fit(epochs: 20, live: false)
save(net, "mlp.safetensors")
print("PREDICTIONS", net(xs).toArray())
"""

XS = np.array([[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]], dtype=np.float32)
SIZES = [3, 4, 4, 1]


def execute(client, code):
    """The shell reply and the iopub messages of one execute request, through `status: idle`."""
    msg_id = client.execute(code)
    while True:
        reply = client.get_shell_msg(timeout=TIMEOUT * 4)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    messages = []
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return reply, messages


def expected_names():
    names = []
    for layer, outputs in enumerate(SIZES[1:]):
        for neuron in range(outputs):
            names += [f"layers.{layer}.neurons.{neuron}.w", f"layers.{layer}.neurons.{neuron}.b"]
    return names


def numpy_forward(weights):
    out = XS
    for layer, outputs in enumerate(SIZES[1:]):
        columns = [
            np.tanh(out @ weights[f"layers.{layer}.neurons.{n}.w"] + weights[f"layers.{layer}.neurons.{n}.b"])
            for n in range(outputs)
        ]
        out = np.concatenate(columns, axis=1)
    return out


TORCH_SCRIPT = """
import json, sys
import torch
from safetensors.torch import load_file
nn = torch.nn

class Neuron(nn.Module):
    def __init__(self, inputs):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(inputs, 1))
        self.b = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return torch.tanh(x @ self.w + self.b)

class Layer(nn.Module):
    def __init__(self, inputs, outputs):
        super().__init__()
        self.neurons = nn.ModuleList([Neuron(inputs) for _ in range(outputs)])

    def forward(self, x):
        return torch.cat([n(x) for n in self.neurons], dim=1)

class MLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList([Layer(a, b) for a, b in zip(sizes, sizes[1:])])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

path, sizes, xs = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
model = MLP(sizes)
model.load_state_dict(load_file(path), strict=True)
with torch.no_grad():
    print(json.dumps(model(torch.tensor(xs, dtype=torch.float32)).tolist()))
"""


def torch_python():
    """A Python that has torch and safetensors: the one TENSORCELL_TORCH_PYTHON names, or the one
    running the tests."""
    candidates = [os.environ.get("TENSORCELL_TORCH_PYTHON"), sys.executable]
    for python in filter(None, candidates):
        if not Path(python).exists():
            continue
        probe = subprocess.run([python, "-c", "import torch, safetensors.torch"], capture_output=True)
        if probe.returncode == 0:
            return python
    if os.environ.get("TENSORCELL_REQUIRE_TORCH") == "1":
        pytest.fail("PyTorch is required here (TENSORCELL_REQUIRE_TORCH=1) but no Python with torch was found")
    pytest.skip("PyTorch is not installed (the CUDA build PyPI has is 2.8 GB): `make test-torch` runs this check")


def torch_forward(python, path):
    """The forward pass of a torch module with the same attributes as the notebook's classes,
    loaded from the file with strict names."""
    done = subprocess.run(
        [python, "-c", TORCH_SCRIPT, str(path), json.dumps(SIZES), json.dumps(XS.tolist())],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return np.array(json.loads(done.stdout), dtype=np.float32)


@pytest.fixture
def kernel_in(kernelspec_prefix, tmp_path):
    manager, client = start_new_kernel(kernel_name="tensorcell", startup_timeout=TIMEOUT, cwd=str(tmp_path))
    wait_for_iopub(client)
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=False)


def test_a_model_of_classes_saves_names_python_reads(kernel_in, tmp_path):
    reply, messages = execute(kernel_in, PROGRAM)
    assert reply["content"]["status"] == "ok", reply["content"]
    printed = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
    match = re.search(r"PREDICTIONS (\[.*\])", printed, re.S)
    assert match, printed
    predictions = np.array(ast.literal_eval(match.group(1)), dtype=np.float32)

    weights = safetensors_numpy.load_file(str(tmp_path / "mlp.safetensors"))
    assert sorted(weights) == sorted(expected_names())
    assert weights["layers.0.neurons.0.w"].shape == (3, 1)
    assert weights["layers.2.neurons.0.b"].shape == (1,)
    np.testing.assert_allclose(numpy_forward(weights), predictions, rtol=1e-5, atol=1e-6)


def test_a_torch_module_with_the_same_attributes_loads_the_file(kernel_in, tmp_path):
    python = torch_python()
    reply, messages = execute(kernel_in, PROGRAM)
    assert reply["content"]["status"] == "ok", reply["content"]
    printed = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
    predictions = np.array(ast.literal_eval(re.search(r"PREDICTIONS (\[.*\])", printed, re.S).group(1)), dtype=np.float32)
    weights = safetensors_numpy.load_file(str(tmp_path / "mlp.safetensors"))
    forward = torch_forward(python, tmp_path / "mlp.safetensors")
    assert forward.shape == (4, 1)
    np.testing.assert_allclose(forward, predictions, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(forward, numpy_forward(weights), rtol=1e-5, atol=1e-6)
