#!/usr/bin/env python3
"""Load for scripts/bench smtp: CLIENTS connections each send their share of MESSAGES messages
(one 100 KB PDF each, base64 in multipart/mixed) with smtplib, reusing their connection.

  smtp_load.py PORT MESSAGES CLIENTS FROM TO   -> JSON {"accepted": n, "refused": n, "seconds": s}
"""
import json, smtplib, sys, threading, time
from email.message import EmailMessage

port, messages, clients, frm, to = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes((i * 7919) % 251 for i in range(100_000)) + b"\n%%EOF\n"
m = EmailMessage()
m["From"] = frm
m["To"] = to
m["Subject"] = "benchmark"
m.set_content("Please fax the attached document.")
m.add_attachment(pdf, maintype="application", subtype="pdf", filename="bench.pdf")
raw = m.as_bytes()
counts = {"accepted": 0, "refused": 0}
lock = threading.Lock()


def worker(n):
    ok = bad = 0
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as s:
        s.ehlo("bench.example")
        for _ in range(n):
            try:
                s.sendmail(frm, [to], raw)
                ok += 1
            except smtplib.SMTPException:
                bad += 1
                s.rset()
    with lock:
        counts["accepted"] += ok
        counts["refused"] += bad


shares = [messages // clients + (1 if i < messages % clients else 0) for i in range(clients)]
threads = [threading.Thread(target=worker, args=(n,)) for n in shares]
start = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
counts["seconds"] = time.monotonic() - start
print(json.dumps(counts))
