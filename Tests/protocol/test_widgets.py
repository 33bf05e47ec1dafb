"""Widgets over the wire, as JupyterLab's widget manager drives them: comm lifecycle, state
sync and echo, onChange, interact, and an update that arrives while a training run is going."""

import json
import time

from conftest import TIMEOUT, collect

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def run(client, code):
    """Executes code; returns the reply and every iopub message until idle."""
    msg_id = client.execute(code)
    reply = client.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=TIMEOUT)
    return reply, collect(client, msg_id)


def value(client, expression):
    reply, messages = run(client, expression)
    assert reply["content"]["status"] == "ok", reply["content"]
    results = [m for m in messages if m["msg_type"] == "execute_result"]
    return results[-1]["content"]["data"]["text/plain"]


def send_comm(client, comm_id, data, msg_type="comm_msg"):
    """Sends a comm message as a front end does; returns its id."""
    msg = client.session.msg(msg_type, {"comm_id": comm_id, "data": data})
    client.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def comm_messages(client, msg_id, seconds=TIMEOUT):
    """The iopub messages a comm message caused, until the kernel is idle again."""
    return collect(client, msg_id)


def opened(messages, model_name):
    return [
        m for m in messages
        if m["msg_type"] == "comm_open" and m["content"]["data"]["state"].get("_model_name") == model_name
    ]


def test_comm_lifecycle_open_info_display_and_close(kernel):
    _, client = kernel
    reply, messages = run(client, "let s = slider(1...10, value: 3, label: \"n\")\ns")
    assert reply["content"]["status"] == "ok"
    [slider] = opened(messages, "IntSliderModel")
    assert slider["content"]["target_name"] == "jupyter.widget"
    assert slider["metadata"]["version"] == "2.1.0"
    state = slider["content"]["data"]["state"]
    assert state["_model_module"] == "@jupyter-widgets/controls"
    assert state["value"] == 3 and state["min"] == 1 and state["max"] == 10
    layout_id = state["layout"].removeprefix("IPY_MODEL_")
    opened_ids = [m["content"]["comm_id"] for m in messages if m["msg_type"] == "comm_open"]
    assert opened_ids.index(layout_id) < opened_ids.index(slider["content"]["comm_id"])
    [result] = [m for m in messages if m["msg_type"] == "execute_result"]
    assert WIDGET_VIEW in result["content"]["data"]
    assert "text/plain" in result["content"]["data"]

    comm_id = slider["content"]["comm_id"]
    client.comm_info(target_name="jupyter.widget")
    info = client.get_shell_msg(timeout=TIMEOUT)["content"]
    assert info["comms"][comm_id]["target_name"] == "jupyter.widget"

    msg_id = send_comm(client, comm_id, {}, msg_type="comm_close")
    comm_messages(client, msg_id)
    client.comm_info(target_name="jupyter.widget")
    info = client.get_shell_msg(timeout=TIMEOUT)["content"]
    assert comm_id not in info["comms"]
    assert value(client, "s.value") == "3"


def test_update_is_echoed_and_bad_input_is_refused(kernel):
    _, client = kernel
    _, messages = run(client, "let s = slider(1...10, value: 3)\ns")
    comm_id = opened(messages, "IntSliderModel")[0]["content"]["comm_id"]

    replies = comm_messages(client, send_comm(client, comm_id, {"method": "update", "state": {"value": 7}, "buffer_paths": []}))
    echoes = [m for m in replies if m["msg_type"] == "comm_msg" and m["content"]["data"]["method"] == "echo_update"]
    assert echoes and echoes[0]["content"]["data"]["state"] == {"value": 7}
    assert value(client, "s.value") == "7"

    # The wrong type: refused, and the kernel says what it keeps.
    replies = comm_messages(client, send_comm(client, comm_id, {"method": "update", "state": {"value": "lots"}}))
    updates = [m["content"]["data"] for m in replies if m["msg_type"] == "comm_msg"]
    assert {"method": "update", "state": {"value": 7}, "buffer_paths": []} in updates
    # Out of range, garbage, an unknown comm: the value stays valid and the kernel lives.
    comm_messages(client, send_comm(client, comm_id, {"method": "update", "state": {"value": 1000}}))
    comm_messages(client, send_comm(client, comm_id, "garbage"))
    comm_messages(client, send_comm(client, "no-such-comm", {"method": "update", "state": {"value": 2}}))
    assert value(client, "s.value") == "10"
    assert value(client, "s.value + 1") == "11"


def test_on_change_and_request_state(kernel):
    _, client = kernel
    _, messages = run(client, "var seen = 0\nlet s = slider(1...10, value: 3)\ns.onChange { v in seen = v * 2 }\ns")
    comm_id = opened(messages, "IntSliderModel")[0]["content"]["comm_id"]
    comm_messages(client, send_comm(client, comm_id, {"method": "update", "state": {"value": 4}}))
    assert value(client, "seen") == "8"
    replies = comm_messages(client, send_comm(client, comm_id, {"method": "request_state"}))
    [full] = [m["content"]["data"] for m in replies if m["msg_type"] == "comm_msg"]
    assert full["method"] == "update" and full["state"]["value"] == 4 and full["state"]["_model_name"] == "IntSliderModel"


def test_interact_reruns_and_replaces_its_output(kernel):
    _, client = kernel
    _, messages = run(client, "interact(n: slider(1...5, value: 2)) { n in print(\"n is \\(n)\") }")
    comm_id = opened(messages, "IntSliderModel")[0]["content"]["comm_id"]
    area = opened(messages, "OutputModel")[0]["content"]["comm_id"]
    first = [m["content"]["data"]["state"]["outputs"] for m in messages
             if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == area]
    assert first[-1][0]["text"] == "n is 2\n"
    replies = comm_messages(client, send_comm(client, comm_id, {"method": "update", "state": {"value": 5}}))
    outputs = [m["content"]["data"]["state"]["outputs"] for m in replies
               if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == area]
    assert outputs[-1] == [{"output_type": "stream", "name": "stdout", "text": "n is 5\n"}]


