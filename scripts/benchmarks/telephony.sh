#!/usr/bin/env bash
# Telephony benchmark: N simultaneous real-time fax calls (one page each) from a Pagewire endpoint
# to the carrier simulator, both release builds in their own processes on this machine, for G.711
# and for T.38. N grows through PW_BENCH_STEPS until a step fails (a fax not delivered, or 1 % of
# RTP packets or more played late on a G.711 call); prints the largest N that passed and the CPU per channel of
# both processes together, against the fax engine's own DSP cost for the same transport measured
# in the same run (pagewire-engine-bench: two SpanDSP ends in one loop, no network).
# The driver sets up PW_BENCH_CPS new calls per second (default 100, a generous limit for a
# carrier trunk), so even 1,200 calls are all set up within 12 s, far shorter than one call
# (about 45 s for the benchmark page): all N run at once, and each step prints the most media
# legs its clock ticked together (peak_legs). At much higher set-up rates (1,000 T.38 calls in
# 2 s, 500 per second) the calls reach their page ends in the same second, and that burst of
# page work stalls the one media loop of each process for long enough that most faxes fail at
# the end of the page; spread over 10 s they all pass. The load average is printed
# with each step: the machine is shared, and a process that is not scheduled plays late.
# Last lines: BENCH telephony-g711 / telephony-t38.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
steps="${PW_BENCH_STEPS:-100 200 300 400 600 800 1000 1200}"
sim_port="${PW_BENCH_SIP_PORT:-45080}"
work="$(mktemp -d /tmp/pagewire-telephony-bench.XXXXXX)"
sim_pid=""
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

scratch=()
[ -n "${PW_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$PW_SCRATCH_PATH")
echo "telephony bench: building (release)" >&2
for product in pagewire-telephony pagewire-telephony-bench pagewire-engine-bench; do
    (cd "$root" && swift build -c release --product "$product" "${scratch[@]}" >&2)
done
bin="$(cd "$root" && swift build -c release --show-bin-path "${scratch[@]}")"
ulimit -n 65536 2>/dev/null || true

# The simulator: its own process, its own media range (outside the kernel's ephemeral range).
PAGEWIRE_DATABASE_URL="mariadb://unused:unused@127.0.0.1:1/unused" PAGEWIRE_LOG_LEVEL=error \
PAGEWIRE_SIMULATOR_SIP_PORT="$sim_port" PAGEWIRE_SIMULATOR_RTP_PORT_MIN=20000 PAGEWIRE_SIMULATOR_RTP_PORT_MAX=24999 \
PAGEWIRE_SIMULATOR_SPOOL="$work/spool" "$bin/pagewire-telephony" simulate > "$work/simulator.log" 2>&1 &
sim_pid=$!
sleep 1

cpu_ms() { awk '{ printf "%d", ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"' }' "/proc/$1/stat"; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

results=()
for transport in g711 t38; do
    best=0; best_cpu=""
    for n in $steps; do
        sim_before="$(cpu_ms "$sim_pid")"
        out="$("$bin/pagewire-telephony-bench" "$transport" "$n" "$sim_port" 25000 29999 2>"$work/bench-$transport-$n.err")"
        sim_after="$(cpu_ms "$sim_pid")"
        echo "telephony bench: $transport n=$n $out simulator_cpu_ms=$((sim_after - sim_before)) load=$(cut -d' ' -f1-3 /proc/loadavg)" >&2
        ok="$(echo "$out" | field ok)"; sent="$(echo "$out" | field rtp_sent)"; late="$(echo "$out" | field rtp_late)"
        seconds="$(echo "$out" | field seconds)"; cpu="$(echo "$out" | field cpu_ms)"
        # G.711: every fax delivered and under 1 % of RTP packets played late; T.38: every fax delivered over T.38.
        pass="$(awk -v ok="$ok" -v n="$n" -v s="$sent" -v l="$late" -v t="$transport" \
            'BEGIN { print (ok == n && (t == "t38" || s == 0 || l / s < 0.01)) ? 1 : 0 }')"
        if [ "$pass" != 1 ]; then head -5 "$work/bench-$transport-$n.err" >&2; break; fi
        best="$n"
        # CPU of both processes per channel per call-second.
        best_cpu="$(awk -v a="$cpu" -v b="$((sim_after - sim_before))" -v n="$n" -v s="$seconds" 'BEGIN { printf "%.3f", (a + b) / n / s }')"
    done
    results+=("$transport $best ${best_cpu:-0}")
done

# Reference: SpanDSP sessions alone (both ends in one loop, no network) on a fax of the same kind.
ref_doc="$work/ref.tif"
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=tiffg4 -r204x196 -g1728x400 -sOutputFile="$ref_doc" -c "/Helvetica findfont 10 scalefont setfont 72 100 moveto (Pagewire telephony benchmark page) show showpage" >/dev/null
for line in "${results[@]}"; do
    set -- $line
    transport="$1"; best="$2"; cpu="$3"
    engine_transport=$([ "$transport" = g711 ] && echo audio || echo t38)
    ref="$("$bin/pagewire-engine-bench" session "$engine_transport" 3 "$ref_doc")"
    ref_v="$(awk -v c="$(echo "$ref" | field cpu_ms)" -v s="$(echo "$ref" | field call_seconds)" 'BEGIN { printf "%.3f", c / s }')"
    ratio="$(awk -v r="$ref_v" -v o="$cpu" 'BEGIN { if (o > 0) printf "%.3f", r / o; else print "0" }')"
    echo "telephony bench: $transport largest N=$best, ${cpu} ms CPU per channel-second (both processes); engine alone ${ref_v} ms" >&2
    echo "BENCH telephony-$transport value=$best unit=simultaneous-calls cpu_ms_per_channel_second=$cpu ratio=$ratio reference=engine-DSP-only(${ref_v}ms/call-s) setup_cps=${PW_BENCH_CPS:-100}"
done
