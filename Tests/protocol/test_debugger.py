"""The Jupyter debugger protocol, held to the dialogue JupyterLab 4's debugger has with a kernel.

debug_request/debug_reply travel on the control channel and carry Debug Adapter Protocol
requests and responses; debug_event on iopub carries its events. The cell paths are computed
here the way JupyterLab computes them (MurmurHash2 of the code with the kernel's seed), so a
breakpoint set from an editor lands on the cell the kernel runs.
"""

import itertools
import queue
import time

import pytest

from conftest import TIMEOUT, start

SEQUENCE = itertools.count(1)


def murmur2(text: str, seed: int) -> int:
    """MurmurHash2, 32-bit, over UTF-8: what JupyterLab's debugger hashes cell code with."""
    data = text.encode("utf-8")
    m = 0x5BD1E995
    h = (seed ^ len(data)) & 0xFFFFFFFF
    whole = len(data) // 4 * 4
    for i in range(0, whole, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> 24
        k = (k * m) & 0xFFFFFFFF
        h = ((h * m) & 0xFFFFFFFF) ^ k
    rest = data[whole:]
    if len(rest) >= 3:
        h ^= rest[2] << 16
    if len(rest) >= 2:
        h ^= rest[1] << 8
    if len(rest) >= 1:
        h ^= rest[0]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h


def debug(client, command, arguments=None, expect_success=True):
    """Sends one DAP request on control and returns its response."""
    seq = next(SEQUENCE)
    content = {"type": "request", "seq": seq, "command": command, "arguments": arguments or {}}
    message = client.session.msg("debug_request", content)
    client.control_channel.send(message)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        reply = client.control_channel.get_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == message["header"]["msg_id"]:
            assert reply["msg_type"] == "debug_reply"
            response = reply["content"]
            assert response["type"] == "response"
            assert response["command"] == command
            assert response["request_seq"] == seq
            if expect_success:
                assert response["success"], response
            return response
    raise AssertionError(f"no debug_reply to {command}")


def next_event(client, name, seen=None):
    """Waits for a debug_event named `name` on iopub; other iopub messages are kept in `seen`."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            message = client.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        if seen is not None:
            seen.append(message)
        if message["msg_type"] == "debug_event" and message["content"]["event"] == name:
            return message["content"]["body"]
    raise AssertionError(f"no {name} event")


def start_debugger(client):
    """initialize, attach, debugInfo, as JupyterLab does when the debugger is switched on."""
    capabilities = debug(client, "initialize", {
        "clientID": "jupyterlab", "clientName": "JupyterLab", "adapterID": "tensorcell",
        "pathFormat": "path", "linesStartAt1": True, "columnsStartAt1": True,
        "supportsVariableType": True, "supportsVariablePaging": True,
        "supportsRunInTerminalRequest": True, "locale": "en",
    })["body"]
    assert capabilities["supportsConfigurationDoneRequest"]
    assert [f["filter"] for f in capabilities["exceptionBreakpointFilters"]] == ["errors"]
    debug(client, "attach")
    info = debug(client, "debugInfo")["body"]
    assert info["isStarted"] is True
    assert info["hashMethod"] == "Murmur2"
    assert info["richRendering"] is True
    return info


def cell_path(info, code):
    return f"{info['tmpFilePrefix']}{murmur2(code, info['hashSeed'])}{info['tmpFileSuffix']}"


def frames(client):
    return debug(client, "stackTrace", {"threadId": 1})["body"]["stackFrames"]


def variables_of(client, frame_id):
    scopes = debug(client, "scopes", {"frameId": frame_id})["body"]["scopes"]
    assert [s["name"] for s in scopes] == ["Locals", "Globals"]
    result = {}
    for scope in scopes:
        listed = debug(client, "variables", {"variablesReference": scope["variablesReference"]})["body"]["variables"]
        result[scope["name"]] = {v["name"]: v for v in listed}
    return result


def reply_to(client, msg_id):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        reply = client.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply
    raise AssertionError("no execute_reply")


TRAINING_CELL = """func square(_ x) {
    let y = x * x
    return y
}
var w = tensor([[0.5], [-0.25]], requiresGrad: true)
var total = 0
for i in 1..<4 {
    let s = square(i)
    total = total + s
}
total
"""


@pytest.fixture
def debugged(kernelspec_prefix):
    manager, client = start()
    yield manager, client
    client.stop_channels()
    if manager.is_alive():
        manager.shutdown_kernel(now=True)


def test_kernel_info_and_kernelspec_announce_the_debugger(debugged, kernelspec_prefix):
    _, client = debugged
    client.kernel_info()
    info = client.get_shell_msg(timeout=TIMEOUT)["content"]
    assert info["debugger"] is True
    assert "debugger" in info["supported_features"]
    import json
    spec = json.loads((kernelspec_prefix / "share/jupyter/kernels/tensorcell/kernel.json").read_text())
    assert spec["metadata"]["debugger"] is True


def test_jupyterlab_dialogue_breakpoint_step_in_next_continue(debugged):
    _, client = debugged
    info = start_debugger(client)
    path = debug(client, "dumpCell", {"code": TRAINING_CELL})["body"]["sourcePath"]
    assert path == cell_path(info, TRAINING_CELL)
    assert debug(client, "source", {"source": {"path": path}})["body"]["content"] == TRAINING_CELL

    set_reply = debug(client, "setBreakpoints", {
        "breakpoints": [{"line": 8}], "source": {"path": path}, "sourceModified": False})["body"]
    assert [(b["line"], b["verified"]) for b in set_reply["breakpoints"]] == [(8, True)]
    debug(client, "configurationDone")
    assert debug(client, "debugInfo")["body"]["breakpoints"] == [{"source": path, "breakpoints": [{"line": 8}]}]

    msg_id = client.execute(TRAINING_CELL)
    stopped = next_event(client, "stopped")
    assert stopped["reason"] == "breakpoint" and stopped["threadId"] == 1
    assert debug(client, "debugInfo")["body"]["stoppedThreads"] == [1]

    stack = frames(client)
    assert len(stack) == 1
    assert stack[0]["line"] == 8 and stack[0]["source"]["path"] == path
    assert stack[0]["name"].startswith("cell ")
    seen = variables_of(client, stack[0]["id"])
    assert seen["Locals"]["i"]["value"] == "1"
    assert "s" not in seen["Locals"]
    w = seen["Globals"]["w"]
    assert w["type"] == "Tensor"
    assert w["value"].startswith("[2, 1] float32") and "0.5000" in w["value"]
    rows = debug(client, "variables", {"variablesReference": w["variablesReference"]})["body"]["variables"]
    named = {v["name"]: v for v in rows}
    assert named["shape"]["value"] == "[2, 1]"
    assert named["requiresGrad"]["value"] == "true"
    assert named["1"]["value"].startswith("[1] float32") and "-0.2500" in named["1"]["value"]
    assert named["1"]["evaluateName"] == "w[1]"

    # Step into square(i): the stack names the function and the cell that called it.
    debug(client, "stepIn", {"threadId": 1})
    assert next_event(client, "stopped")["reason"] == "step"
    stack = frames(client)
    assert [f["name"] for f in stack][0] == "square"
    assert stack[0]["line"] == 2 and stack[0]["source"]["path"] == path
    assert stack[1]["line"] == 8
    assert variables_of(client, stack[0]["id"])["Locals"]["x"]["value"] == "1"

    # The debug console evaluates in the stopped frame.
    evaluated = debug(client, "evaluate", {"context": "repl", "expression": "x + 41", "frameId": stack[0]["id"]})
    assert evaluated["body"]["result"] == "42"
    failed = debug(client, "evaluate", {"context": "repl", "expression": "nope + 1", "frameId": stack[0]["id"]},
                   expect_success=False)
    assert not failed["success"] and "nope" in failed["message"]

    debug(client, "next", {"threadId": 1})
    assert next_event(client, "stopped")["reason"] == "step"
    stack = frames(client)
    assert stack[0]["name"] == "square" and stack[0]["line"] == 3
    assert variables_of(client, stack[0]["id"])["Locals"]["y"]["value"] == "1"

    # Step out: back in the cell, on the line after the call.
    debug(client, "stepOut", {"threadId": 1})
    next_event(client, "stopped")
    stack = frames(client)
    assert len(stack) == 1 and stack[0]["line"] == 9

    rich = debug(client, "richInspectVariables", {"variableName": "w", "frameId": stack[0]["id"]})["body"]
    assert "text/plain" in rich["data"]
    assert "text/html" in rich["data"] and "<table" in rich["data"]["text/html"]

    # Continue: the breakpoint stops the loop's next iteration.
    debug(client, "continue", {"threadId": 1})
    next_event(client, "continued")
    next_event(client, "stopped")
    stack = frames(client)
    assert stack[0]["line"] == 8
    assert variables_of(client, stack[0]["id"])["Locals"]["i"]["value"] == "2"

    debug(client, "setBreakpoints", {"breakpoints": [], "source": {"path": path}, "sourceModified": False})
    debug(client, "continue", {"threadId": 1})
    results = []
    reply = reply_to(client, msg_id)
    assert reply["content"]["status"] == "ok"
    deadline = time.monotonic() + TIMEOUT
    while not results and time.monotonic() < deadline:
        message = client.get_iopub_msg(timeout=TIMEOUT)
        if message["msg_type"] == "execute_result":
            results.append(message["content"]["data"]["text/plain"])
    assert results == ["14"]

    # Not stopped: the Variables panel asks for the globals.
    listed = {v["name"]: v for v in debug(client, "inspectVariables")["body"]["variables"]}
    assert listed["total"]["value"] == "14"
    assert listed["w"]["type"] == "Tensor"
    rich = debug(client, "richInspectVariables", {"variableName": "w"})["body"]
    assert "<table" in rich["data"]["text/html"]
    debug(client, "disconnect", {"restart": False, "terminateDebuggee": False})
    assert debug(client, "debugInfo")["body"]["isStarted"] is False


def test_interrupt_while_stopped_ends_the_cell_and_keeps_variables(debugged):
    _, client = debugged
    info = start_debugger(client)
    code = "var kept = 41\nkept = kept + 1\nlet never = 0\n"
    debug(client, "setBreakpoints", {"breakpoints": [{"line": 3}], "source": {"path": cell_path(info, code)}})
    debug(client, "configurationDone")
    msg_id = client.execute(code)
    next_event(client, "stopped")

    # Control requests are answered while the cell is stopped.
    client.control_channel.send(client.session.msg("kernel_info_request", {}))
    assert client.control_channel.get_msg(timeout=TIMEOUT)["msg_type"] == "kernel_info_reply"

    client.control_channel.send(client.session.msg("interrupt_request", {}))
    assert client.control_channel.get_msg(timeout=TIMEOUT)["content"]["status"] == "ok"
    reply = reply_to(client, msg_id)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"

    debug(client, "disconnect")
    reply = reply_to(client, client.execute("kept", user_expressions={"n": "never"}))
    assert reply["content"]["status"] == "ok"
    assert reply["content"]["user_expressions"]["n"]["status"] == "error"
    assert client.execute_interactive("kept", timeout=TIMEOUT)["content"]["status"] == "ok"


def test_stop_on_error_shows_the_error(debugged):
    _, client = debugged
    start_debugger(client)
    debug(client, "setExceptionBreakpoints", {"filters": ["errors"]})
    debug(client, "configurationDone")
    code = "let a = ones(2, 3)\nlet b = ones(4, 5)\nlet c = a @ b\n"
    msg_id = client.execute(code)
    stopped = next_event(client, "stopped")
    assert stopped["reason"] == "exception"
    assert stopped["text"] == "ShapeError" and "ShapeError" in stopped["description"]
    stack = frames(client)
    assert stack[0]["line"] == 3
    assert set(variables_of(client, stack[0]["id"])["Globals"]) >= {"a", "b"}
    debug(client, "continue", {"threadId": 1})
    reply = reply_to(client, msg_id)
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "ShapeError"


def test_pause_stops_a_running_loop(debugged):
    _, client = debugged
    start_debugger(client)
    debug(client, "configurationDone")
    msg_id = client.execute("var n = 0\nwhile true {\n    n = n + 1\n}\n")
    time.sleep(0.5)
    debug(client, "pause", {"threadId": 1})
    assert next_event(client, "stopped")["reason"] == "pause"
    stack = frames(client)
    assert stack[0]["line"] in (2, 3)
    count = int(variables_of(client, stack[0]["id"])["Globals"]["n"]["value"])
    assert count > 0
    debug(client, "next", {"threadId": 1})
    next_event(client, "stopped")
    client.control_channel.send(client.session.msg("interrupt_request", {}))
    client.control_channel.get_msg(timeout=TIMEOUT)
    assert reply_to(client, msg_id)["content"]["ename"] == "KeyboardInterrupt"


def test_breakpoint_in_a_function_defined_in_an_earlier_cell(debugged):
    _, client = debugged
    # Defined before the debugger is switched on, as a learner would.
    definition = "func double(_ v) {\n    let twice = v * 2\n    return twice\n}\n"
    assert client.execute_interactive(definition, timeout=TIMEOUT)["content"]["status"] == "ok"
    info = start_debugger(client)
    path = cell_path(info, definition)
    debug(client, "setBreakpoints", {"breakpoints": [{"line": 3}], "source": {"path": path}})
    debug(client, "configurationDone")
    msg_id = client.execute("let r = double(21)\nr\n")
    next_event(client, "stopped")
    stack = frames(client)
    assert stack[0]["name"] == "double" and stack[0]["source"]["path"] == path and stack[0]["line"] == 3
    assert variables_of(client, stack[0]["id"])["Locals"]["twice"]["value"] == "42"
    debug(client, "copyToGlobals", {"srcVariableName": "twice", "dstVariableName": "twice", "srcFrameId": stack[0]["id"]})
    debug(client, "continue", {"threadId": 1})
    assert reply_to(client, msg_id)["content"]["status"] == "ok"
    listed = {v["name"]: v["value"] for v in debug(client, "inspectVariables")["body"]["variables"]}
    assert listed["twice"] == "42" and listed["r"] == "42"


def test_model_expands_into_layers_and_parameters(debugged):
    _, client = debugged
    info = start_debugger(client)
    code = "let model = Sequential([Dense(2, 3, activation: relu), Dense(3, 1)])\nlet x = ones(4, 2)\nlet y = model(x)\n"
    debug(client, "setBreakpoints", {"breakpoints": [{"line": 3}], "source": {"path": cell_path(info, code)}})
    debug(client, "configurationDone")
    msg_id = client.execute(code)
    next_event(client, "stopped")
    stack = frames(client)
    model = variables_of(client, stack[0]["id"])["Globals"]["model"]
    assert model["type"] == "Sequential" and "parameters" in model["value"]
    layers = {v["name"]: v for v in debug(client, "variables", {"variablesReference": model["variablesReference"]})["body"]["variables"]}
    assert list(layers) == ["0", "1"]
    first = next(iter(layers.values()))
    parameters = {v["name"]: v for v in debug(client, "variables", {"variablesReference": first["variablesReference"]})["body"]["variables"]}
    assert any(v["value"].startswith("[2, 3]") or v["value"].startswith("[3, 2]") for v in parameters.values())
    rich = debug(client, "richInspectVariables", {"variableName": "model", "frameId": stack[0]["id"]})["body"]
    assert rich["data"]["text/plain"]
    debug(client, "continue", {"threadId": 1})
    assert reply_to(client, msg_id)["content"]["status"] == "ok"


CLASS_CELL = """class Counter {
    var count = 0
    var step = 2
    func bump(_ times) {
        let added = step * times
        count = count + added
        return count
    }
}
class Double: Counter {
    override func bump(_ times) {
        let first = super.bump(times)
        return first * 2
    }
}
let c = Double()
let r = c.bump(3)
r
"""


def test_breakpoint_in_a_method_of_a_class(debugged):
    _, client = debugged
    info = start_debugger(client)
    path = cell_path(info, CLASS_CELL)
    set_reply = debug(client, "setBreakpoints", {"breakpoints": [{"line": 5}], "source": {"path": path}})["body"]
    assert [(b["line"], b["verified"]) for b in set_reply["breakpoints"]] == [(5, True)]
    debug(client, "configurationDone")
    msg_id = client.execute(CLASS_CELL)
    assert next_event(client, "stopped")["reason"] == "breakpoint"

    # The stack names each method with its class: the superclass's method, called through
    # super from the subclass's override, called from the cell.
    stack = frames(client)
    assert [f["name"] for f in stack[:2]] == ["Counter.bump", "Double.bump"]
    assert [f["line"] for f in stack] == [5, 12, 17]
    assert stack[2]["name"].startswith("cell ")
    assert all(f["source"]["path"] == path for f in stack)

    # The method's locals: its parameter and self, which expands into the object's properties.
    seen = variables_of(client, stack[0]["id"])["Locals"]
    assert seen["times"]["value"] == "3"
    assert "super" not in seen
    me = seen["self"]
    assert me["type"] == "Double" and me["variablesReference"] > 0
    properties = {v["name"]: v for v in debug(client, "variables", {"variablesReference": me["variablesReference"]})["body"]["variables"]}
    assert {name: v["value"] for name, v in properties.items()} == {"count": "0", "step": "2"}
    assert properties["count"]["evaluateName"] == "self.count"
    evaluated = debug(client, "evaluate", {"context": "repl", "expression": "step * times + count", "frameId": stack[0]["id"]})
    assert evaluated["body"]["result"] == "6"

    debug(client, "next", {"threadId": 1})
    next_event(client, "stopped")
    stack = frames(client)
    assert stack[0]["name"] == "Counter.bump" and stack[0]["line"] == 6
    assert variables_of(client, stack[0]["id"])["Locals"]["added"]["value"] == "6"

    # Step out of the superclass's method: back in the override, after the super call.
    debug(client, "stepOut", {"threadId": 1})
    next_event(client, "stopped")
    stack = frames(client)
    assert stack[0]["name"] == "Double.bump" and stack[0]["line"] == 13
    seen = variables_of(client, stack[0]["id"])["Locals"]
    assert seen["first"]["value"] == "6"
    properties = {v["name"]: v["value"] for v in debug(client, "variables", {"variablesReference": seen["self"]["variablesReference"]})["body"]["variables"]}
    assert properties["count"] == "6"

    debug(client, "stepOut", {"threadId": 1})
    next_event(client, "stopped")
    stack = frames(client)
    assert len(stack) == 1 and stack[0]["line"] == 18

    debug(client, "continue", {"threadId": 1})
    assert reply_to(client, msg_id)["content"]["status"] == "ok"
    listed = {v["name"]: v["value"] for v in debug(client, "inspectVariables")["body"]["variables"]}
    assert listed["r"] == "12"
