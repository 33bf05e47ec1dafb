"""Kernel subshells (JEP 91), comms on the wire, the control channel's limits and the restart race."""

import os
import signal
import time
import uuid

from jupyter_client.manager import KernelManager

from conftest import TIMEOUT, start, wait_for_iopub
from test_protocol import collect, execute, shell_reply, types, wait_for_execute_input


def control_request(client, msg_type, content=None):
    request = client.session.msg(msg_type, content or {})
    client.control_channel.send(request)
    while True:
        reply = client.get_control_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == request["header"]["msg_id"]:
            return reply


def shell_request(client, msg_type, content=None, subshell_id=None):
    """Sends a shell request, naming a subshell in its header as JupyterLab does."""
    request = client.session.msg(msg_type, content or {})
    if subshell_id is not None:
        request["header"]["subshell_id"] = subshell_id
    client.shell_channel.send(request)
    return request["header"]["msg_id"]


def test_kernel_info_announces_subshells(kernel):
    _, client = kernel
    reply = shell_reply(client, client.kernel_info())
    assert reply["content"]["protocol_version"] == "5.5"
    assert "kernel subshells" in reply["content"]["supported_features"]


def test_subshells_are_created_listed_and_deleted_on_control(kernel):
    _, client = kernel
    assert control_request(client, "list_subshell_request")["content"] == {"status": "ok", "subshell_id": []}
    first = control_request(client, "create_subshell_request")["content"]
    second = control_request(client, "create_subshell_request")["content"]
    assert first["status"] == "ok" and second["status"] == "ok"
    assert first["subshell_id"] != second["subshell_id"]
    listed = control_request(client, "list_subshell_request")["content"]["subshell_id"]
    assert listed == [first["subshell_id"], second["subshell_id"]]

    deleted = control_request(client, "delete_subshell_request", {"subshell_id": first["subshell_id"]})
    assert deleted["content"] == {"status": "ok"}
    again = control_request(client, "delete_subshell_request", {"subshell_id": first["subshell_id"]})
    assert again["content"]["status"] == "error"
    assert control_request(client, "list_subshell_request")["content"]["subshell_id"] == [second["subshell_id"]]


def test_a_subshell_request_is_answered_with_its_subshell_in_the_parent(kernel):
    _, client = kernel
    subshell = control_request(client, "create_subshell_request")["content"]["subshell_id"]
    msg_id = shell_request(client, "kernel_info_request", subshell_id=subshell)
    reply = shell_reply(client, msg_id)
    assert reply["msg_type"] == "kernel_info_reply"
    assert reply["parent_header"]["subshell_id"] == subshell

    # A comm to a target the language does not serve is closed, whatever shell it came on.
    comm_id = uuid.uuid4().hex
    msg_id = shell_request(
        client, "comm_open", {"comm_id": comm_id, "target_name": "no.such.target", "data": {}}, subshell_id=subshell
    )
    published = collect(client, msg_id)
    assert types(published) == ["busy", "comm_close", "idle"]
    assert published[1]["content"]["comm_id"] == comm_id
    assert published[1]["parent_header"]["subshell_id"] == subshell


def test_an_execute_request_on_a_subshell_runs_after_the_current_cell(kernel):
    _, client = kernel
    subshell = control_request(client, "create_subshell_request")["content"]["subshell_id"]
    main_id = client.execute("sleep(0.5)\nvar order = 1")
    wait_for_execute_input(client, main_id)
    sub_id = shell_request(
        client, "execute_request", {"code": "order = order * 10 + 2\norder", "silent": False}, subshell_id=subshell
    )
    first = client.get_shell_msg(timeout=TIMEOUT)
    second = client.get_shell_msg(timeout=TIMEOUT)
    assert [first["parent_header"]["msg_id"], second["parent_header"]["msg_id"]] == [main_id, sub_id]
    assert second["content"]["status"] == "ok"
    result = [m for m in collect(client, sub_id) if m["msg_type"] == "execute_result"]
    assert result[0]["content"]["data"]["text/plain"] == "12"


def test_a_request_for_a_subshell_that_does_not_exist_is_refused(kernel):
    _, client = kernel
    msg_id = shell_request(client, "execute_request", {"code": "let never = 1", "silent": False}, subshell_id="nope")
    reply = shell_reply(client, msg_id)
    assert reply["content"]["status"] == "error"
    reply, _ = execute(client, "never")
    assert reply["content"]["ename"] == "NameError"


def test_control_refuses_shell_requests_while_a_cell_runs(kernel):
    manager, client = kernel
    execute(client, "var counter = 1")
    msg_id = client.execute("sleep(0.5)\ncounter = counter + 1")
    wait_for_execute_input(client, msg_id)
    for _ in range(5):
        reply = control_request(client, "execute_request", {"code": "counter = counter + 100", "silent": False})
        assert reply["msg_type"] == "execute_reply"
        assert reply["content"]["status"] == "error"
    reply = control_request(client, "complete_request", {"code": "coun", "cursor_pos": 4})
    assert reply["content"]["status"] == "error"
    assert shell_reply(client, msg_id)["content"]["status"] == "ok"
    reply, published = execute(client, "counter")
    assert [m["content"]["data"]["text/plain"] for m in published if m["msg_type"] == "execute_result"] == ["2"]
    assert manager.is_alive()


def test_a_restart_after_the_kernel_died_keeps_the_new_kernel(kernelspec_prefix):
    """jupyter_client queues a shutdown_request for the dead kernel; the new one, bound to the
    same ports, receives it first thing and must not act on it."""
    manager = KernelManager(kernel_name="tensorcell")
    manager.start_kernel()
    try:
        for attempt in range(8):
            pid = manager.provisioner.process.pid
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + TIMEOUT
            while manager.is_alive() and time.monotonic() < deadline:
                time.sleep(0.01)
            manager.restart_kernel(now=False)
            assert manager.provisioner.process.pid != pid
            client = manager.client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=TIMEOUT)
                wait_for_iopub(client)
                time.sleep(0.3)  # a stale shutdown would have ended the kernel by now
                assert manager.is_alive(), f"the restarted kernel died (attempt {attempt + 1})"
                reply, _ = execute(client, "1 + 1")
                assert reply["content"]["status"] == "ok"
            finally:
                client.stop_channels()
    finally:
        if manager.is_alive():
            manager.shutdown_kernel(now=True)
