"""The kernel's side of the Jupyter messaging protocol, driven through jupyter_client and raw zmq."""

import hashlib
import hmac
import json
import os
import pathlib
import subprocess
import sys
import time
import uuid

import pytest
import zmq
from jupyter_client.session import Session

from conftest import REPO, TIMEOUT, collect, start


def shell_reply(client, msg_id):
    while True:
        reply = client.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def execute(client, code, **options):
    msg_id = client.execute(code, **options)
    reply = shell_reply(client, msg_id)
    return reply, collect(client, msg_id)


def types(messages):
    return [m["msg_type"] if m["msg_type"] != "status" else m["content"]["execution_state"] for m in messages]


def wait_for_execute_input(client, msg_id):
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            return


# --- kernelspec and start-up ---------------------------------------------------------------


def test_kernelspec_is_listed_with_absolute_binary_and_logos(kernelspec_prefix, binary):
    jupyter = pathlib.Path(sys.executable).parent / "jupyter"
    listing = json.loads(subprocess.run([str(jupyter), "kernelspec", "list", "--json"], check=True, capture_output=True, text=True).stdout)
    spec = listing["kernelspecs"]["tensorcell"]
    assert spec["spec"]["argv"] == [str(binary), "kernel", "--connection-file", "{connection_file}"]
    assert spec["spec"]["language"] == "tensorcell"
    assert spec["spec"]["display_name"] == "Tensorcell"
    assert spec["spec"]["interrupt_mode"] == "signal"
    assert spec["spec"]["kernel_protocol_version"] == "5.5"
    installed = pathlib.Path(spec["resource_dir"])
    for logo in ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg"):
        assert (installed / logo).read_bytes() == (REPO / "kernelspec" / logo).read_bytes()


@pytest.mark.parametrize(
    "option, environment, directory",
    [
        (["--user"], {"JUPYTER_DATA_DIR": "data"}, "data/kernels"),
        (["--user"], {"XDG_DATA_HOME": "xdg"}, "xdg/jupyter/kernels"),
        (["--user"], {"HOME": "home"}, "home/.local/share/jupyter/kernels"),
        (["--sys-prefix"], {"VIRTUAL_ENV": "venv"}, "venv/share/jupyter/kernels"),
        (["--prefix", "prefix"], {}, "prefix/share/jupyter/kernels"),
    ],
)
def test_install_locations(binary, tmp_path, option, environment, directory):
    env = {key: value for key, value in os.environ.items() if key not in ("JUPYTER_DATA_DIR", "XDG_DATA_HOME", "VIRTUAL_ENV", "CONDA_PREFIX")}
    env.update({key: str(tmp_path / value) for key, value in environment.items()})
    option = [str(tmp_path / part) if part == "prefix" else part for part in option]
    subprocess.run([str(binary), "install", *option], check=True, capture_output=True, env=env)
    spec = json.loads((tmp_path / directory / "tensorcell" / "kernel.json").read_text())
    assert spec["argv"][0] == str(binary)


