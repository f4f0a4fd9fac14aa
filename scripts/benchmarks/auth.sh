#!/usr/bin/env bash
# API app authentication: GET /v1/me with an app's JWT access token (from POST /oauth/token,
# verified by BearerAuthenticationMiddleware: ES256 signature on first sight, then the process's
# verified-token cache) against the same request without credentials (401 problem document), both
# with wrk on keep-alive connections against one release pagewire-web in the same run.
# Target: ratio >= 0.8.
# Last line: BENCH auth value=<requests/s> unit=requests/s ratio=<token/unauthenticated> reference=<what>
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$PW_ROOT"
pw_install_packages
pw_install_packages wrk
duration="${PW_BENCH_AUTH_DURATION:-5s}"; connections="${PW_BENCH_AUTH_CONNECTIONS:-16}"
db_port="${PW_BENCH_AUTH_DB_PORT:-3416}"; web_port="${PW_BENCH_AUTH_WEB_PORT:-18416}"
dir="$PW_ROOT/var/bench-auth-db"; work="$PW_ROOT/var/bench-auth"; mkdir -p "$work"
PW_CONFIGURATION=release pw_build --product pagewire-web >/dev/null
web_bin="$PW_BIN"
pw_build --product pagewire-jobs >/dev/null  # only seeds the database: a debug build will do
jobs_bin="$PW_BIN"
web_pid=""
cleanup() {
    [ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null && wait "$web_pid" 2>/dev/null || true
    "$PW_ROOT/scripts/db" stop "$dir" || true
}
trap cleanup EXIT
"$PW_ROOT/scripts/db" start "$dir" "$db_port"
export PAGEWIRE_DATABASE_URL="$("$PW_ROOT/scripts/db" url "$dir" "$db_port")/bench_auth"
export PAGEWIRE_VAULT_TRANSIT_KEY_FILE="$work/transit.key" PAGEWIRE_LOG_LEVEL=warning
read -r _ client_id client_secret <<<"$("$jobs_bin/pagewire-jobs" bench-auth-setup | grep '^CLIENT ')"
[ -n "$client_secret" ] || pw_die "setup failed"
PAGEWIRE_WEB_PORT="$web_port" "$web_bin/pagewire-web" serve 2>"$work/web.log" &
web_pid=$!
for _ in $(seq 1 200); do curl -fsS "http://127.0.0.1:$web_port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
token="$(curl -fsS -u "$client_id:$client_secret" -d grant_type=client_credentials "http://127.0.0.1:$web_port/oauth/token" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$web_port/v1/me")" = 200 ] || pw_die "the token was refused"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$web_port/v1/me")" = 401 ] || pw_die "unauthenticated /v1/me did not answer 401"
run_wrk() { wrk -t2 -c"$connections" -d"$duration" --latency "$@"; }
run_wrk -d2s -H "Authorization: Bearer $token" "http://127.0.0.1:$web_port/v1/me" >/dev/null  # warm-up
# Alternate the two runs so that load from elsewhere on the machine falls on both alike.
rounds="${PW_BENCH_AUTH_ROUNDS:-3}"
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1=="99%" {print $2}' "$1"; }
token_sum=0; none_sum=0
for round in $(seq 1 "$rounds"); do
    pw_say "round $round/$rounds: wrk GET /v1/me with an app token, then without credentials (401)"
    run_wrk -H "Authorization: Bearer $token" "http://127.0.0.1:$web_port/v1/me" > "$work/wrk-token.txt"
    run_wrk "http://127.0.0.1:$web_port/v1/me" > "$work/wrk-none.txt"
    grep -q "Non-2xx" "$work/wrk-token.txt" && pw_die "token requests were refused"
    echo "round $round: token $(rps "$work/wrk-token.txt")/s (p99 $(p99 "$work/wrk-token.txt")), unauthenticated $(rps "$work/wrk-none.txt")/s (p99 $(p99 "$work/wrk-none.txt"))"
    token_sum="$(python3 -c "print($token_sum + $(rps "$work/wrk-token.txt"))")"
    none_sum="$(python3 -c "print($none_sum + $(rps "$work/wrk-none.txt"))")"
done
token_rps="$(python3 -c "print(f'{$token_sum / $rounds:.2f}')")"; none_rps="$(python3 -c "print(f'{$none_sum / $rounds:.2f}')")"
ratio="$(python3 -c "print(f'{$token_rps / $none_rps:.3f}')")"
echo "token: $token_rps requests/s; unauthenticated: $none_rps requests/s (means of $rounds alternating rounds of $duration, $connections connections)"
echo "BENCH auth value=$token_rps unit=requests/s ratio=$ratio reference=unauthenticated-GET-/v1/me-401=$none_rps"
