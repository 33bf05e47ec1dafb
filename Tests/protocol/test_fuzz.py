"""The wire and cell fuzzers against the release kernel, each with a fixed seed and a bounded
count, under an address-space cap: no input may end the kernel or leave it unable to answer.
The figures land in build/reliability/ for docs/reliability.md."""

import json

import pytest

from conftest import REPO
import cell_fuzz
import wire_fuzz

FIGURES = REPO / "build" / "reliability"
SEED = 20261130
# As many messages as docs/reliability.md's ipykernel run, with the same seed.
WIRE_MESSAGES = 2000


def kernel_argv(binary):
    return [str(binary), "kernel", "--connection-file"]


def save(name, figures):
    FIGURES.mkdir(parents=True, exist_ok=True)
    (FIGURES / name).write_text(json.dumps(figures, indent=1))


def test_wire_fuzz_kills_nothing(binary, tmp_path):
    fuzzer = wire_fuzz.Fuzzer(kernel_argv(binary), SEED, tmp_path)
    figures = fuzzer.run(WIRE_MESSAGES)
    save("wire-fuzz.json", {**figures, "seed": SEED, "failures": fuzzer.deaths + fuzzer.hangs})
    print("wire fuzz:", figures)
    assert figures["messages"] == WIRE_MESSAGES
    assert fuzzer.deaths == [] and fuzzer.hangs == []


def test_cell_fuzz_kills_nothing(binary, tmp_path):
    figures = cell_fuzz.run(kernel_argv(binary), 400, SEED, tmp_path)
    save("cell-fuzz.json", {**figures, "seed": SEED})
    print("cell fuzz:", {k: v for k, v in figures.items() if k != "failures"})
    assert figures["cells"] == 400
    assert figures["deaths"] == 0 and figures["hangs"] == 0, figures["failures"][:5]
