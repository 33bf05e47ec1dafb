"""A wire fuzzer: real Jupyter messages, mutated, sent over raw ZeroMQ on shell and control to a
kernel process under an address-space cap. Some are re-signed after the mutation (so the kernel
parses them), others keep a signature that no longer fits (so it must drop them). Every few
messages the kernel must still answer a well-formed kernel_info_request on both channels.

Run by test_fuzz.py with a fixed seed; by hand against any kernel command for comparison:

    python Tests/protocol/wire_fuzz.py --count 3000 --seed 7 -- python -m ipykernel_launcher -f
"""

import argparse
import copy
import hashlib
import hmac
import json
import os
import queue
import random
import sys
import tempfile
import time
import uuid

import zmq

sys.path.insert(0, os.path.dirname(__file__))
from kernel_process import KernelProcess  # noqa: E402

DELIMITER = b"<IDS|MSG>"
ADDRESS_SPACE = 3 << 30

SHELL_REQUESTS = [
    ("kernel_info_request", {}),
    ("execute_request", {"code": "1 + 1", "silent": False, "store_history": True, "user_expressions": {"a": "1"}, "allow_stdin": False, "stop_on_error": True}),
    ("execute_request", {"code": "print(2)", "silent": True, "store_history": False, "user_expressions": {}, "allow_stdin": False, "stop_on_error": False}),
    ("execute_request", {"code": "x = 3", "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": True, "stop_on_error": True}),
    ("complete_request", {"code": "pri", "cursor_pos": 3}),
    ("inspect_request", {"code": "print", "cursor_pos": 2, "detail_level": 1}),
    ("is_complete_request", {"code": "for i in"}),
    ("history_request", {"output": True, "raw": True, "hist_access_type": "tail", "n": 5}),
    ("history_request", {"output": False, "raw": True, "hist_access_type": "search", "pattern": "*", "unique": True, "n": 3}),
    ("comm_info_request", {"target_name": ""}),
    ("comm_open", {"comm_id": "c1", "target_name": "nothing", "data": {}}),
    ("comm_msg", {"comm_id": "c1", "data": {"x": 1}}),
    ("comm_close", {"comm_id": "c1", "data": {}}),
]
CONTROL_REQUESTS = [
    ("kernel_info_request", {}),
    ("interrupt_request", {}),
    ("debug_request", {"type": "request", "seq": 1, "command": "initialize", "arguments": {}}),
    ("usage_request", {}),
]
# msg_type values a mutation may put in a header: requests of the other channel, replies,
# unknown ones; never shutdown_request, which ends a healthy kernel on purpose.
TYPES = [t for t, _ in SHELL_REQUESTS + CONTROL_REQUESTS] + [
    "execute_reply", "status", "stream", "input_reply", "", "x" * 300, "kernel_info_request\u0000", "💥"]
ODD_VALUES = [
    None, True, False, 0, -1, 2**31, -2**63, 2**64, 1e308, -0.0, float("nan"), "", "x" * 10_000, "\u0000", "\udcff",
    [], {}, [[[[[]]]]], {"a": {"b": {"c": {}}}}, "1" * 400, 10**400,
]


