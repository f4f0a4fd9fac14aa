#!/usr/bin/env bash
# Portal throughput: requests per second and p99 latency of the signed-in outbox page of a
# company with 1,000,000 faxes (seeded here), served by `pagewire-web serve` (release build,
# default workers), against nginx serving a static file of the same size in the same run.
# Load: wrk on the same machine, same threads/connections/duration for each side; the sides
# alternate for ROUNDS rounds (default 2) and the best round of each is compared.
# Connections (CONNECTIONS, default 16): wrk is a closed loop, so the mean latency it reports is
# connections ÷ throughput whatever the server does. 16 connections keep both workers busy well
# past the target rate, and the p99 then measures the server rather than requests queued behind
# one another. More connections buy throughput with latency: on a quiet machine, 16 gave
# 2,300 req/s with p99 13-16 ms, 32 gave 2,600-2,900 req/s with p99 24-25 ms. Each run also
# reports CPU time per request of the server's processes, of MariaDB and of wrk (from /proc
# and the shell's `time`): the machine is shared, so requests per second move with other work,
# CPU per request much less. PERF=1 adds a profiled run (perf record -g of the workers).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$PW_ROOT"
pw_install_packages
pw_install_packages wrk nginx-light
PW_CONFIGURATION=release pw_build --product pagewire-web >/dev/null
faxes="${FAXES:-1000000}"; duration="${DURATION:-15s}"; connections="${CONNECTIONS:-16}"
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
# CPU time (user + system, in clock ticks) of a process and its children's threads, from /proc:
# the server side of a run, whatever else the shared machine is doing at the time.
ticks() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
tree() { echo "$1"; pgrep -P "$1" || true; }
hz=$(getconf CLK_TCK); db_pid=$(cat "$db_dir/mysqld.pid")
# Runs wrk against one side; records the server's (and MariaDB's) CPU per request and wrk's own CPU.
run_side() {
    local name="$1" root_pid="$2"; shift 2
    local pids; pids=$(tree "$root_pid")
    local before db_before; before=$(ticks $pids); db_before=$(ticks "$db_pid")
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$work/load-$name.txt"
    local TIMEFORMAT='%U %S'
    { time wrk -t2 -c"$connections" -d"$duration" --latency "$@" >"$work/wrk-$name.txt"; } 2>"$work/wrk-cpu-$name.txt"
    pids=$(tree "$root_pid")
    echo "$(( $(ticks $pids) - before )) $(( $(ticks "$db_pid") - db_before ))" >"$work/cpu-$name.txt"
    cat "$work/wrk-$name.txt" "$work/load-$name.txt"
}
# pagewire and nginx alternate (two rounds each), so outside load falls on both sides.
rounds="${ROUNDS:-2}"
for round in $(seq 1 "$rounds"); do
    pw_say "round $round: wrk on the pagewire outbox ($size bytes)"
    run_side "web-$round" "$web_pid" -H "Cookie: $cookie" "http://127.0.0.1:$web_port/outbox"
    pw_say "round $round: wrk on nginx serving a static file of the same size"
    run_side "nginx-$round" "$(cat "$work/nginx/nginx.pid")" "http://127.0.0.1:$nginx_port/outbox.html"
done
# PERF=1: one more pagewire run under `perf record -g` of the workers (after the measured
# rounds, so it does not slow them); the report lands in var/bench-web/perf-report.txt.
if [ "${PERF:-0}" = 1 ]; then
    workers=$(pgrep -P "$web_pid" | paste -sd, -)
    pw_say "perf: recording workers $workers under wrk"
    perf record -q -g -F 999 -o "$work/perf.data" -p "$workers" -- sleep 10 >/dev/null 2>&1 &
    perf_pid=$!
    wrk -t2 -c"$connections" -d10s -H "Cookie: $cookie" "http://127.0.0.1:$web_port/outbox" >/dev/null
    wait "$perf_pid" || true
    perf report -i "$work/perf.data" --no-children --percent-limit 0.7 --stdio --sort dso,symbol 2>/dev/null \
        | grep -v '^$' | grep -E '^ +[0-9]' >"$work/perf-report.txt" || true
    perf report -i "$work/perf.data" --no-children --stdio --sort dso 2>/dev/null | grep -E '^ +[0-9]' >"$work/perf-dso.txt" || true
    head -40 "$work/perf-report.txt"; cat "$work/perf-dso.txt"
fi
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1=="99%" {print $2}' "$1"; }
requests() { awk '/requests in/ {print $1}' "$1"; }
errors() { awk '/Non-2xx|Socket errors/ {print}' "$1"; }
# Microseconds of CPU per request: server processes, MariaDB, and wrk itself.
cpu_us() { awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN { printf "%.0f", t * 1e6 / hz / n }'; }
report() {
    local name="$1" label="$2" f="$work/wrk-$1.txt" n; n=$(requests "$f")
    read -r server db <"$work/cpu-$name.txt"; read -r wu ws <"$work/wrk-cpu-$name.txt"
    echo "$label $(rps "$f") req/s, p99 $(p99 "$f"); CPU per request: server $(cpu_us "$server" "$n") µs, MariaDB $(cpu_us "$db" "$n") µs, wrk $(awk -v u="$wu" -v s="$ws" -v n="$n" 'BEGIN { printf "%.0f", (u + s) * 1e6 / n }') µs; $(cat "$work/load-$name.txt") $(errors "$f")"
}
best_web="" best_nginx=""
for round in $(seq 1 "$rounds"); do
    report "web-$round" "pagewire outbox (round $round):"
    report "nginx-$round" "nginx static    (round $round):"
    w=$(rps "$work/wrk-web-$round.txt"); n=$(rps "$work/wrk-nginx-$round.txt")
    if [ -z "$best_web" ] || awk -v a="$w" -v b="$(rps "$work/wrk-web-$best_web.txt")" 'BEGIN { exit !(a > b) }'; then best_web=$round; fi
    if [ -z "$best_nginx" ] || awk -v a="$n" -v b="$(rps "$work/wrk-nginx-$best_nginx.txt")" 'BEGIN { exit !(a > b) }'; then best_nginx=$round; fi
done
cp "$work/wrk-web-$best_web.txt" "$work/wrk-web.txt"; cp "$work/wrk-nginx-$best_nginx.txt" "$work/wrk-nginx.txt"
web_rps=$(rps "$work/wrk-web.txt"); nginx_rps=$(rps "$work/wrk-nginx.txt")
echo "pagewire outbox (best round): ${web_rps} req/s, p99 $(p99 "$work/wrk-web.txt") $(errors "$work/wrk-web.txt")"
echo "nginx static (best round):    ${nginx_rps} req/s, p99 $(p99 "$work/wrk-nginx.txt")"
ratio=$(awk -v a="$web_rps" -v b="$nginx_rps" 'BEGIN { printf "%.3f", a / b }')
echo "BENCH web value=${web_rps} unit=req/s ratio=${ratio} reference=nginx-static-same-size p99=$(p99 "$work/wrk-web.txt") connections=${connections} target=1500req/s,p99<25ms"