def test_update_during_a_fit_is_applied_at_the_next_batch(kernel):
    _, client = kernel
    _, messages = run(client, """
let (x, y) = dataset("moons", n: 2000, seed: 0)
let model = Sequential([Dense(2, 64, activation: relu, seed: 1), Dense(64, 64, activation: relu, seed: 2), Dense(64, 2, seed: 3)])
let opt = SGD(model, lr: 0.01)
let run = Trainer(model, loss: crossEntropy, optimizer: opt, data: (x, y), batchSize: 8, seed: 4)
let rate = slider(0.001...1.0, value: 0.01, label: "lr")
var changedAt = -1
rate.onChange { v in
    opt.lr = v
    changedAt = opt.stepCount
}
rate
""")
    comm_id = opened(messages, "FloatSliderModel")[0]["content"]["comm_id"]
    msg_id = client.execute("run.fit(epochs: 100, live: false)\nopt.stepCount")
    # Wait until the fit is running, then move the slider.
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            break
    time.sleep(0.3)
    send_comm(client, comm_id, {"method": "update", "state": {"value": 0.5}})
    messages = collect(client, msg_id)
    total = int([m for m in messages if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"])
    assert 0 < int(value(client, "changedAt")) < total
    assert value(client, "opt.lr") == "0.5"


# --- the language thread: callbacks in a row, deep ones, interrupted ones -------------------


def test_many_updates_in_a_row_all_reach_on_change_in_order(kernel):
    _, client = kernel
    _, messages = run(client, "var seen = []\nlet s = slider(0...1000, value: 0)\ns.onChange { v in\n  seen.append(v)\n  print(v)\n}")
    comm_id = opened(messages, "IntSliderModel")[0]["content"]["comm_id"]
    # Sent back to back, without waiting for any to be handled.
    ids = [send_comm(client, comm_id, {"method": "update", "state": {"value": value}}) for value in range(1, 61)]
    printed = []
    for msg_id in ids:
        printed += [m["content"]["text"] for m in comm_messages(client, msg_id) if m["msg_type"] == "stream"]
    assert printed == [f"{value}\n" for value in range(1, 61)]
    assert value(client, "seen") == "[" + ", ".join(str(v) for v in range(1, 61)) + "]"


def test_deep_recursion_in_an_on_change_callback(kernel):
    _, client = kernel
    reply, _ = run(client, "func down(_ n) {\n  if n == 0 { return 0 }\n  return 1 + down(n - 1)\n}\nvar reached = 0\ndown(990)")
    assert reply["content"]["status"] == "ok"
    _, messages = run(client, "let s = slider(0...1000, value: 0)\ns.onChange { v in reached = down(v) }")
    comm_id = opened(messages, "IntSliderModel")[0]["content"]["comm_id"]
    comm_messages(client, send_comm(client, comm_id, {"method": "update", "state": {"value": 990}}))
    assert value(client, "reached") == "990"
    # Again: the same thread, its stack given back and reused.
    comm_messages(client, send_comm(client, comm_id, {"method": "update", "state": {"value": 900}}))
    assert value(client, "reached") == "900"


def test_a_callbacks_output_shows_in_its_area_while_it_runs(kernel):
    manager, client = kernel
    _, messages = run(client, 'let s = slider(0...10, value: 0)\ns.onChange { v in\n  print("asleep at", v)\n  sleep(600)\n}\ns')
    slider = opened(messages, "IntSliderModel")[0]["content"]["comm_id"]
    area = opened(messages, "OutputModel")[0]["content"]["comm_id"]
    msg_id = send_comm(client, slider, {"method": "update", "state": {"value": 4}})

    def area_outputs(msg):
        if msg["msg_type"] != "comm_msg" or msg["content"]["comm_id"] != area:
            return []
        return msg["content"]["data"].get("state", {}).get("outputs", [])

    while True:  # the print reaches the slider's output area while the callback sleeps
        if any("asleep at 4" in output.get("text", "") for output in area_outputs(client.get_iopub_msg(timeout=TIMEOUT))):
            break
    manager.interrupt_kernel()
    outputs = [output for msg in comm_messages(client, msg_id) for output in area_outputs(msg)]
    assert any(output.get("ename") == "KeyboardInterrupt" for output in outputs), json.dumps(outputs)
    assert value(client, "s.value") == "4"


def test_an_interrupted_callback_stops_and_the_next_cell_keeps_the_variables(kernel):
    manager, client = kernel
    _, messages = run(client, "let kept = 41\nvar started = 0\nlet s = slider(0...10, value: 0)\ns.onChange { v in\n  started = v\n  print(\"asleep\")\n  sleep(600)\n  started = -1\n}")
    comm_id = opened(messages, "IntSliderModel")[0]["content"]["comm_id"]
    msg_id = send_comm(client, comm_id, {"method": "update", "state": {"value": 3}})
    while True:  # the interrupt is sent once the callback has set `started` and gone to sleep
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream"
                and "asleep" in msg["content"]["text"]):
            break
    manager.interrupt_kernel()
    messages = comm_messages(client, msg_id)
    errors = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
    assert "KeyboardInterrupt" in errors
    assert value(client, "kept + 1") == "42"
    assert value(client, "started") == "3"
    assert manager.is_alive()
