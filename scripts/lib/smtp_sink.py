#!/usr/bin/env python3
"""A real SMTP server for tests (aiosmtpd) on a loopback port the kernel picks.

usage: smtp_sink.py DIRECTORY [--fail-first N]

Prints "PORT <n>" and writes DIRECTORY/port once listening, then stores every accepted message as DIRECTORY/<n>.json
({"mail_from", "rcpt_tos", "data"}). With --fail-first N the first N messages are answered
"451 try again later" (a relay outage) and not stored. Runs until SIGTERM.
"""
import json
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, fail_first):
        self.directory = directory
        self.fail_first = fail_first
        self.seen = 0
        self.stored = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.seen += 1
            if self.seen <= self.fail_first:
                return "451 4.3.0 try again later"
            self.stored += 1
            n = self.stored
        record = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                  "data": envelope.content.decode("utf-8", "replace")}
        path = os.path.join(self.directory, f"{n}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 OK"


class KernelPortController(Controller):
    """Listens on a port the kernel picks (port 0) and learns it before the readiness probe."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def main():
    # A parent may hand down a blocked SIGTERM (Foundation's Process does not reset the mask).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    directory = sys.argv[1]
    fail_first = int(sys.argv[sys.argv.index("--fail-first") + 1]) if "--fail-first" in sys.argv else 0
    os.makedirs(directory, exist_ok=True)
    controller = KernelPortController(Sink(directory, fail_first), hostname="127.0.0.1", port=0)
    controller.start()
    port = controller.port
    print(f"PORT {port}", flush=True)
    with open(os.path.join(directory, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(directory, "port.tmp"), os.path.join(directory, "port"))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.wait(0.2):  # a timed wait lets the signal handler run
        pass
    controller.stop()


if __name__ == "__main__":
    main()
