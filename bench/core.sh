#!/bin/bash
# make bench, CO-RE part: `btftool core explain` of an object with 200
# relocations vs libbpf opening it and applying its relocations against the
# same BTF (btf_custom_path); and `core check` against 5 raw kernel BTFs.
set -uo pipefail
cd "$(dirname "$0")/.."
O=${O:-build}
B=$O/bench/core
mkdir -p "$B"
BTFTOOL=$O/btftool
TARGET=${BENCH_FILE:-/sys/kernel/btf/vmlinux}
RUNS=${BENCH_RUNS:-15}

python3 bench/gen_core_obj.py "$B/many.bpf.c"
clang-19 -g -O2 -target bpf -I/usr/include/$(gcc -print-multiarch) -c "$B/many.bpf.c" -o "$B/many.o" || exit 1
gcc -O2 bench/core_libbpf.c -o "$B/core_libbpf" -lbpf || exit 1
nrelo=$("$BTFTOOL" dump "$B/many.o" --format ext | awk '/^core_relo:/{print $2}')

# wall time of each command in us, interleaved A/B, RUNS times; prints
# "medianA medianB" in ms.  $EPOCHREALTIME: no fork inside the interval.
median_pair_ms() { # -- cmdA... -- cmdB...
	local a=() b=() ta=() tb=() i s e
	shift
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	for ((i = 0; i < RUNS; i++)); do
		s=$EPOCHREALTIME; "${a[@]}" >/dev/null 2>&1; e=$EPOCHREALTIME; ta+=($(( ${e/./} - ${s/./} )))
		s=$EPOCHREALTIME; "${b[@]}" >/dev/null 2>&1; e=$EPOCHREALTIME; tb+=($(( ${e/./} - ${s/./} )))
	done
	med() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{printf "%.2f", v[int((NR+1)/2)]/1000}'; }
	echo "$(med "${ta[@]}") $(med "${tb[@]}")"
}
median_ms() { median_pair_ms -- "$@" -- true | cut -d' ' -f1; }

# warm the page cache and the BTF
"$BTFTOOL" core explain "$B/many.o" --target "$TARGET" >/dev/null 2>&1
"$B/core_libbpf" "$B/many.o" "$TARGET" 1 >/dev/null
# Both sides as whole processes (exec, dynamic loading, parse, relocate,
# exit), interleaved: the peer is a minimal libbpf program that opens the
# object with btf_custom_path and runs bpf_object__load() up to relocation.
read -r ours peer < <(median_pair_ms -- "$BTFTOOL" core explain "$B/many.o" --target "$TARGET" -- \
	"$B/core_libbpf" "$B/many.o" "$TARGET" 1)
ratio=$(awk -v a="$peer" -v b="$ours" 'BEGIN{printf "%.1f", a/b}')
verdict=$(awk -v r="$ratio" 'BEGIN{print (r >= 5) ? "PASS" : "FAIL"}')
# For reference: libbpf timed inside one process (no exec, no dynamic
# loading), against btftool's whole process.
inproc=$("$B/core_libbpf" "$B/many.o" "$TARGET" "$RUNS")
echo "core explain ($nrelo relocations): btftool $ours ms, libbpf open+relocate $peer ms (process; ${inproc} ms timed in-process), ratio ${ratio}x (target 5x) $verdict"

# core check against 5 raw kernel BTFs
MAN=${BTFX_CACHE:-$HOME/.cache/btfx}/kernels/MANIFEST
if [ -f "$MAN" ]; then
	targets=()
	while read -r label vmlinuz _; do
		raw=$B/$label.btf
		[ -f "$raw" ] || "$BTFTOOL" dump "$vmlinuz" --format btf -o "$raw" || continue
		targets+=(--target "$raw")
	done <"$MAN"
	n=$(( ${#targets[@]} / 2 ))
	t=$(median_ms "$BTFTOOL" core check "$B/many.o" "${targets[@]}")
	verdict=$(awk -v t="$t" 'BEGIN{print (t < 500) ? "PASS" : "FAIL"}')
	echo "core check ($nrelo relocations x $n raw kernel BTFs): $t ms (target < 500 ms) $verdict"
else
	echo "core check: no kernel data ($MAN); run testdata/fetch-kernels.sh"
fi
