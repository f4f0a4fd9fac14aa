#!/usr/bin/env bash
# Document vault throughput: put+get of a 2 MB document (AES-256-GCM chunks, HPKE-sealed key,
# transit wrap) against plain INSERT/SELECT of the same bytes as 1 MiB chunks in a similar table,
# measured in the same run on the same private MariaDB (var/bench-db, port 3409). Target ratio >= 0.5.
# Last line: BENCH vault value=<MB/s> unit=MB/s ratio=<ours/plain> reference=<what>
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$PW_ROOT"

pw_install_packages
port="${PW_BENCH_DB_PORT:-3409}"
started_db=0
cleanup() { if [ "$started_db" = 1 ]; then "$PW_ROOT/scripts/db" stop "$PW_ROOT/var/bench-db" || true; fi; }
trap cleanup EXIT
if ! [ -f "$PW_ROOT/var/bench-db/mysqld.pid" ] || ! kill -0 "$(cat "$PW_ROOT/var/bench-db/mysqld.pid")" 2>/dev/null; then
    "$PW_ROOT/scripts/db" start "$PW_ROOT/var/bench-db" "$port"
    started_db=1
fi
url="$("$PW_ROOT/scripts/db" url "$PW_ROOT/var/bench-db" "$port")"

# PW_SCRATCH_PATH picks another build directory (e.g. .build-release) so a debug build can run alongside.
scratch=()
[ -n "${PW_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$PW_SCRATCH_PATH")
pw_say "building VaultBench (release)"
swift build -c release --product VaultBench "${scratch[@]}" >&2
bin="$(swift build -c release --show-bin-path "${scratch[@]}")"
"$bin/VaultBench" --database-url "$url" --migrations "$PW_ROOT/Resources/Migrations" \
    --size "${PW_BENCH_VAULT_SIZE:-2097152}" --rounds "${PW_BENCH_VAULT_ROUNDS:-60}"
