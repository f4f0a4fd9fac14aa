#!/usr/bin/env python3
"""An HTTPS server for tests: receives inbound fax deliveries (signed multipart POSTs).

usage: https_sink.py DIRECTORY CERT.pem KEY.pem [--fail-first N] [--hold-first SECONDS]

Binds a kernel-chosen loopback port, writes it to DIRECTORY/port, then stores every POST as
DIRECTORY/<n>.json ({"path", "headers": {lower-case name: value}, "body_base64"}). With
--fail-first N the first N requests are answered 503 and not stored; with --hold-first S the
first request is read, DIRECTORY/held is written, and the answer waits S seconds (the sender may
die meanwhile) and is then dropped without storing. Runs until SIGTERM.
"""
import base64
import http.server
import json
import os
import signal
import ssl
import sys
import threading
import time


def main():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    directory, cert, key = sys.argv[1], sys.argv[2], sys.argv[3]
    fail_first = int(sys.argv[sys.argv.index("--fail-first") + 1]) if "--fail-first" in sys.argv else 0
    hold_first = float(sys.argv[sys.argv.index("--hold-first") + 1]) if "--hold-first" in sys.argv else 0
    os.makedirs(directory, exist_ok=True)
    state = {"seen": 0, "stored": 0}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                state["seen"] += 1
                held = hold_first > 0 and state["seen"] == 1
            if held:
                open(os.path.join(directory, "held"), "w").close()
                time.sleep(hold_first)
                self.close_connection = True
                return
            with lock:
                if state["seen"] <= fail_first:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                state["stored"] += 1
                n = state["stored"]
            record = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                      "body_base64": base64.b64encode(body).decode()}
            path = os.path.join(directory, f"{n}.json")
            with open(path + ".tmp", "w") as f:
                json.dump(record, f)
            os.rename(path + ".tmp", path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(os.path.join(directory, "port.tmp"), "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(os.path.join(directory, "port.tmp"), os.path.join(directory, "port"))
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()


if __name__ == "__main__":
    main()
