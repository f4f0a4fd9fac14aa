#!/usr/bin/env python3
"""OpenSSH's sshd for tests, on a kernel-chosen loopback port without a fixed-port race.

usage: sshd_inetd.py DIRECTORY SSHD_CONFIG

Binds 127.0.0.1:0, writes the port to DIRECTORY/port, and runs `sshd -i -f SSHD_CONFIG` (inetd
mode: one sshd per connection, on the accepted socket) for every connection, logging to
DIRECTORY/sshd.log. Runs until SIGTERM; the sshd children end with their connections.
"""
import os
import signal
import socket
import subprocess
import sys


def main():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    directory, config = sys.argv[1], sys.argv[2]
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    with open(os.path.join(directory, "port.tmp"), "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.rename(os.path.join(directory, "port.tmp"), os.path.join(directory, "port"))
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # no zombies
    log = os.path.join(directory, "sshd.log")
    while True:
        conn, _ = listener.accept()
        subprocess.Popen(["/usr/sbin/sshd", "-i", "-f", config, "-E", log], stdin=conn, stdout=conn, close_fds=True)
        conn.close()


if __name__ == "__main__":
    main()
