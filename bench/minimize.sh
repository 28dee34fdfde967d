#!/bin/bash
# make bench, minimize part: `btftool minimize OBJ --target FILE -o OUT` vs
# `bpftool gen min_core_btf FILE OUT OBJ`, same object and same kernel BTF,
# side by side in one run (target: btftool >= 3x faster).
#
# Object: bench/gen_core_obj.py's 200 CO-RE relocations, compiled now
# (build/bench/core/many.o, as bench/core.sh does).  Kernels: the running
# kernel's /sys/kernel/btf/vmlinux, and the first Debian 6.1 kernel of the
# kernels MANIFEST as raw BTF (extracted beforehand with `btftool dump
# --format btf`, so neither tool pays for decompression).
# Wall time per command with $EPOCHREALTIME (no fork inside the timed
# interval), 2 warm-up runs, then RUNS runs alternating which tool goes
# first; the median is reported.  Both tools must exit 0 (btftool: 0 or 1,
# 1 meaning a relocation is an error on that kernel) and write a non-empty
# BTF; otherwise the row is N/A.
#   BENCH_FILE=PATH          the first target (default /sys/kernel/btf/vmlinux)
#   BENCH_MIN_RUNS=31        runs per command
# A report: exits 0 even when a target fails (FAIL is printed).
set -uo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
O=${O:-build}
B=$O/bench/core
W=$O/bench/minimize
BTFTOOL=$O/btftool
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)
TARGET=${BENCH_FILE:-/sys/kernel/btf/vmlinux}
RUNS=${BENCH_MIN_RUNS:-31}
MAN=${BTFX_CACHE:-$HOME/.cache/btfx}/kernels/MANIFEST
T_MIN=3
mkdir -p "$B" "$W"

[ -x "$BTFTOOL" ] || { echo "minimize bench: $BTFTOOL missing (run make all)"; exit 1; }
[ -x "$BPFTOOL" ] || { echo "minimize: bpftool not installed: N/A"; exit 0; }
python3 bench/gen_core_obj.py "$B/many.bpf.c" || exit 1
clang-19 -g -O2 -target bpf -I/usr/include/$(gcc -print-multiarch) -c "$B/many.bpf.c" -o "$B/many.o" || exit 1
OBJ=$B/many.o
nrelo=$("$BTFTOOL" dump "$OBJ" --format ext | awk '/^core_relo:/{print $2}')

targets=("$TARGET")
label=$(awk '$1 ~ /^6\.1-/ {print $1; exit}' "$MAN" 2>/dev/null)
if [ -n "$label" ]; then
	img=$(awk -v k="$label" '$1==k{print $2}' "$MAN")
	raw=$B/$label.btf
	[ -s "$raw" ] || "$BTFTOOL" dump "$img" --format btf -o "$raw" 2>/dev/null || raw=
	[ -n "$raw" ] && targets+=("$raw")
fi

median() { sort -n | awk '{v[NR]=$1} END {if (!NR) {print "NA"; exit}
	if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2}'; }
ms() { awk -v n="$1" 'BEGIN {if (n == "NA") print "NA"; else printf "%.2f", n / 1e6}'; }

# one timed run: wall ns appended to $W/KEY.times; exit status to KEY.fail if bad
ours() { "$BTFTOOL" minimize "$OBJ" --target "$1" -o "$W/ours.btf"; [ $? -le 1 ]; }
peer() { "$BPFTOOL" gen min_core_btf "$1" "$W/peer.btf" "$OBJ"; }
wall() { # KEY FN TARGET
	local t0 t1
	t0=$EPOCHREALTIME
	"$2" "$3" >/dev/null 2>"$W/$1.err" || echo 1 >"$W/$1.fail"
	t1=$EPOCHREALTIME
	echo $(( (${t1/./} - ${t0/./}) * 1000 )) >>"$W/$1.times"
}

echo "minimize: $OBJ ($nrelo CO-RE relocations), btftool minimize vs bpftool gen min_core_btf; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for tgt in "${targets[@]}"; do
	rm -f "$W"/*.times "$W"/*.fail "$W"/*.err "$W/ours.btf" "$W/peer.btf"
	# outputs first: both must succeed and write BTF
	ours "$tgt" >/dev/null 2>"$W/a.err"; rc_a=$?
	peer "$tgt" >/dev/null 2>"$W/b.err"; rc_b=$?
	sz_a=$(stat -c %s "$W/ours.btf" 2>/dev/null || echo 0)
	sz_b=$(stat -c %s "$W/peer.btf" 2>/dev/null || echo 0)
	name=$(basename "$tgt")
	[ "$tgt" = /sys/kernel/btf/vmlinux ] && name="running kernel $(uname -r)"
	if [ $rc_a -ne 0 ] || [ "$sz_a" = 0 ]; then
		echo "minimize ($name): btftool failed: $(head -c 300 "$W/a.err"): N/A"; continue
	fi
	if [ $rc_b -ne 0 ] || [ "$sz_b" = 0 ]; then
		echo "minimize ($name): bpftool failed: $(head -c 300 "$W/b.err"): N/A"; continue
	fi
	for i in 1 2; do ours "$tgt" >/dev/null 2>&1; peer "$tgt" >/dev/null 2>&1; done
	for ((i = 0; i < RUNS; i++)); do
		if ((i % 2 == 0)); then wall a ours "$tgt"; wall b peer "$tgt"
		else wall b peer "$tgt"; wall a ours "$tgt"; fi
	done
	a=$(median <"$W/a.times") b=$(median <"$W/b.times")
	r=$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.1f", b / a}')
	v=$(awk -v r="$r" -v t=$T_MIN 'BEGIN{print (r >= t) ? "PASS" : "FAIL"}')
	for k in a b; do [ -f "$W/$k.fail" ] && { v=FAIL; echo "  ERROR: a timed $k run failed: $(head -c 300 "$W/$k.err")"; }; done
	echo "minimize ($name, $RUNS runs): btftool $(ms "$a") ms, bpftool gen min_core_btf $(ms "$b") ms, ratio ${r}x (target ${T_MIN}x) $v; output $sz_a vs $sz_b bytes"
done
echo "  (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
exit 0
