#!/usr/bin/env python3
"""A real SMTP client for the gateway tests (Python's smtplib and raw sockets).

  smtp_client.py send PORT FROM TO[,TO...] SCENARIO   -> JSON {"ok", "refused", "error", "code", "message"}
  smtp_client.py raw PORT < JSON list of base64 chunks -> JSON {"replies": [...], "closed": bool}

Scenarios build the MIME message the way mail clients do (email.message.EmailMessage), so the
gateway sees base64, quoted-printable, RFC 2231 and RFC 2047 names, related images, forwards.
"""
import base64, json, smtplib, socket, sys, time
from email.message import EmailMessage
from email import policy
from email.utils import make_msgid


def pdf(tag):
    body = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + tag + "\n"
    return (body + "x" * 2000 + "\n%%EOF\n").encode()


def tiff(tag):
    return b"II*\x00" + tag.encode() + bytes(range(256)) * 4


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f3b1c10000000049454e44ae426082")


def base(frm, to, subject="Lab results", body="Please fax this.\nThanks, Dr. Roe"):
    m = EmailMessage()
    m["From"] = "Dr. Roe <%s>" % frm
    m["To"] = ", ".join(to)
    m["Subject"] = subject
    m["Message-ID"] = make_msgid(domain="client.example")
    if body is not None:
        m.set_content(body)
    return m


def scenario(name, frm, to):
    if name == "pdf":
        m = base(frm, to)
        m.add_attachment(pdf("report"), maintype="application", subtype="pdf", filename="report.pdf")
        return m.as_bytes()
    if name == "ordered":
        # body in plain + HTML with an inline (cid) picture, then three documents in order:
        # an RFC 2231 named PDF, a TIFF, a quoted-printable text file.
        m = base(frm, to, subject="Überweisung für Müller", body="Cover message line 1\nline 2")
        cid = make_msgid(domain="client.example")
        m.add_alternative('<p>Cover message line 1<br>line 2</p><img src="cid:%s">' % cid[1:-1], subtype="html")
        m.get_payload()[1].add_related(PNG, maintype="image", subtype="png", cid=cid)
        m.add_attachment(pdf("first"), maintype="application", subtype="pdf", filename="Résumé ü.pdf")
        m.add_attachment(tiff("second"), maintype="image", subtype="tiff", filename="scan.tif")
        m.add_attachment("Notes: café = 3€\n" * 3, subtype="plain", filename="notes.txt", cte="quoted-printable")
        return m.as_bytes(policy=policy.SMTP)
    if name == "rfc2047":
        # Outlook style: RFC 2047 encoded-word inside a quoted parameter.
        b64 = base64.encodebytes(pdf("rfc2047")).decode()
        raw = ("From: Dr. Roe <%s>\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\nMessage-ID: <2047@client.example>\r\n"
               "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
               "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\r\n"
               "--b1\r\nContent-Type: application/pdf; name=\"=?UTF-8?B?%s?=\"\r\n"
               "Content-Disposition: attachment; filename=\"=?UTF-8?B?%s?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--b1--\r\n") % (
            frm, ", ".join(to), base64.b64encode("Befund für Zoë".encode()).decode(),
            base64.b64encode("Befund Zoë.pdf".encode()).decode(), base64.b64encode("Befund Zoë.pdf".encode()).decode(),
            b64.replace("\n", "\r\n"))
        return raw.encode()
    if name == "forwarded":
        inner = base("colleague@elsewhere.example", ["someone@elsewhere.example"], subject="Original", body="inner text is not the cover")
        inner.add_attachment(pdf("forwarded"), maintype="application", subtype="pdf", filename="inner.pdf")
        m = base(frm, to, subject="Fwd: Original", body="")
        m.add_attachment(inner)
        m.add_attachment(pdf("outer"), maintype="application", subtype="pdf", filename="outer.pdf")
        return m.as_bytes()
    if name == "no-attachment":
        return base(frm, to, subject="Nothing attached", body="").as_bytes()
    if name == "cover-only":
        return base(frm, to, subject="Just a note", body="Please call me back.").as_bytes()
    if name == "unsupported":
        m = base(frm, to)
        m.add_attachment(bytes([0x4D, 0x5A, 0x90, 0x00]) + bytes(range(256)), maintype="application", subtype="octet-stream", filename="setup.exe")
        return m.as_bytes()
    if name == "tnef":
        m = base(frm, to)
        m.add_attachment(b"\x78\x9f\x3e\x22" + bytes(64), maintype="application", subtype="ms-tnef", filename="winmail.dat")
        return m.as_bytes()
    if name == "malformed":
        # A multipart whose boundary never closes, a header without colon, a bad base64 body.
        return ("From: %s\r\nTo: %s\r\nSubject: broken\r\nThis line is not a header\r\nMIME-Version: 1.0\r\n"
                "Content-Type: multipart/mixed; boundary=\"never\"\r\n\r\n--never\r\nContent-Type: application/pdf; name=a.pdf\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n!!!not base64***\r\n--nev" % (frm, ", ".join(to))).encode()
    if name == "nested":
        # Thousands of nested multiparts: an attack on a recursive MIME parser.
        depth = 3000
        head = "".join("Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n" % (i, i) for i in range(depth))
        tail = "".join("\r\n--b%d--\r\n" % i for i in reversed(range(depth)))
        return ("From: %s\r\nTo: %s\r\nSubject: nested\r\nMIME-Version: 1.0\r\n%sContent-Type: text/plain\r\n\r\nx%s" % (
            frm, ", ".join(to), head, tail)).encode()
    if name == "auto-reply":
        m = base(frm, to, subject="Out of office")
        m["Auto-Submitted"] = "auto-replied"
        m.add_attachment(pdf("auto"), maintype="application", subtype="pdf", filename="auto.pdf")
        return m.as_bytes()
    if name == "notice-loop":
        # One of our own notices coming back (forwarded by a rule to the fax domain).
        m = EmailMessage()
        m["From"] = "Pagewire <fax-notices@pagewire.local>"
        m["To"] = ", ".join(to)
        m["Subject"] = "Fax not sent: Unauthorized Sending Address"
        m["Auto-Submitted"] = "auto-generated"
        m.set_content("Your e-mail was not faxed.")
        return m.as_bytes()
    if name.startswith("big:"):
        m = base(frm, to)
        m.add_attachment(pdf("big") + b"0" * int(name[4:]), maintype="application", subtype="pdf", filename="big.pdf")
        return m.as_bytes()
    raise SystemExit("unknown scenario " + name)


