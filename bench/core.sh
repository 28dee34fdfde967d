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

median_ms() { # command...: median wall time in ms over RUNS runs
	local t=() i
	for ((i = 0; i < RUNS; i++)); do
		local s e
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s%N)
		t+=($(( (e - s) / 1000 )))
	done
	printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END{printf "%.2f", a[int((NR+1)/2)]/1000}'
}

ours=$(median_ms "$BTFTOOL" core explain "$B/many.o" --target "$TARGET")
peer=$("$B/core_libbpf" "$B/many.o" "$TARGET" "$RUNS")
ratio=$(awk -v a="$peer" -v b="$ours" 'BEGIN{printf "%.1f", a/b}')
verdict=$(awk -v r="$ratio" 'BEGIN{print (r >= 5) ? "PASS" : "FAIL"}')
echo "core explain ($nrelo relocations): btftool $ours ms, libbpf open+relocate $peer ms, ratio ${ratio}x (target 5x) $verdict"

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
