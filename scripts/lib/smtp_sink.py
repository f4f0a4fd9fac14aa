#!/usr/bin/env python3
"""A real SMTP server for tests (aiosmtpd) on a loopback port the kernel picks.

usage: smtp_sink.py DIRECTORY [--fail-first N]

Prints "PORT <n>" and writes DIRECTORY/port once listening, then stores every accepted message as DIRECTORY/<n>.json
({"mail_from", "rcpt_tos", "data"}). With --fail-first N the first N messages are answered
"451 try again later" (a relay outage) and not stored. Runs until SIGTERM.
"""
import asyncio
import json
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory, fail_first):
        self.directory = directory
        self.fail_first = fail_first
        self.seen = 0
        self.stored = 0

    async def handle_DATA(self, server, session, envelope):
        # One event loop thread: the counters need no lock.
        self.seen += 1
        if self.seen <= self.fail_first:
            return "451 4.3.0 try again later"
        self.stored += 1
        record = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                  "data": envelope.content.decode("utf-8", "replace")}
        path = os.path.join(self.directory, f"{self.stored}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 OK"


async def serve(directory, fail_first):
    loop = asyncio.get_running_loop()
    sink = Sink(directory, fail_first)
    # Port 0: the kernel picks a free port, so parallel tests never race for one.
    server = await loop.create_server(lambda: SMTP(sink, hostname="sink.test"), host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    with open(os.path.join(directory, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(directory, "port.tmp"), os.path.join(directory, "port"))
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main():
    # A parent may hand down a blocked SIGTERM (Foundation's Process does not reset the mask).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    directory = sys.argv[1]
    fail_first = int(sys.argv[sys.argv.index("--fail-first") + 1]) if "--fail-first" in sys.argv else 0
    os.makedirs(directory, exist_ok=True)
    asyncio.run(serve(directory, fail_first))


if __name__ == "__main__":
    main()