def send(port, frm, to, name, envelope_from=None, tls=False):
    rcpts = to.split(",")
    msg = scenario(name, frm, rcpts)
    out = {"ok": False, "refused": {}, "error": None, "code": None, "message": None}
    try:
        with smtplib.SMTP("127.0.0.1", int(port), timeout=30) as s:
            s.ehlo("client.example")
            out["esmtp"] = sorted(s.esmtp_features.keys())
            if tls:
                import ssl
                context = ssl.create_default_context(cafile=tls)
                context.check_hostname = False
                s.starttls(context=context)
                s.ehlo("client.example")
                out["tls"] = s.sock.version()
                out["esmtp_after_tls"] = sorted(s.esmtp_features.keys())
            refused = s.sendmail(frm if envelope_from is None else envelope_from, rcpts, msg)
            out["refused"] = {k: [v[0], v[1].decode()] for k, v in refused.items()}
            out["ok"] = True
    except smtplib.SMTPRecipientsRefused as e:
        out["error"] = "recipients"
        out["refused"] = {k: [v[0], v[1].decode()] for k, v in e.recipients.items()}
    except smtplib.SMTPResponseException as e:
        out["error"] = type(e).__name__
        out["code"] = e.smtp_code
        out["message"] = e.smtp_error.decode() if isinstance(e.smtp_error, bytes) else str(e.smtp_error)
    print(json.dumps(out))


def raw(port):
    """Sends chunks in order. "<expect:CODE>" waits for a reply line with that code, "<wait>" waits
    for the server to close, "<close>" hangs up at once. Unless the connection ended, QUIT follows
    and every reply is read until the server closes, so no reply is missed on a slow machine."""
    chunks = [base64.b64decode(c) for c in json.load(sys.stdin)]
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=60)
    data = b""
    closed = False
    hung_up = False

    def read_until(done, seconds):
        nonlocal data, closed
        deadline = time.monotonic() + seconds
        while not closed and not done() and time.monotonic() < deadline:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                got = s.recv(65536)
            except socket.timeout:
                return
            except OSError:
                closed = True
                return
            if not got:
                closed = True
                return
            data += got

    def has_code(code):
        return lambda: data.startswith(code + b" ") or (b"\r\n" + code + b" ") in data

    read_until(has_code(b"220"), 20)
    for chunk in chunks:
        if chunk.startswith(b"<expect:"):
            read_until(has_code(chunk[8:11]), 20)
            continue
        if chunk == b"<wait>":
            read_until(lambda: False, 10)
            continue
        if chunk == b"<close>":
            hung_up = True
            break
        try:
            s.sendall(chunk)
        except OSError:
            closed = True
            break
    if not hung_up and not closed:
        try:
            s.sendall(b"QUIT\r\n")
        except OSError:
            closed = True
        read_until(lambda: False, 20)
    s.close()
    print(json.dumps({"replies": [l for l in data.decode(errors="replace").split("\r\n") if l], "closed": closed}))


def conns(port, n):
    """Opens n connections one after another, keeping each open, and reports each first reply."""
    socks, firsts = [], []
    for _ in range(int(n)):
        s = socket.create_connection(("127.0.0.1", int(port)), timeout=60)
        socks.append(s)
        firsts.append(s.makefile("rb").readline().decode(errors="replace").strip())
    for s in socks:
        s.close()
    print(json.dumps({"replies": firsts, "closed": False}))


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6] if len(sys.argv) > 6 else None)
    elif sys.argv[1] == "send-tls":
        # send-tls PORT FROM TO SCENARIO CA-FILE: STARTTLS, verifying the server against CA-FILE
        send(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], None, tls=sys.argv[6])
    elif sys.argv[1] == "conns":
        conns(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "raw":
        raw(sys.argv[2])
