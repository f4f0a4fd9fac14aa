#!/usr/bin/env bash
# Portal throughput: requests per second and p99 latency of the signed-in outbox page of a
# company with 1,000,000 faxes (seeded here), served by `pagewire-web serve` (release build,
# default workers), against nginx serving a static file of the same size in the same run.
# Load: wrk on the same machine, new run for each side, same threads/connections/duration.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$PW_ROOT"
pw_install_packages
pw_install_packages wrk nginx-light
PW_CONFIGURATION=release pw_build --product pagewire-web >/dev/null
faxes="${FAXES:-1000000}"; duration="${DURATION:-15s}"; connections="${CONNECTIONS:-32}"
db_dir="$PW_ROOT/var/bench-web-db"; db_port="${PW_WEB_BENCH_DB_PORT:-3413}"
web_port="${PW_WEB_BENCH_PORT:-48080}"; nginx_port="${PW_WEB_BENCH_NGINX_PORT:-48081}"
work="$PW_ROOT/var/bench-web"; rm -rf "$work"; mkdir -p "$work/html" "$work/nginx"
web_pid=""; nginx_started=0
cleanup() {
    [ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null && wait "$web_pid" 2>/dev/null || true
    [ "$nginx_started" = 1 ] && nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -s stop 2>/dev/null || true
    "$PW_ROOT/scripts/db" stop "$db_dir" || true
}
trap cleanup EXIT
PW_DB_FAST=1 "$PW_ROOT/scripts/db" start "$db_dir" "$db_port"
export PAGEWIRE_DATABASE_URL="$("$PW_ROOT/scripts/db" url "$db_dir" "$db_port")/bench_web"
export PAGEWIRE_LOG_LEVEL=warning PAGEWIRE_VAULT_TRANSIT_KEY_FILE="$work/transit.key"
pw_say "seeding $faxes faxes"
cookie="$("$PW_BIN/pagewire-web" bench-seed --faxes "$faxes" | sed -n 's/^cookie //p')"
[ -n "$cookie" ] || pw_die "seeding failed"
PAGEWIRE_WEB_PORT="$web_port" "$PW_BIN/pagewire-web" serve 2>"$work/web.log" &
web_pid=$!
for _ in $(seq 1 200); do curl -fsS "http://127.0.0.1:$web_port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS -H "Cookie: $cookie" "http://127.0.0.1:$web_port/outbox" -o "$work/html/outbox.html" || pw_die "the outbox page did not load"
grep -q 'href="/faxes/' "$work/html/outbox.html" || pw_die "the outbox page shows no faxes"
size=$(stat -c %s "$work/html/outbox.html")
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
    server { listen 127.0.0.1:$nginx_port; root $work/html; location / { } }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx"; nginx_started=1
run_wrk() { wrk -t2 -c"$connections" -d"$duration" --latency "$@"; }
pw_say "wrk: pagewire outbox ($size bytes)"
run_wrk -H "Cookie: $cookie" "http://127.0.0.1:$web_port/outbox" | tee "$work/wrk-web.txt"
pw_say "wrk: nginx static file of the same size"
run_wrk "http://127.0.0.1:$nginx_port/outbox.html" | tee "$work/wrk-nginx.txt"
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1=="99%" {print $2}' "$1"; }
errors() { awk '/Non-2xx|Socket errors/ {print}' "$1"; }
web_rps=$(rps "$work/wrk-web.txt"); nginx_rps=$(rps "$work/wrk-nginx.txt")
echo "pagewire outbox: ${web_rps} req/s, p99 $(p99 "$work/wrk-web.txt") $(errors "$work/wrk-web.txt")"
echo "nginx static:    ${nginx_rps} req/s, p99 $(p99 "$work/wrk-nginx.txt")"
ratio=$(awk -v a="$web_rps" -v b="$nginx_rps" 'BEGIN { printf "%.3f", a / b }')
echo "BENCH web value=${web_rps} unit=req/s ratio=${ratio} reference=nginx-static-same-size p99=$(p99 "$work/wrk-web.txt") target=1500req/s,p99<25ms"
