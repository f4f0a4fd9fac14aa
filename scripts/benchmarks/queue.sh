#!/usr/bin/env bash
# Work queue throughput: claims+completions per second with 8 concurrent workers (claiming up to
# 16 items a transaction, completing each item in its own commit, as pagewire-jobs does), against
# the reference of plain single-row `UPDATE … WHERE id=?` autocommits from 8 connections on the
# same server in the same run. Durable settings (a log flush per commit) for both.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$PW_ROOT"
pw_install_packages
PW_CONFIGURATION=release pw_build --product pagewire-jobs >/dev/null
dir="$PW_ROOT/var/bench-queue-db"; port="${PW_QUEUE_BENCH_DB_PORT:-3411}"
"$PW_ROOT/scripts/db" start "$dir" "$port"
trap '"$PW_ROOT/scripts/db" stop "$dir"' EXIT
PAGEWIRE_DATABASE_URL="$("$PW_ROOT/scripts/db" url "$dir" "$port")/bench_queue" \
PAGEWIRE_LOG_LEVEL=warning \
    "$PW_BIN/pagewire-jobs" bench-queue --items "${ITEMS:-20000}" --workers 8
