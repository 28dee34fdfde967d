#!/bin/bash
# make bench, header part: `btftool header` vs `bpftool btf dump file FILE
# format c` on the same BTF, medians of interleaved runs.
set -uo pipefail
cd "$(dirname "$0")/.."
O=${O:-build}
FILE=${BENCH_FILE:-/sys/kernel/btf/vmlinux}
RUNS=${BENCH_RUNS:-15}
ours=() peer=()
for ((i = 0; i < RUNS; i++)); do
	s=$(date +%s%N); "$O/btftool" header "$FILE" >/dev/null 2>&1; e=$(date +%s%N); ours+=($(( (e - s) / 1000 )))
	s=$(date +%s%N); bpftool btf dump file "$FILE" format c >/dev/null 2>&1; e=$(date +%s%N); peer+=($(( (e - s) / 1000 )))
done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{printf "%.1f", a[int((NR+1)/2)]/1000}'; }
a=$(med "${ours[@]}"); b=$(med "${peer[@]}")
r=$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.1f", b/a}')
v=$(awk -v r="$r" 'BEGIN{print (r >= 3) ? "PASS" : "FAIL"}')
echo "header (vmlinux.h): btftool $a ms, bpftool format c $b ms, ratio ${r}x (target 3x) $v"
