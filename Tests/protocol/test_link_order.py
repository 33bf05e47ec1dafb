"""The release kernel's code is laid out as Sources/tensorcell/link-order.txt asks.

The file names the functions a kernel runs to start and answer cells (Tests/tools/link_order.py
writes it); a release build links them side by side, so an idle kernel keeps a few 64 KB windows
of its code resident instead of pages all over the binary. These tests fail when the ordering
stops reaching the linker (a lost flag in Package.swift, functions no longer in sections of their
own) or when the file has gone stale against the code.
"""

import re
import subprocess

import pytest

from conftest import REPO

ORDER_FILE = REPO / "Sources" / "tensorcell" / "link-order.txt"
# The project's own modules, which Package.swift compiles with a section for each function; the
# Swift runtime and the packages the project depends on are placed as their archives come.
OWN_MODULES = {"Interchange", "ZeroMQ", "Tensors", "NeuralNetworks", "Display", "Kernel", "Language", "tensorcell"}
WINDOW = 64 << 10


def own_module(name):
    match = re.match(r"\$s(\d+)([A-Za-z_]\w*)", name)
    return match is not None and match.group(2)[: int(match.group(1))] in OWN_MODULES


@pytest.fixture(scope="module")
def layout(binary):
    if "/release/" not in str(binary):
        pytest.skip("the link order applies to release builds")
    listing = subprocess.run(["nm", "-S", "--defined-only", str(binary)], check=True, capture_output=True,
                             text=True).stdout
    functions = {}
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            functions[parts[3]] = (int(parts[0], 16), int(parts[1], 16))
    ordered = [line[len(".text."):] for line in ORDER_FILE.read_text().splitlines() if line.startswith(".text.")]
    return functions, ordered


def test_the_order_file_names_functions_the_kernel_has(layout):
    functions, ordered = layout
    assert len(ordered) > 500, "the link order lists too few functions: regenerate it with `make link-order`"
    present = [name for name in ordered if name in functions]
    assert len(present) >= 0.8 * len(ordered), (
        f"only {len(present)} of the {len(ordered)} functions in {ORDER_FILE.name} are in the binary: "
        "regenerate it with `make link-order`")


def test_the_kernels_own_hot_functions_sit_together(layout):
    functions, ordered = layout
    own = [functions[name] for name in ordered if name in functions and own_module(name)]
    assert len(own) > 200
    windows = {address // WINDOW for address, size in own for address in (address, address + max(size, 1) - 1)}
    spread = {address // WINDOW for address, _ in own}
    code_bytes = sum(size for _, size in own)
    # Side by side they fill about code_bytes / 64 KB windows, a few more with the runtime's and
    # the dependencies' functions that the list places among them (967 KB in 22 windows when
    # this was written). Laid out module by module, as an unordered build has them, the same
    # functions lay in 38 windows for 751 KB.
    assert len(windows) <= 3 * code_bytes // (2 * WINDOW) + 4, (
        f"the {len(own)} listed functions of the project's modules ({code_bytes // 1024} KB) lie in "
        f"{len(windows)} windows of 64 KB ({len(spread)} by their starts): the link order was not applied")
