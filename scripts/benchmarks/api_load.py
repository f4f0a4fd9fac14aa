#!/usr/bin/env python3
"""Load for scripts/bench api: POST /v1/faxes (JSON, one small PDF) from CONNECTIONS keep-alive
connections for SECONDS; prints accepted submissions per second and p50/p99 latency.

usage: api_load.py HOST PORT TOKEN CONNECTIONS SECONDS
"""
import base64
import http.client
import json
import sys
import threading
import time

PDF = b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n" \
      b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def main():
    host, port, token, connections, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    body = json.dumps({"recipients": ["+12065550100"], "quality": "fine",
                       "files": [{"filename": "page.pdf", "content_base64": base64.b64encode(PDF).decode()}]}).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies, errors = [], []
    lock = threading.Lock()
    start = time.monotonic()
    deadline = start + seconds

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine, bad = [], 0
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            conn.request("POST", "/v1/faxes", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.monotonic() - t0
            if response.status == 202:
                mine.append(elapsed)
            else:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duration = time.monotonic() - start
    latencies.sort()
    n = len(latencies)
    p = lambda q: latencies[min(n - 1, int(q * n))] * 1000 if n else float("nan")
    print(f"ACCEPTED {n} {n / duration:.1f} p50={p(0.50):.1f} p99={p(0.99):.1f} errors={sum(errors)}")


if __name__ == "__main__":
    main()