class Fuzzer:
    def __init__(self, argv, seed, folder, address_space=ADDRESS_SPACE):
        self.argv = argv
        self.random = random.Random(seed)
        self.folder = folder
        self.address_space = address_space
        self.tried = 0
        self.deaths = []
        self.hangs = []
        self.session = uuid.uuid4().hex
        self.start()

    def start(self):
        self.kernel = KernelProcess(self.argv, cwd=self.folder, address_space=self.address_space)
        info = self.kernel.client.get_connection_info()
        self.key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
        self.context = zmq.Context.instance()
        self.sockets = {}
        for channel in ("shell", "control"):
            socket = self.context.socket(zmq.DEALER)
            socket.setsockopt(zmq.LINGER, 0)
            socket.connect(f"tcp://127.0.0.1:{info[channel + '_port']}")
            self.sockets[channel] = socket

    def stop(self):
        for socket in self.sockets.values():
            socket.close(0)
        self.kernel.close()

    def sign(self, frames):
        mac = hmac.new(self.key, digestmod=hashlib.sha256)
        for frame in frames:
            mac.update(frame)
        return mac.hexdigest().encode()

    def message(self, msg_type, content):
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "fuzz", "session": self.session,
                  "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()), "version": "5.4"}
        return [header, {}, {}, copy.deepcopy(content)]

    # --- mutations -------------------------------------------------------------------------

    def mutate_value(self, value, depth=0):
        r = self.random
        if isinstance(value, dict) and value and r.random() < 0.7:
            key = r.choice(list(value))
            choice = r.random()
            if choice < 0.2:
                del value[key]
            elif choice < 0.3:
                value["odd" + str(r.randint(0, 9))] = r.choice(ODD_VALUES)
            else:
                value[key] = self.mutate_value(value[key], depth + 1)
            return value
        if isinstance(value, list) and value and r.random() < 0.5:
            index = r.randrange(len(value))
            value[index] = self.mutate_value(value[index], depth + 1)
            return value
        if isinstance(value, str) and value and r.random() < 0.5:
            cut = r.randrange(len(value) + 1)
            return value[:cut] + r.choice(["", "\u0000", "\n", "\"", "\\", "💥", "(" * 50, "[" * 500]) + value[cut:]
        return r.choice(ODD_VALUES)

    def encode(self, part):
        try:
            return json.dumps(part, allow_nan=True).encode("utf-8", "surrogatepass")
        except (ValueError, TypeError):
            return b"{}"

    def mutate_frames(self, frames):
        """Byte-level damage to the four JSON frames (and sometimes more or fewer frames)."""
        r = self.random
        choice = r.random()
        frames = list(frames)
        if choice < 0.35:
            index = r.randrange(4)
            data = bytearray(frames[index])
            for _ in range(r.randint(1, 6)):
                if not data:
                    break
                position = r.randrange(len(data))
                operation = r.random()
                if operation < 0.4:
                    data[position] = r.randrange(256)
                elif operation < 0.7:
                    del data[position:position + r.randint(1, 8)]
                else:
                    data[position:position] = bytes(r.randrange(256) for _ in range(r.randint(1, 8)))
            frames[index] = bytes(data)
        elif choice < 0.45:
            frames[r.randrange(4)] = b""
        elif choice < 0.55:
            frames = frames[: r.randrange(4)]
        elif choice < 0.65:
            frames += [os.urandom(r.randint(0, 64)) for _ in range(r.randint(1, 3))]
        elif choice < 0.75:
            frames[3] = b"[" * 100_000 + b"]" * 100_000
        elif choice < 0.85:
            frames[0] = b"\xff\xfe" + frames[0]
        else:
            frames[r.randrange(4)] = b"9" * r.choice([20, 400, 5000])
        return frames

    def next_message(self):
        """(channel, frames) of one mutated message, signed or not."""
        r = self.random
        channel = "control" if r.random() < 0.3 else "shell"
        msg_type, content = r.choice(CONTROL_REQUESTS if channel == "control" else SHELL_REQUESTS)
        parts = self.message(msg_type, content)
        structural = r.random() < 0.6
        if structural:
            target = r.randrange(4)
            if target == 0 and r.random() < 0.4:
                parts[0]["msg_type"] = r.choice(TYPES)
            else:
                parts[target] = self.mutate_value(parts[target])
        frames = [self.encode(part) for part in parts]
        if not structural or r.random() < 0.3:
            frames = self.mutate_frames(frames)
        signed = r.random() < 0.7
        signature = self.sign(frames) if signed else r.choice([b"", b"0" * 64, self.sign(frames)[:-1] + b"0", os.urandom(32)])
        identities = [] if r.random() < 0.9 else [os.urandom(r.randint(1, 8)) for _ in range(r.randint(1, 3))]
        return channel, identities + [DELIMITER, signature] + frames

    # --- liveness ------------------------------------------------------------------------

    def answers(self, channel, timeout):
        """Whether a valid kernel_info_request on `channel` gets its reply within `timeout`."""
        socket = self.sockets[channel]
        parts = self.message("kernel_info_request", {})
        msg_id = parts[0]["msg_id"]
        frames = [self.encode(part) for part in parts]
        socket.send_multipart([DELIMITER, self.sign(frames)] + frames)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if socket.poll(100):
                reply = socket.recv_multipart()
                try:
                    parent = json.loads(reply[reply.index(DELIMITER) + 3])
                except (ValueError, IndexError):
                    continue
                if parent.get("msg_id") == msg_id:
                    return True
            if not self.kernel.alive:
                return False
        return False

    def drain(self):
        for socket in self.sockets.values():
            while socket.poll(0):
                socket.recv_multipart()
        try:
            while True:
                self.kernel.client.get_iopub_msg(timeout=0)
        except queue.Empty:
            pass

    def run(self, count, check_every=25, timeout=20):
        last = []
        for number in range(count):
            channel, frames = self.next_message()
            last.append((channel, frames))
            last = last[-check_every:]
            self.sockets[channel].send_multipart(frames)
            self.tried += 1
            if (number + 1) % check_every and number + 1 != count:
                continue
            alive = all(self.answers(c, timeout) for c in ("shell", "control"))
            self.drain()
            if alive:
                continue
            record = {"after": number + 1, "how": self.kernel.death() or "no answer",
                      "last": [(c, [f[:200].decode("utf-8", "replace") for f in fs]) for c, fs in last]}
            (self.deaths if not self.kernel.alive else self.hangs).append(record)
            self.stop()
            self.start()
        self.stop()
        return {"messages": self.tried, "deaths": len(self.deaths), "hangs": len(self.hangs)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("argv", nargs="+", help="the kernel command, ending where the connection file goes")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        fuzzer = Fuzzer(arguments.argv, arguments.seed, folder)
        figures = fuzzer.run(arguments.count)
        figures["seconds"] = round(time.monotonic() - started, 1)
        figures["seed"] = arguments.seed
        figures["failures"] = fuzzer.deaths + fuzzer.hangs
    print(json.dumps({k: v for k, v in figures.items() if k != "failures"}))
    for failure in figures["failures"][:5]:
        print(json.dumps(failure)[:2000], file=sys.stderr)
    if arguments.json:
        with open(arguments.json, "w") as handle:
            json.dump(figures, handle, indent=1)


if __name__ == "__main__":
    main()
