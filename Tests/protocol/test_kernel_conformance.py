"""jupyter_kernel_test's conformance checks, with samples in the kernel's language."""

import jupyter_kernel_test
import pytest

from conftest import wait_for_iopub


@pytest.mark.usefixtures("kernelspec_prefix")
class TensorcellKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "tensorcell"
    language_name = "tensorcell"
    file_extension = ".tc"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        wait_for_iopub(cls.kc)

    code_hello_world = 'print("hello, world")'
    code_stderr = 'eprint("something went wrong")'

    completion_samples = [
        {"text": "pri", "matches": {"print"}},
        {"text": "clearOut", "matches": {"clearOutput"}},
        {"text": "randn([2, 3], se", "matches": {"seed: "}},
            ]

    complete_code_samples = ["1 + 1", 'print("done")', "let x = 3", "for i in 1...3 { print(i) }", "%who"]
    incomplete_code_samples = ["print(1,", "(1 + 2", "let y =", "for i in 1...3 {", "func f(x) {\n  return x", "/* open"]
    invalid_code_samples = ["print(1))", '"unterminated', "let = 5", "for { }", "x = = 2"]

    code_generate_error = "undefined_name + 1"

    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": "10 / 4", "result": "2.5"},
        {"code": '"ten" + "sor"', "result": "tensor"},
        {"code": "-(2 + 3) * 2", "result": "-10"},
        {"code": "[1, 2, 3].map { x in x * x }", "result": "[1, 4, 9]"},
        {"code": 'let (a, b) = (3, 4)\n"\\(a)x\\(b)"', "result": "3x4"},
        {"code": "tensor([[1, 2], [3, 4]]).shape", "result": "[2, 2]"},
    ]
    code_history_pattern = "6?7"
    supported_history_operations = ("tail", "range", "search")

    code_display_data = [
        {"code": 'display("plain text")', "mime": "text/plain"},
        {"code": "display(tensor([[1, 2], [3, 4]]))", "mime": "text/html"},
        {"code": "display(plot([1, 4, 9, 16]))", "mime": "image/png"},
        {"code": "display(plot([1, 4, 9, 16]))", "mime": "image/svg+xml"},
    ]

    code_inspect_sample = "randn"
    code_clear_output = "clearOutput()"