def test_install_rejects_two_locations(binary, tmp_path):
    result = subprocess.run([str(binary), "install", "--user", "--prefix", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode != 0 and "at most one" in result.stderr


def test_version_flag(binary):
    assert subprocess.run([str(binary), "--version"], check=True, capture_output=True, text=True).stdout.strip()


def test_bad_connection_file_is_a_clear_error(binary, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"ip": "127.0.0.1"}')
    result = subprocess.run([str(binary), "kernel", "--connection-file", str(broken)], capture_output=True, text=True)
    assert result.returncode != 0
    assert "shell_port" in result.stderr


# --- requests and replies -------------------------------------------------------------------


def test_kernel_info(kernel):
    _, client = kernel
    msg_id = client.kernel_info()
    reply = shell_reply(client, msg_id)["content"]
    assert reply["status"] == "ok"
    assert tuple(int(p) for p in reply["protocol_version"].split(".")) >= (5, 3)
    assert reply["implementation"] == "tensorcell" and reply["implementation_version"]
    info = reply["language_info"]
    for field in ("name", "version", "mimetype", "file_extension", "pygments_lexer", "codemirror_mode"):
        assert info[field], field
    assert reply["banner"]
    assert all({"text", "url"} <= set(link) for link in reply["help_links"])
    assert types(collect(client, msg_id)) == ["busy", "idle"]


def test_execute_publishes_busy_input_output_result_idle(kernel):
    _, client = kernel
    reply, messages = execute(client, 'let x = 6 * 7\nprint("x is", x)\nx + 0.5')
    assert reply["content"]["status"] == "ok"
    assert types(messages) == ["busy", "execute_input", "stream", "execute_result", "idle"]
    assert messages[2]["content"] == {"name": "stdout", "text": "x is 42\n"}
    assert messages[3]["content"]["data"] == {"text/plain": "42.5"}
    count = reply["content"]["execution_count"]
    assert messages[1]["content"]["execution_count"] == count == messages[3]["content"]["execution_count"]


def test_trailing_semicolon_hides_the_result(kernel):
    _, client = kernel
    _, messages = execute(client, "1 + 1;")
    assert "execute_result" not in types(messages)


def test_execution_count_silent_and_store_history(kernel):
    _, client = kernel
    first, _ = execute(client, "1")
    second, _ = execute(client, "2")
    assert second["content"]["execution_count"] == first["content"]["execution_count"] + 1

    silent, messages = execute(client, 'print("hidden")\n3', silent=True)
    assert types(messages) == ["busy", "idle"]
    assert silent["content"]["execution_count"] == second["content"]["execution_count"]

    unstored, messages = execute(client, 'print("shown")', store_history=False)
    assert "stream" in types(messages)
    assert unstored["content"]["execution_count"] == second["content"]["execution_count"]

    third, _ = execute(client, "4")
    assert third["content"]["execution_count"] == second["content"]["execution_count"] + 1


def test_variables_persist_between_cells(kernel):
    _, client = kernel
    execute(client, "var total = 1")
    execute(client, "total = total + 10")
    _, messages = execute(client, "total")
    assert messages[-2]["content"]["data"] == {"text/plain": "11"}


def test_errors_are_published_and_replied(kernel):
    _, client = kernel
    reply, messages = execute(client, "missing + 1")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "NameError"
    assert types(messages) == ["busy", "execute_input", "error", "idle"]
    assert messages[2]["content"]["ename"] == "NameError"
    assert any("missing" in line for line in messages[2]["content"]["traceback"])
    reply, _ = execute(client, "1 +* 2")
    assert reply["content"]["ename"] == "SyntaxError"


def test_stderr_display_update_and_clear(kernel):
    _, client = kernel
    reply, messages = execute(client, 'eprint("warn")\ndisplay(1, id: "p")\nupdateDisplay(2, id: "p")\nclearOutput()\ndisplay("plain")')
    assert reply["content"]["status"] == "ok"
    assert types(messages) == ["busy", "execute_input", "stream", "display_data", "update_display_data", "clear_output", "display_data", "idle"]
    assert messages[2]["content"] == {"name": "stderr", "text": "warn\n"}
    assert messages[3]["content"]["transient"] == {"display_id": "p"}
    assert messages[4]["content"]["data"] == {"text/plain": "2"}
    assert messages[4]["content"]["transient"] == {"display_id": "p"}
    assert messages[5]["content"] == {"wait": False}


def test_stop_on_error_aborts_queued_executions(kernel):
    _, client = kernel
    failing = client.execute("sleep(2)\nundefined_name")
    queued = [client.execute('print("must not run")') for _ in range(2)]
    assert shell_reply(client, failing)["content"]["status"] == "error"
    for msg_id in queued:
        assert shell_reply(client, msg_id)["content"]["status"] == "aborted"
    reply, _ = execute(client, "1")
    assert reply["content"]["status"] == "ok"


def test_without_stop_on_error_queued_cells_run(kernel):
    _, client = kernel
    failing = client.execute("sleep(2)\nundefined_name", stop_on_error=False)
    queued = client.execute('print("runs")')
    assert shell_reply(client, failing)["content"]["status"] == "error"
    assert shell_reply(client, queued)["content"]["status"] == "ok"


def test_input_request_over_stdin(kernel):
    _, client = kernel
    msg_id = client.execute('let name = input("Name? ")\nprint("hello", name)', allow_stdin=True)
    request = client.get_stdin_msg(timeout=TIMEOUT)
    assert request["msg_type"] == "input_request"
    assert request["content"] == {"prompt": "Name? ", "password": False}
    assert request["parent_header"]["msg_id"] == msg_id
    client.input("Ada")
    assert shell_reply(client, msg_id)["content"]["status"] == "ok"
    streams = [m["content"]["text"] for m in collect(client, msg_id) if m["msg_type"] == "stream"]
    assert streams == ["hello Ada\n"]


def test_input_without_allow_stdin_is_an_error(kernel):
    _, client = kernel
    reply, _ = execute(client, 'input("x")', allow_stdin=False)
    assert reply["content"]["ename"] == "StdinNotImplementedError"


def test_user_expressions(kernel):
    _, client = kernel
    execute(client, "let base = 20")
    reply, _ = execute(client, "1", user_expressions={"double": "base * 2", "broken": "nope"})
    expressions = reply["content"]["user_expressions"]
    assert expressions["double"] == {"status": "ok", "data": {"text/plain": "40"}, "metadata": {}}
    assert expressions["broken"]["status"] == "error" and expressions["broken"]["ename"] == "NameError"


def test_complete_inspect_is_complete(kernel):
    _, client = kernel
    execute(client, "let learningRate = 0.1")
    reply = shell_reply(client, client.complete("print(lea", 9))["content"]
    assert reply["status"] == "ok" and reply["matches"][0] == "learningRate"
    assert (reply["cursor_start"], reply["cursor_end"]) == (6, 9)

    reply = shell_reply(client, client.inspect("learningRate", 3))["content"]
    assert reply["found"] and "0.1" in reply["data"]["text/plain"]
    reply = shell_reply(client, client.inspect("nothing_here", 3))["content"]
    assert reply["status"] == "ok" and not reply["found"]

    assert shell_reply(client, client.is_complete("print(1"))["content"] == {"status": "incomplete", "indent": "    "}
    assert shell_reply(client, client.is_complete("print(1)"))["content"] == {"status": "complete"}
    assert shell_reply(client, client.is_complete("print(1))"))["content"] == {"status": "invalid"}


def test_history_tail_range_search(kernel):
    _, client = kernel
    for code in ("let a = 1", "let b = 2", "let a = 3", "print(a)"):
        execute(client, code)
    tail = shell_reply(client, client.history(hist_access_type="tail", n=2, output=False, raw=True))["content"]
    assert [entry[2] for entry in tail["history"]] == ["let a = 3", "print(a)"]
    lines = [entry[1] for entry in tail["history"]]
    ranged = shell_reply(client, client.history(hist_access_type="range", session=0, start=lines[0], stop=lines[1] + 1, output=False, raw=True))["content"]
    assert [entry[2] for entry in ranged["history"]] == ["let a = 3", "print(a)"]
    found = shell_reply(client, client.history(hist_access_type="search", pattern="let a*", output=False, raw=True))["content"]
    assert [entry[2] for entry in found["history"]] == ["let a = 1", "let a = 3"]
    unique = shell_reply(client, client.history(hist_access_type="search", pattern="let *", unique=True, n=2, output=False, raw=True))["content"]
    assert [entry[2] for entry in unique["history"]] == ["let b = 2", "let a = 3"]


def test_comm_info_and_comm_open_to_unknown_target(kernel):
    _, client = kernel
    msg_id = client.comm_info()
    assert shell_reply(client, msg_id)["content"] == {"status": "ok", "comms": {}}
    collect(client, msg_id)
    comm_id = uuid.uuid4().hex
    message = client.session.msg("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget", "data": {}})
    client.shell_channel.send(message)
    published = collect(client, message["header"]["msg_id"])
    assert types(published) == ["busy", "comm_close", "idle"]
    assert published[1]["content"]["comm_id"] == comm_id


def test_unknown_request_gets_no_reply(kernel):
    _, client = kernel
    bogus = client.session.msg("no_such_request", {})
    client.shell_channel.send(bogus)
    assert types(collect(client, bogus["header"]["msg_id"])) == ["busy", "idle"]
    # Replies on shell come in order, so the next reply is the kernel_info one.
    msg_id = client.kernel_info()
    assert client.get_shell_msg(timeout=TIMEOUT)["parent_header"]["msg_id"] == msg_id


# --- hostile input ---------------------------------------------------------------------------


@pytest.fixture
def raw_shell(kernel):
    """A DEALER on the kernel's shell port, to send frames no well-behaved client would."""
    manager, client = kernel
    info = manager.get_connection_info()
    context = zmq.Context.instance()
    socket = context.socket(zmq.DEALER)
    socket.linger = 0
    socket.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
    yield client, socket
    socket.close()


def raw_request(session, code):
    message = session.msg("execute_request", {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    return message, session.serialize(message)


def next_reply(socket):
    assert socket.poll(TIMEOUT * 1000), "no reply"
    frames = socket.recv_multipart()
    return json.loads(frames[frames.index(b"<IDS|MSG>") + 2])  # the reply's header


def assert_still_answers(client, socket):
    """Sends a valid kernel_info on the raw socket; the first reply must answer it."""
    message = client.session.msg("kernel_info_request", {})
    socket.send_multipart(client.session.serialize(message))
    assert socket.poll(TIMEOUT * 1000), "kernel stopped answering"
    frames = socket.recv_multipart()
    parent = json.loads(frames[frames.index(b"<IDS|MSG>") + 3])
    assert parent["msg_id"] == message["header"]["msg_id"]


def inputs_seen(client):
    """The code of every cell the kernel announced on iopub so far. A marker cell is run last and
    everything is read through its `status: idle`: the kernel handles shell messages in order, so
    whatever it ran before the marker has been published by then (reading only what happens to
    have arrived would race the iopub thread)."""
    marker = client.execute("0", silent=True, store_history=False)
    codes = []
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["msg_type"] == "execute_input" and msg["parent_header"].get("msg_id") != marker:
            codes.append(msg["content"]["code"])
        if msg["parent_header"].get("msg_id") == marker and msg["msg_type"] == "status" \
                and msg["content"]["execution_state"] == "idle":
            client.get_shell_msg(timeout=TIMEOUT)
            return codes


def test_badly_signed_unsigned_and_tampered_messages_are_ignored(raw_shell):
    client, socket = raw_shell
    wrong = Session(key=b"not-the-key", username="attacker")
    _, frames = raw_request(wrong, 'print("wrong key")')
    socket.send_multipart(frames)
    _, frames = raw_request(client.session, 'print("unsigned")')
    frames[1] = b""
    socket.send_multipart(frames)
    _, frames = raw_request(client.session, 'print("original")')
    frames[-1] = frames[-1].replace(b"original", b"tampered")
    socket.send_multipart(frames)
    assert_still_answers(client, socket)
    assert not any(code.startswith("print(") for code in inputs_seen(client))


def test_replayed_message_is_ignored(raw_shell):
    client, socket = raw_shell
    message, frames = raw_request(client.session, 'print("once")')
    socket.send_multipart(frames)
    assert next_reply(socket)["msg_type"] == "execute_reply"
    socket.send_multipart(frames)
    assert_still_answers(client, socket)
    assert inputs_seen(client).count('print("once")') == 1


def test_garbage_frames_and_invalid_json_do_not_kill_the_kernel(raw_shell, kernel):
    client, socket = raw_shell
    key = client.session.key

    def signed(parts):
        digest = hmac.new(key, digestmod=hashlib.sha256)
        for part in parts:
            digest.update(part)
        return [b"<IDS|MSG>", digest.hexdigest().encode()] + parts

    header = json.dumps({"msg_id": uuid.uuid4().hex, "msg_type": "execute_request", "session": "s", "username": "u", "date": "", "version": "5.3"}).encode()
    for frames in (
        [b"garbage"],
        [b"<IDS|MSG>"],
        [b"<IDS|MSG>", b"", b"{}", b"{}"],
        [b"\xff" * 64, b"<IDS|MSG>", b"sig", b"x", b"y", b"z", b"w"],
        signed([b"{not json", b"{}", b"{}", b"{}"]),
        signed([header, b"{}", b"{}", b'{"code": "1" ']),
        signed([json.dumps({"msg_id": "1"}).encode(), b"{}", b"{}", b"{}"]),
        signed([b"[]", b"{}", b"{}", b"{}"]),
        signed([header, b"{}", b"{}", b"[1, 2]"]),
        signed([json.dumps({"msg_id": "2", "msg_type": "execute_request"}).encode(), b"{}", b"{}", b'{"code": 5}']),
    ):
        socket.send_multipart(frames)
    # The last one is well formed apart from its content: it is answered with an error reply.
    reply_header = next_reply(socket)
    assert reply_header["msg_type"] == "execute_reply"
    assert_still_answers(client, socket)
    manager, _ = kernel
    assert manager.is_alive()


# --- while a cell runs -----------------------------------------------------------------------


def test_heartbeat_and_control_answer_during_a_long_cell(kernel):
    manager, client = kernel
    msg_id = client.execute("sleep(600)")
    wait_for_execute_input(client, msg_id)

    info = manager.get_connection_info()
    heartbeat = zmq.Context.instance().socket(zmq.REQ)
    heartbeat.linger = 0
    heartbeat.connect(f"{info['transport']}://{info['ip']}:{info['hb_port']}")
    heartbeat.send(b"ping")
    assert heartbeat.poll(TIMEOUT * 1000)
    assert heartbeat.recv() == b"ping"
    heartbeat.close()

    request = client.session.msg("kernel_info_request", {})
    client.control_channel.send(request)
    reply = client.get_control_msg(timeout=TIMEOUT)
    assert reply["msg_type"] == "kernel_info_reply"
    assert not client.shell_channel.msg_ready()  # the cell is still running

    manager.interrupt_kernel()
    assert shell_reply(client, msg_id)["content"]["ename"] == "KeyboardInterrupt"


def test_interrupt_by_signal_keeps_state(kernel):
    manager, client = kernel
    assert manager.kernel_spec.interrupt_mode == "signal"
    execute(client, "let kept = 5")
    msg_id = client.execute('sleep(600)\nprint("not reached")')
    wait_for_execute_input(client, msg_id)
    manager.interrupt_kernel()
    reply = shell_reply(client, msg_id)["content"]
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    messages = collect(client, msg_id)
    assert "not reached\n" not in [m["content"].get("text") for m in messages]
    _, messages = execute(client, "kept + 1")
    assert messages[-2]["content"]["data"] == {"text/plain": "6"}


def test_interrupt_while_idle_spares_the_next_cell(kernel):
    manager, client = kernel
    manager.interrupt_kernel()
    manager.interrupt_kernel()
    reply, _ = execute(client, "sleep(0.2)\n1")
    assert reply["content"]["status"] == "ok"
    assert manager.is_alive()


def test_interrupt_by_message(kernelspec_prefix):
    manager, client = start("tensorcell-message")
    try:
        assert manager.kernel_spec.interrupt_mode == "message"
        msg_id = client.execute("sleep(600)")
        wait_for_execute_input(client, msg_id)
        manager.interrupt_kernel()  # sends interrupt_request on control
        assert shell_reply(client, msg_id)["content"]["ename"] == "KeyboardInterrupt"

        # And by hand, checking the interrupt_reply itself.
        msg_id = client.execute("sleep(600)")
        wait_for_execute_input(client, msg_id)
        request = client.session.msg("interrupt_request", {})
        client.control_channel.send(request)
        reply = client.get_control_msg(timeout=TIMEOUT)
        assert reply["msg_type"] == "interrupt_reply" and reply["content"]["status"] == "ok"
        assert shell_reply(client, msg_id)["content"]["ename"] == "KeyboardInterrupt"
        reply, _ = execute(client, "1 + 1")
        assert reply["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)


def test_interrupt_while_waiting_for_input(kernel):
    manager, client = kernel
    msg_id = client.execute('input("never answered")', allow_stdin=True)
    client.get_stdin_msg(timeout=TIMEOUT)
    manager.interrupt_kernel()
    assert shell_reply(client, msg_id)["content"]["ename"] == "KeyboardInterrupt"


def test_a_late_answer_to_an_interrupted_input_is_not_taken_for_the_next(kernel):
    manager, client = kernel
    first = client.execute('input("first? ")', allow_stdin=True)
    first_request = client.get_stdin_msg(timeout=TIMEOUT)
    manager.interrupt_kernel()
    assert shell_reply(client, first)["content"]["ename"] == "KeyboardInterrupt"
    # Answered late, naming the request it answers, as JupyterLab's replies do.
    client.stdin_channel.send(client.session.msg("input_reply", {"value": "too late"}, parent=first_request))

    second = client.execute('print(input("second? "))', allow_stdin=True)
    request = client.get_stdin_msg(timeout=TIMEOUT)
    assert request["content"]["prompt"] == "second? "
    client.input("fresh")
    assert shell_reply(client, second)["content"]["status"] == "ok"
    streams = [m["content"]["text"] for m in collect(client, second) if m["msg_type"] == "stream"]
    assert streams == ["fresh\n"]


# --- lifecycle -------------------------------------------------------------------------------


def test_restart_gives_a_fresh_kernel(kernel):
    manager, client = kernel
    execute(client, "let before = 1")
    old_pid = manager.provisioner.process.pid
    manager.restart_kernel(now=False)
    assert manager.provisioner.process.pid != old_pid
    client.wait_for_ready(timeout=TIMEOUT)
    reply, _ = execute(client, "before")
    assert reply["content"]["ename"] == "NameError"
    assert reply["content"]["execution_count"] == 1


def test_shutdown_replies_and_exits_cleanly(kernel):
    manager, client = kernel
    process = manager.provisioner.process
    msg_id = client.shutdown(restart=False)
    reply = client.get_control_msg(timeout=TIMEOUT)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"] == {"status": "ok", "restart": False}
    assert process.wait(timeout=TIMEOUT) == 0


def test_shutdown_during_a_long_cell(kernel):
    manager, client = kernel
    process = manager.provisioner.process
    msg_id = client.execute("sleep(600)")
    wait_for_execute_input(client, msg_id)
    client.shutdown(restart=True)
    reply = client.get_control_msg(timeout=TIMEOUT)
    assert reply["content"] == {"status": "ok", "restart": True}
    assert process.wait(timeout=TIMEOUT) == 0


def test_new_iopub_subscriber_is_welcomed(kernel):
    manager, client = kernel
    info = manager.get_connection_info()
    subscriber = zmq.Context.instance().socket(zmq.SUB)
    subscriber.linger = 0
    subscriber.setsockopt(zmq.SUBSCRIBE, b"")
    subscriber.connect(f"{info['transport']}://{info['ip']}:{info['iopub_port']}")
    try:
        assert subscriber.poll(TIMEOUT * 1000)
        frames = subscriber.recv_multipart()
        split = frames.index(b"<IDS|MSG>")
        assert client.session.sign(frames[split + 2 : split + 6]) == frames[split + 1]
        assert json.loads(frames[split + 2])["msg_type"] == "iopub_welcome"
        assert json.loads(frames[split + 5]) == {"subscription": ""}
    finally:
        subscriber.close()


def test_ipc_transport(kernelspec_prefix, tmp_path):
    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name="tensorcell", transport="ipc", ip=str(tmp_path / "kernel-ipc"))
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=TIMEOUT)
        assert any(path.name.startswith("kernel-ipc-") for path in tmp_path.iterdir())
        reply = shell_reply(client, client.execute('print("over ipc")'))
        assert reply["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)


def test_kernel_exits_when_its_front_end_dies(binary, tmp_path):
    """jupyter_client sets JPY_PARENT_PID; an orphaned kernel must not run on forever."""
    connection = tmp_path / "connection.json"
    from jupyter_client.connect import write_connection_file

    write_connection_file(str(connection), ip="127.0.0.1", key=b"orphan-key")
    # The shell is the kernel's parent; it tells the kernel its pid, starts it and waits.
    parent = subprocess.Popen(
        ["sh", "-c", 'JPY_PARENT_PID=$$ "$0" kernel --connection-file "$1" & echo $!; wait', str(binary), str(connection)],
        stdout=subprocess.PIPE, text=True,
    )
    kernel_pid = int(parent.stdout.readline())
    assert pathlib.Path(f"/proc/{kernel_pid}").exists()
    parent.kill()
    parent.wait()
    for _ in range(TIMEOUT * 10):
        status = pathlib.Path(f"/proc/{kernel_pid}/status")
        if not status.exists() or "zombie" in status.read_text():
            return
        time.sleep(0.1)
    os.kill(kernel_pid, 9)
    pytest.fail("the orphaned kernel kept running")


def test_completes_members_and_labels_of_live_values(kernel):
    _, client = kernel
    execute(client, "let weights = tensor([[1, 2], [3, 4]])")
    code = "weights.sh"
    reply = client.complete(code, len(code), reply=True, timeout=10)["content"]
    assert "shape" in reply["matches"]
    assert (reply["cursor_start"], reply["cursor_end"]) == (len("weights."), len(code))
    code = "randn([2], se"
    reply = client.complete(code, len(code), reply=True, timeout=10)["content"]
    assert "seed: " in reply["matches"]
    assert reply["cursor_start"] == len("randn([2], ")


def test_inspects_a_variable_with_its_shape_and_dtype(kernel):
    _, client = kernel
    execute(client, "let grid = zeros([3, 4])")
    reply = client.inspect("grid", 2, reply=True, timeout=10)["content"]
    text = reply["data"]["text/plain"]
    assert reply["found"] and "Tensor" in text and "[3, 4]" in text and "float32" in text


def test_a_long_loop_stops_soon_after_an_interrupt(kernel):
    manager, client = kernel
    execute(client, "var counter = 0")
    msg_id = client.execute("while true { counter += 1 }")
    time.sleep(0.5)
    started = time.monotonic()
    manager.interrupt_kernel()
    reply = shell_reply(client, msg_id)["content"]
    assert reply["ename"] == "KeyboardInterrupt"
    assert time.monotonic() - started < 2
    _, messages = execute(client, "counter > 0")
    assert any(m["content"].get("data", {}).get("text/plain") == "true" for m in messages)
