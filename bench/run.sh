#!/bin/bash
# btfx vs libbpf/bpftool, side by side on one input, with targets.
#
#   O=build bench/run.sh            (make bench runs it after `make all`)
#   BENCH_FILE=PATH                 input (default /sys/kernel/btf/vmlinux)
#   BENCH_ROUNDS=30                 parse+validate rounds (in-process, A/B interleaved)
#   BENCH_RUNS=15                   CLI runs per command (interleaved)
#
# Targets: parse+validate libbpf/btfx >= 3x; dump raw and json bpftool/btftool
# >= 3x; peak RSS of `btftool dump` above its idle baseline <= 2 x BTF size.
# It is a report: exits 0 even when a target fails (FAIL is printed), non-zero
# only when something could not be measured at all.
set -uo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
O=${O:-build}
FILE=${BENCH_FILE:-/sys/kernel/btf/vmlinux}
ROUNDS=${BENCH_ROUNDS:-30}
RUNS=${BENCH_RUNS:-15}
BTFTOOL=$O/btftool
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)
GNUTIME=/usr/bin/time
W=$O/bench
T_PARSE=3 T_DUMP=3 T_MEM=2

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$BTFTOOL" ] || die "$BTFTOOL missing (run make all)"
[ -r "$FILE" ] || die "cannot read $FILE"
[ -f "$O/libbtfx.a" ] || die "$O/libbtfx.a missing (run make all)"
mkdir -p "$W"

# ---- build the in-process driver ------------------------------------------
gcc -std=gnu11 -O2 -Wall -Wextra -Iinclude -o "$W/bench_parse" bench/bench_parse.c "$O/libbtfx.a" \
	-lbpf -lelf -lz -llzma -llz4 -lzstd -lbz2 || die "cannot build bench_parse"

# ---- helpers ----------------------------------------------------------------
median() { sort -n | awk '{v[NR]=$1} END {if (!NR) {print "NA"; exit}
	if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "NA" || b == "NA" || b + 0 == 0) print "NA"; else printf "%.2f", a / b}'; }
verdict() { # value op target
	awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {if (v == "NA") {print "N/A"; exit}
		ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 <= t + 0); print ok ? "PASS" : "FAIL"}'; }
ms() { awk -v n="$1" 'BEGIN {if (n == "NA") print "NA"; else printf "%.1f", n / 1e6}'; }
mib() { awk -v k="$1" 'BEGIN {if (k == "NA") print "NA"; else printf "%.1f", k / 1024}'; }

# wall time of one command in ns, stdout to /dev/null ($EPOCHREALTIME: no fork)
declare -A FAILS=()
wall() { # key cmd...
	local key=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	"$@" >/dev/null 2>"$W/$key.err" || FAILS[$key]=1
	t1=$EPOCHREALTIME
	echo $(( (${t1/./} - ${t0/./}) * 1000 )) >>"$W/$key.times"
}

maxrss() { # cmd... -> KiB (median of 3)
	local i
	for i in 1 2 3; do
		"$GNUTIME" -f %M -o "$W/rss.tmp" "$@" >/dev/null 2>/dev/null
		tail -1 "$W/rss.tmp"
	done | median
}

echo "btfx bench: $FILE"

# ---- 1. parse+validate, in-process -----------------------------------------
P=$("$W/bench_parse" "$FILE" "$ROUNDS" 3) || die "bench_parse failed"
kv() { echo "$P" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }
BTF_BYTES=$(kv btf_bytes) TYPES=$(kv types) SRC=$(kv source)
P_BTFX=$(kv btfx_ns) P_LIBBPF=$(kv libbpf_ns)
R_PARSE=$(ratio "$P_LIBBPF" "$P_BTFX")
if [ "$SRC" = raw ]; then
	FSIZE=$(stat -L -c %s "$FILE" 2>/dev/null || echo "$BTF_BYTES")
	[ "$FSIZE" = "$BTF_BYTES" ] || echo "  note: file size $FSIZE != BTF blob $BTF_BYTES"
fi
echo "  $SRC source, $TYPES types, BTF $BTF_BYTES bytes ($(mib $((BTF_BYTES / 1024))) MiB)"

