#!/usr/bin/env bash
# REST API submissions: POST /v1/faxes (JSON, one small PDF stored in the vault, one fax
# submitted through FaxScheduler, 202 answered) from 8 keep-alive connections against a release
# pagewire-web, for PW_BENCH_API_SECONDS (default 15); p50/p99 latency. Reference in the same run
# on the same private MariaDB (var/bench-api-db): single-row INSERT autocommits from 8 connections.
# Durable settings (a log flush per commit) for both. Target: >= 300 submissions/s, p99 < 50 ms.
# Last line: BENCH api value=<submissions/s> unit=submissions/s ratio=<ours/reference> reference=<what>
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$PW_ROOT"
pw_install_packages
seconds="${PW_BENCH_API_SECONDS:-15}"
connections="${PW_BENCH_API_CONNECTIONS:-8}"
db_port="${PW_BENCH_API_DB_PORT:-45412}"
web_port="${PW_BENCH_API_WEB_PORT:-45413}"
dir="$PW_ROOT/var/bench-api-db"
scratch=()
[ -n "${PW_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$PW_SCRATCH_PATH")
pw_say "building pagewire-web and pagewire-jobs (release)"
swift build -c release --product pagewire-web "${scratch[@]}" >&2
swift build -c release --product pagewire-jobs "${scratch[@]}" >&2
bin="$(swift build -c release --show-bin-path "${scratch[@]}")"

web_pid=""
cleanup() {
    [ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null && wait "$web_pid" 2>/dev/null || true
    "$PW_ROOT/scripts/db" stop "$dir" || true
}
trap cleanup EXIT
"$PW_ROOT/scripts/db" start "$dir" "$db_port"
export PAGEWIRE_DATABASE_URL="$("$PW_ROOT/scripts/db" url "$dir" "$db_port")/bench_api"
export PAGEWIRE_VAULT_TRANSIT_KEY_FILE="$PW_ROOT/var/bench-api-keys/transit.key"
export PAGEWIRE_LOG_LEVEL=warning
export PAGEWIRE_DATABASE_POOL_SIZE=16

token="$("$bin/pagewire-jobs" bench-api-setup | awk '/^TOKEN/ {print $2}')"
reference="$("$bin/pagewire-jobs" bench-api-reference --connections "$connections" --seconds "$seconds" | awk '/^REFERENCE/ {print $2}')"
PAGEWIRE_WEB_PORT="$web_port" "$bin/pagewire-web" &
web_pid=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$web_port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
python3 "$PW_ROOT/scripts/benchmarks/api_load.py" 127.0.0.1 "$web_port" "$token" "$connections" 2 >/dev/null  # warm-up
result="$(python3 "$PW_ROOT/scripts/benchmarks/api_load.py" 127.0.0.1 "$web_port" "$token" "$connections" "$seconds")"
read -r _ accepted rate p50 p99 errors <<<"$result"
ratio="$(python3 -c "print(f'{$rate / $reference:.3f}')")"
echo "reference: $reference single-row INSERT commits/s ($connections connections)"
echo "api: $accepted accepted in ${seconds}s = $rate submissions/s, ${p50} ms, ${p99} ms, ${errors} ($connections connections, one pagewire-web process)"
echo "BENCH api value=$rate unit=submissions/s ratio=$ratio reference=single-row-INSERT-commits/s=$reference"
