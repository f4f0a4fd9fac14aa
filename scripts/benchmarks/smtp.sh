#!/usr/bin/env bash
# E-mail to fax intake: messages per second the SMTP listener accepts (8 clients, one 100 KB PDF
# per message, each message encrypted into the vault and committed before its 250), against a
# private Postfix accepting the same messages into a Maildir in the same run. Target ratio >= 0.5.
# Private MariaDB var/bench-smtp-db (port PW_SMTP_BENCH_DB_PORT, 3417); Postfix on a port the kernel
# picks (or PW_BENCH_SMTP_POSTFIX_PORT).
# Last line: BENCH smtp value=<messages/s> unit=messages/s ratio=<ours/postfix> reference=<what>
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$PW_ROOT"

pw_install_packages
port="${PW_SMTP_BENCH_DB_PORT:-3417}"
"$PW_ROOT/scripts/db" start "$PW_ROOT/var/bench-smtp-db" "$port"
trap '"$PW_ROOT/scripts/db" stop "$PW_ROOT/var/bench-smtp-db" || true' EXIT
url="$("$PW_ROOT/scripts/db" url "$PW_ROOT/var/bench-smtp-db" "$port")"

conf="${PW_CONFIGURATION:-release}"
pw_say "building SMTPBench ($conf)"
swift build -c "$conf" --product SMTPBench >&2
bin="$(swift build -c "$conf" --show-bin-path)"
"$bin/SMTPBench" --database-url "$url" --migrations "$PW_ROOT/Resources/Migrations" \
    --load "$PW_ROOT/scripts/benchmarks/smtp_load.py" --postfix "$PW_ROOT/scripts/lib/postfix_instance.sh" \
    --messages "${PW_BENCH_SMTP_MESSAGES:-400}" --clients 8 ${PW_BENCH_SMTP_POSTFIX_PORT:+--postfix-port "$PW_BENCH_SMTP_POSTFIX_PORT"}