# ---- 2. CLI dump, wall time ---------------------------------------------------
rm -f "$W"/*.times "$W"/*.err
RAW_A=("$BTFTOOL" dump "$FILE")
RAW_B=("$BPFTOOL" btf dump file "$FILE")
JSON_A=("$BTFTOOL" dump "$FILE" --format json)
JSON_B=("$BPFTOOL" -j btf dump file "$FILE")

# outputs: one run each into a file; non-empty, and how they compare
"${RAW_A[@]}" >"$W/raw.btftool" 2>/dev/null
"${RAW_B[@]}" >"$W/raw.bpftool" 2>/dev/null
"${JSON_A[@]}" >"$W/json.btftool" 2>/dev/null
"${JSON_B[@]}" >"$W/json.bpftool" 2>/dev/null
OUT_OK=1
for f in raw.btftool raw.bpftool json.btftool json.bpftool; do
	[ -s "$W/$f" ] || { echo "  ERROR: $f output is empty"; OUT_OK=0; }
done
if cmp -s "$W/raw.btftool" "$W/raw.bpftool"; then RAW_SAME="identical to bpftool"; else RAW_SAME="DIFFERS from bpftool"; fi
if command -v jq >/dev/null && [ -s "$W/json.btftool" ]; then
	if jq -e . "$W/json.btftool" >/dev/null 2>&1; then
		if cmp -s <(jq -cS . "$W/json.btftool") <(jq -cS . "$W/json.bpftool"); then JSON_SAME="valid, same as bpftool"
		else JSON_SAME="valid, differs from bpftool"; fi
	else JSON_SAME="NOT valid JSON"; fi
else JSON_SAME="not checked (no jq)"; fi
echo "  outputs: raw $(stat -c %s "$W/raw.btftool") bytes ($RAW_SAME); json $(stat -c %s "$W/json.btftool") bytes ($JSON_SAME)"

# 2 warm-up runs, then RUNS interleaved runs, order rotated each iteration
for i in 1 2; do "${RAW_A[@]}" >/dev/null 2>&1; "${RAW_B[@]}" >/dev/null 2>&1; "${JSON_A[@]}" >/dev/null 2>&1; "${JSON_B[@]}" >/dev/null 2>&1; done
for ((i = 0; i < RUNS; i++)); do
	if ((i % 2 == 0)); then
		wall raw_a "${RAW_A[@]}"; wall raw_b "${RAW_B[@]}"
		wall json_a "${JSON_A[@]}"; wall json_b "${JSON_B[@]}"
	else
		wall json_b "${JSON_B[@]}"; wall json_a "${JSON_A[@]}"
		wall raw_b "${RAW_B[@]}"; wall raw_a "${RAW_A[@]}"
	fi
done
for k in "${!FAILS[@]}"; do echo "  ERROR: $k exited non-zero: $(head -c 300 "$W/$k.err")"; done
D_RAW_A=$(median <"$W/raw_a.times") D_RAW_B=$(median <"$W/raw_b.times")
D_JSON_A=$(median <"$W/json_a.times") D_JSON_B=$(median <"$W/json_b.times")
R_RAW=$(ratio "$D_RAW_B" "$D_RAW_A") R_JSON=$(ratio "$D_JSON_B" "$D_JSON_A")
[ -z "${FAILS[raw_a]:-}${FAILS[raw_b]:-}" ] || R_RAW=NA
[ -z "${FAILS[json_a]:-}${FAILS[json_b]:-}" ] || R_JSON=NA

# ---- 3. peak memory ---------------------------------------------------------------
M_BASE=$(maxrss "$BTFTOOL" version)
M_DUMP=$(maxrss "${RAW_A[@]}")
M_BPF=$(maxrss "${RAW_B[@]}")
M_DELTA=$((M_DUMP - M_BASE))
R_MEM=$(awk -v d="$M_DELTA" -v s="$BTF_BYTES" 'BEGIN {printf "%.2f", d * 1024 / s}')
# Context: mmap'd sysfs BTF (kernel >= 6.16) is a PFN mapping that max RSS does
# not count; a copy in a regular file shows the cost with file pages counted.
MEM_NOTE=""
if [ "$SRC" = raw ] && [ ! -f "$FILE" -o "${FILE#/sys/}" != "$FILE" ]; then
	cp "$FILE" "$W/btf.copy" 2>/dev/null && {
		M_COPY=$(( $(maxrss "$BTFTOOL" dump "$W/btf.copy") - M_BASE ))
		MEM_NOTE="same BTF as a regular file: delta $(mib $M_COPY) MiB = $(awk -v d="$M_COPY" -v s="$BTF_BYTES" 'BEGIN {printf "%.2f", d * 1024 / s}')x BTF (file pages counted)"
	}
fi

# ---- table ------------------------------------------------------------------------
V_PARSE=$(verdict "$R_PARSE" ">=" $T_PARSE) V_RAW=$(verdict "$R_RAW" ">=" $T_DUMP)
V_JSON=$(verdict "$R_JSON" ">=" $T_DUMP) V_MEM=$(verdict "$R_MEM" "<=" $T_MEM)
[ "$OUT_OK" = 1 ] || { V_RAW=FAIL; V_JSON=FAIL; }
echo
printf '%-34s %12s %14s %8s %8s  %s\n' "measure (median)" "btfx" "libbpf/bpftool" "ratio" "target" "result"
printf '%-34s %12s %14s %8s %8s  %s\n' "parse+validate, in-process ($ROUNDS)" "$(ms "$P_BTFX") ms" "$(ms "$P_LIBBPF") ms" "${R_PARSE}x" ">=${T_PARSE}x" "$V_PARSE"
printf '%-34s %12s %14s %8s %8s  %s\n' "dump raw, wall ($RUNS runs)" "$(ms "$D_RAW_A") ms" "$(ms "$D_RAW_B") ms" "${R_RAW}x" ">=${T_DUMP}x" "$V_RAW"
printf '%-34s %12s %14s %8s %8s  %s\n' "dump json, wall ($RUNS runs)" "$(ms "$D_JSON_A") ms" "$(ms "$D_JSON_B") ms" "${R_JSON}x" ">=${T_DUMP}x" "$V_JSON"
printf '%-34s %12s %14s %8s %8s  %s\n' "peak RSS dump - idle, vs BTF size" "$(mib $M_DELTA) MiB" "BTF $(mib $((BTF_BYTES / 1024))) MiB" "${R_MEM}x" "<=${T_MEM}x" "$V_MEM"
printf '  (max RSS: btftool dump %s MiB, btftool version %s MiB, bpftool dump %s MiB)\n' \
	"$(mib "$M_DUMP")" "$(mib "$M_BASE")" "$(mib "$M_BPF")"
[ -z "$MEM_NOTE" ] || echo "  ($MEM_NOTE)"
echo
echo "parse+validate: btfx $(ms "$P_BTFX") ms, libbpf $(ms "$P_LIBBPF") ms, ratio ${R_PARSE}x (target ${T_PARSE}x) $V_PARSE"
W_RAW="" W_JSON=""
[ "$RAW_SAME" = "identical to bpftool" ] || W_RAW=" [WARNING: btftool raw output differs from bpftool]"
case $JSON_SAME in "NOT valid JSON") W_JSON=" [WARNING: btftool json output is NOT valid JSON]";; esac
echo "dump raw: btftool $(ms "$D_RAW_A") ms, bpftool $(ms "$D_RAW_B") ms, ratio ${R_RAW}x (target ${T_DUMP}x) $V_RAW$W_RAW"
echo "dump json: btftool $(ms "$D_JSON_A") ms, bpftool $(ms "$D_JSON_B") ms, ratio ${R_JSON}x (target ${T_DUMP}x) $V_JSON$W_JSON"
echo "peak memory: btftool delta $(mib $M_DELTA) MiB, BTF $(mib $((BTF_BYTES / 1024))) MiB, ${R_MEM}x (target <= ${T_MEM}x) $V_MEM; bpftool max RSS $(mib "$M_BPF") MiB"
# ---- 4. layout view and diff vs pahole (what users run today) ----------------
# Layout of every struct of FILE: `btftool dump FILE --format layout` vs
# `pahole -F btf FILE` (target >= 2x).  Diff of two real kernels (Debian
# 6.1-new vs 6.12 from the kernels MANIFEST, or BENCH_DIFF_OLD/NEW): raw BTF
# is extracted first so neither side pays for decompression; `btftool diff
# OLD NEW` vs `pahole -F btf` of both files plus `diff -u` (target >= 5x).
#   BENCH_DIFF_RUNS=5               runs per diff command (interleaved)
T_LAYOUT=2 T_DIFF=5
DRUNS=${BENCH_DIFF_RUNS:-5}
PAHOLE=$(command -v pahole || true)
KMANIFEST=${BTFX_KERNELS:-$HOME/.cache/btfx/kernels}/MANIFEST
kimg() { awk -v k="$1" '$1==k{print $2}' "$KMANIFEST" 2>/dev/null; }
rm -f "$W"/lay_*.times "$W"/dif_*.times
D_LAY_A=NA D_LAY_B=NA D_DIF_A=NA D_DIF_B=NA LAY_NOTE="" DIF_NOTE=""
if [ -z "$PAHOLE" ]; then
	LAY_NOTE=" [pahole not installed]" DIF_NOTE=" [pahole not installed]"
else
	LAY_A=("$BTFTOOL" dump "$FILE" --format layout)
	LAY_B=("$PAHOLE" -F btf "$FILE")
	"${LAY_A[@]}" >"$W/layout.btftool" 2>/dev/null
	"${LAY_B[@]}" >"$W/layout.pahole" 2>/dev/null
	N_LAY_A=$(grep -c '^struct .* {$' "$W/layout.btftool") N_LAY_B=$(grep -c '^struct .* {$' "$W/layout.pahole")
	LAY_NOTE=" ($N_LAY_A structs, pahole $N_LAY_B)"
	for i in 1 2; do "${LAY_A[@]}" >/dev/null 2>&1; "${LAY_B[@]}" >/dev/null 2>&1; done
	for ((i = 0; i < RUNS; i++)); do
		if ((i % 2 == 0)); then wall lay_a "${LAY_A[@]}"; wall lay_b "${LAY_B[@]}"
		else wall lay_b "${LAY_B[@]}"; wall lay_a "${LAY_A[@]}"; fi
	done
	D_LAY_A=$(median <"$W/lay_a.times") D_LAY_B=$(median <"$W/lay_b.times")

	DOLD=${BENCH_DIFF_OLD:-$(kimg 6.1-new)} DNEW=${BENCH_DIFF_NEW:-$(kimg 6.12)}
	if [ -n "$DOLD" ] && [ -n "$DNEW" ] && [ -r "$DOLD" ] && [ -r "$DNEW" ] &&
	   "$BTFTOOL" dump "$DOLD" --format btf -o "$W/diff_old.btf" 2>/dev/null &&
	   "$BTFTOOL" dump "$DNEW" --format btf -o "$W/diff_new.btf" 2>/dev/null; then
		# diff(1) convention: exit 1 means "differences", not failure
		dif_a() { "$BTFTOOL" diff "$W/diff_old.btf" "$W/diff_new.btf"; [ $? -le 1 ]; }
		dif_b() {
			"$PAHOLE" -F btf "$W/diff_old.btf" >"$W/pahole_old.txt" 2>/dev/null &&
			"$PAHOLE" -F btf "$W/diff_new.btf" >"$W/pahole_new.txt" 2>/dev/null || return 1
			diff -u "$W/pahole_old.txt" "$W/pahole_new.txt"; [ $? -le 1 ]
		}
		dif_a >"$W/diff.btftool" 2>/dev/null; dif_b >"$W/diff.pahole" 2>/dev/null
		DIF_NOTE=" ($(basename "$DOLD") vs $(basename "$DNEW"): btftool $(wc -l <"$W/diff.btftool") lines, diff -u $(wc -l <"$W/diff.pahole") lines)"
		dif_a >/dev/null 2>&1; dif_b >/dev/null 2>&1
		for ((i = 0; i < DRUNS; i++)); do
			if ((i % 2 == 0)); then wall dif_a dif_a; wall dif_b dif_b
			else wall dif_b dif_b; wall dif_a dif_a; fi
		done
		D_DIF_A=$(median <"$W/dif_a.times") D_DIF_B=$(median <"$W/dif_b.times")
	else
		DIF_NOTE=" [no kernel pair: set BENCH_DIFF_OLD/NEW or run testdata/fetch-kernels.sh]"
	fi
fi
for k in lay_a lay_b dif_a dif_b; do
	[ -z "${FAILS[$k]:-}" ] || echo "  ERROR: $k exited non-zero: $(head -c 300 "$W/$k.err")"
done
R_LAY=$(ratio "$D_LAY_B" "$D_LAY_A") R_DIF=$(ratio "$D_DIF_B" "$D_DIF_A")
[ -z "${FAILS[lay_a]:-}${FAILS[lay_b]:-}" ] || R_LAY=NA
[ -z "${FAILS[dif_a]:-}${FAILS[dif_b]:-}" ] || R_DIF=NA
V_LAY=$(verdict "$R_LAY" ">=" $T_LAYOUT) V_DIF=$(verdict "$R_DIF" ">=" $T_DIFF)
echo
printf '%-34s %12s %14s %8s %8s  %s\n' "measure (median)" "btftool" "pahole" "ratio" "target" "result"
printf '%-34s %12s %14s %8s %8s  %s\n' "layout of every struct ($RUNS runs)" "$(ms "$D_LAY_A") ms" "$(ms "$D_LAY_B") ms" "${R_LAY}x" ">=${T_LAYOUT}x" "$V_LAY"
printf '%-34s %12s %14s %8s %8s  %s\n' "diff two kernels ($DRUNS runs)" "$(ms "$D_DIF_A") ms" "$(ms "$D_DIF_B") ms" "${R_DIF}x" ">=${T_DIFF}x" "$V_DIF"
echo
echo "layout view: btftool $(ms "$D_LAY_A") ms, pahole -F btf $(ms "$D_LAY_B") ms, ratio ${R_LAY}x (target ${T_LAYOUT}x) $V_LAY$LAY_NOTE"
echo "diff: btftool $(ms "$D_DIF_A") ms, pahole -F btf x2 + diff -u $(ms "$D_DIF_B") ms, ratio ${R_DIF}x (target ${T_DIFF}x) $V_DIF$DIF_NOTE"
exit 0
