#!/usr/bin/env bash
# Fax engine benchmark: CPU per simulated call-second for a G.711 and a T.38 sender+receiver
# pair (Swift FaxSession vs. a C program driving SpanDSP the same way, built here), and
# rendered pages per second for a 20-page PDF at fine resolution (DocumentRenderer vs. one
# plain Ghostscript run on the same file). Self-contained: builds what it needs in release mode.
# Last lines: BENCH engine-g711 / engine-t38 / engine-render.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
calls="${PW_BENCH_CALLS:-5}"
rounds="${PW_BENCH_ROUNDS:-3}"
work="$(mktemp -d /tmp/pagewire-engine-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "engine bench: building pagewire-engine-bench (release)" >&2
(cd "$root" && swift build -c release --product pagewire-engine-bench >&2)
bench="$(cd "$root" && swift build -c release --show-bin-path)/pagewire-engine-bench"
gcc -O2 -o "$work/engine-reference" "$here/engine-reference.c" -lspandsp -ltiff -lm

# A 20-page text PDF (trusted: generated here), and its first 2 pages as the fax to send.
cat > "$work/doc.ps" <<'PS'
%!PS
/Helvetica findfont 10 scalefont setfont
1 1 20 { /p exch def
  72 740 moveto (Pagewire benchmark page ) show p 3 string cvs show
  0 1 52 { /l exch def 72 720 l 13 mul sub moveto (The quick brown fox jumps over the lazy dog. 0123456789 Pack my box with five dozen liquor jugs.) show } for
  showpage } for
PS
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -sOutputFile="$work/doc.pdf" "$work/doc.ps"
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=tiffg4 -r204x196 -g1728x2156 -dPDFFitPage -dLastPage=2 \
    -sOutputFile="$work/fax.tif" "$work/doc.pdf"

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
per_call_second() { awk -v c="$1" -v s="$2" 'BEGIN { printf "%.3f", c / s }'; }

results=()
for transport in audio t38; do
    ours="$("$bench" session "$transport" "$calls" "$work/fax.tif")"
    ref="$("$work/engine-reference" "$transport" "$calls" "$work/fax.tif")"
    ours_v="$(per_call_second "$(echo "$ours" | field cpu_ms)" "$(echo "$ours" | field call_seconds)")"
    ref_v="$(per_call_second "$(echo "$ref" | field cpu_ms)" "$(echo "$ref" | field call_seconds)")"
    ratio="$(awk -v r="$ref_v" -v o="$ours_v" 'BEGIN { printf "%.3f", r / o }')"
    name=$([ "$transport" = audio ] && echo g711 || echo t38)
    echo "engine bench: $name swift $ours | C $ref" >&2
    results+=("BENCH engine-$name value=$ours_v unit=ms/call-s ratio=$ratio reference=C-SpanDSP-0.0.6-same-loop(${ref_v}ms/call-s,${calls}calls,V.17,ECM)")
done

ours="$("$bench" render "$work/doc.pdf" "$rounds")"
pages="$(echo "$ours" | field pages)"
seconds="$(echo "$ours" | field seconds)"
start=$(date +%s.%N)
for _ in $(seq "$rounds"); do
    gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=tiffg4 -r204x196 -g1728x2156 -dPDFFitPage \
        -sOutputFile="$work/gs.tif" "$work/doc.pdf"
done
end=$(date +%s.%N)
gs_rate="$(awk -v p="$pages" -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", p / (e - s) }')"
our_rate="$(awk -v p="$pages" -v s="$seconds" 'BEGIN { printf "%.2f", p / s }')"
ratio="$(awk -v o="$our_rate" -v g="$gs_rate" 'BEGIN { printf "%.3f", o / g }')"
echo "engine bench: render ours $ours | gs ${gs_rate} pages/s" >&2
for line in "${results[@]}"; do echo "$line"; done
echo "BENCH engine-render value=$our_rate unit=pages/s ratio=$ratio reference=gs-tiffg4-r204x196(${gs_rate}pages/s,20-page-PDF,fine)"
