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
    ]

    complete_code_samples = ["1 + 1", 'print("done")', "let x = 3"]
    incomplete_code_samples = ["print(1,", "(1 + 2", "let y ="]
    invalid_code_samples = ["print(1))", '"unterminated']

    code_generate_error = "undefined_name + 1"

    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": "10 / 4", "result": "2.5"},
        {"code": '"ten" + "sor"', "result": "tensor"},
        {"code": "-(2 + 3) * 2", "result": "-10"},
    ]
    code_history_pattern = "6?7"
    supported_history_operations = ("tail", "range", "search")

    code_display_data = [
        {"code": 'display("a picture, one day")', "mime": "text/plain"},
    ]

    code_inspect_sample = "print"
    code_clear_output = "clearOutput()"
