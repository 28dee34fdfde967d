#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `btftool dump` against Debian's bpftool (the oracle):
#   raw:  byte-identical to `bpftool btf dump file FILE [-B BASE]`
#   json: same values as `bpftool -j btf dump file FILE` (tests/cli/jsoncmp.py)
# Inputs: the running kernel's /sys/kernel/btf/vmlinux; every Debian kernel
# of the MANIFEST written by testdata/fetch-kernels.sh (btftool reads the
# vmlinuz, bpftool a vmlinux this script decompresses itself); modules with
# -B, plain and compressed; BPF objects built here from tests/bpf/*.c for
# both endiannesses; --format btf -o; -t/--id selections.
#
# Env: BTFTOOL (binary, required), CI=true turns every skip (missing tool or
# kernel data) into a failure, BTFX_CACHE as for fetch-kernels.sh.
# Prints "ok NAME", "not ok NAME: why" or "skip NAME: why" per case.
set -u
set -o pipefail

BTFTOOL=${BTFTOOL:?BTFTOOL must name the btftool binary}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JSONCMP=$HERE/jsoncmp.py
CACHE=${BTFX_CACHE:-$HOME/.cache/btfx}
MANIFEST=$CACHE/kernels/MANIFEST

T=$(mktemp -d "${TMPDIR:-/tmp}/btfx-dump-bpftool.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

. "$HERE/lib/common.sh"

# ---------------------------------------------------------------- helpers

# run_btftool OUTFILE ARGS...: stdout to OUTFILE, stderr to $T/stderr; sets RC
run_btftool() {
	local out=$1
	shift
	"$BTFTOOL" "$@" >"$out" 2>"$T/stderr"
	RC=$?
}

# describe the first difference of two text files in one line
raw_diff() {
	local a=$1 b=$2 n la lb
	n=$(cmp "$a" "$b" 2>&1 | head -1)
	la=$(wc -l <"$a")
	lb=$(wc -l <"$b")
	local d
	d=$(diff "$a" "$b" | head -4 | oneline)
	echo "$n; btftool $la lines, bpftool $lb lines; diff: $d"
}

# raw_case NAME EXPECTED ARGS...: `btftool ARGS` must exit 0 and print EXPECTED
raw_case() {
	local name=$1 exp=$2
	shift 2
	run_btftool "$T/got.txt" "$@"
	if ((RC != 0)); then
		nok "$name" "btftool $* exited $RC: $(head -1 "$T/stderr" | oneline)"
	elif [[ -s $T/stderr ]]; then
		nok "$name" "btftool wrote to stderr: $(head -1 "$T/stderr" | oneline)"
	elif cmp -s "$T/got.txt" "$exp"; then
		ok "$name"
	else
		nok "$name" "$(raw_diff "$T/got.txt" "$exp")"
	fi
}

# json_case NAME BPFTOOL_JSON [jsoncmp filter args] -- ARGS...
json_case() {
	local name=$1 exp=$2 res rc
	shift 2
	local filt=()
	while [[ $# -gt 0 && $1 != -- ]]; do filt+=("$1"); shift; done
	shift
	run_btftool "$T/got.json" "$@" --format json
	if ((RC != 0)); then
		nok "$name" "btftool $* --format json exited $RC: $(head -1 "$T/stderr" | oneline)"
		return
	fi
	res=$(python3 "$JSONCMP" "$T/got.json" "$exp" "${filt[@]}" 2>&1 | oneline)
	rc=$?
	case $rc in
	0) ok "$name" ;;
	3)
		echo "skip $name: bpftool's JSON is invalid, value comparison impossible ($res)"
		# btftool's must still be valid JSON
		if python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode())' "$T/got.json" 2>/dev/null; then
			ok "$name-valid"
		else
			nok "$name-valid" "btftool's JSON is invalid too"
		fi
		;;
	*) nok "$name" "$res" ;;
	esac
}

# oracle NAME OUT ARGS...: run bpftool ARGS > OUT; on failure report NAME
oracle() {
	local name=$1 out=$2
	shift 2
	if ! bpftool "$@" >"$out" 2>"$T/bpftool.err"; then
		nok "$name" "oracle failed: bpftool $* : $(head -2 "$T/bpftool.err" | oneline)"
		return 1
	fi
	return 0
}

# blocks_by_name NAME... < bpftool raw dump: the [id] blocks named NAME
blocks_by_name() {
	awk -v names="$*" '
	BEGIN { n = split(names, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
	/^\[[0-9]+\] / {
		keep = 0
		if (match($0, /^\[[0-9]+\] [A-Z0-9_]+ \x27/)) {
			rest = substr($0, RLENGTH + 1)
			nm = substr(rest, 1, index(rest, "\x27") - 1)
			keep = (nm in want)
		}
	}
	keep { print }'
}

# blocks_by_id ID... < bpftool raw dump: the [id] blocks with those ids
blocks_by_id() {
	awk -v ids="$*" '
	BEGIN { n = split(ids, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
	/^\[[0-9]+\] / { id = substr($1, 2, length($1) - 2); keep = (id in want) }
	keep { print }'
}

# sel_case NAME FULL_DUMP by_name|by_id "KEYS" ARGS...: `btftool ARGS` must
# print exactly the blocks of FULL_DUMP with those names or ids
sel_case() {
	local name=$1 full=$2 how=$3 keys=$4
	shift 4
	local -a keyv
	read -ra keyv <<<"$keys"
	"blocks_$how" "${keyv[@]}" <"$full" >"$T/sel.txt"
	if [[ ! -s $T/sel.txt ]]; then
		nok "$name" "oracle: no block with $how $keys in the bpftool dump"
		return
	fi
	raw_case "$name" "$T/sel.txt" "$@"
}

# extract_vmlinux VMLINUZ OUT: decompress the bzImage payload with the
# system xz/zstd/lz4, using the setup header: setup_sects at 0x1f1,
# payload_offset/payload_length at 0x248/0x24c (relative to the protected-
# mode code, which starts at (setup_sects+1)*512).  The payload ends with a
# 4-byte uncompressed size that the decompressors must not see.
extract_vmlinux() {
	local z=$1 out=$2 ss po pl off magic dec
	[[ $(od -An -c -j $((0x202)) -N4 "$z" | tr -d ' ') == HdrS ]] || { echo "no bzImage setup header"; return 1; }
	ss=$(od -An -tu1 -j $((0x1f1)) -N1 "$z" | tr -d ' ')
	((ss == 0)) && ss=4
	read -r po pl < <(od -An -tu4 -j $((0x248)) -N8 "$z")
	off=$(((ss + 1) * 512 + po))
	magic=$(od -An -tx1 -j "$off" -N4 "$z" | tr -d ' \n')
	case $magic in
	fd377a58) dec="xz -dc" ;;
	28b52ffd) dec="zstd -dcq" ;;
	02214c18) dec="lz4 -dcq" ;;
	1f8b08*) dec="gzip -dc" ;;
	*) echo "unknown payload magic $magic at offset $off"; return 1 ;;
	esac
	have "${dec%% *}" || { echo "${dec%% *} not installed"; return 1; }
	# (tail may die of SIGPIPE when head has read enough: only the
	# decompressor's status matters)
	tail -c +$((off + 1)) "$z" | head -c $((pl - 4)) | $dec >"$out" 2>"$T/dec.err"
	local st=("${PIPESTATUS[@]}")
	if ((st[1] != 0 || st[2] != 0)); then
		echo "$dec failed (status ${st[*]}): $(head -1 "$T/dec.err")"
		return 1
	fi
	[[ $(od -An -tx1 -N4 "$out" | tr -d ' \n') == 7f454c46 ]] || { echo "payload did not decompress to an ELF"; return 1; }
	return 0
}

# dump .BTF of an ELF into OUT without btftool
dump_btf_section() {
	local elf=$1 out=$2
	rm -f "$out"
	if have llvm-objcopy-19; then
		llvm-objcopy-19 --dump-section ".BTF=$out" "$elf" "$T/objcopy.out" 2>/dev/null
	else
		objcopy --dump-section ".BTF=$out" "$elf" "$T/objcopy.out" 2>/dev/null
	fi
	local rc=$?
	rm -f "$T/objcopy.out"
	return $rc
}

# btf_out_case NAME ELF_WITH_BTF RAW_EXPECTED ARGS...: `btftool dump ARGS
# --format btf -o OUT` writes exactly the .BTF section of ELF_WITH_BTF
# (or the file itself, if it is raw BTF), leaves no temp files, and OUT
# dumps (with btftool and bpftool) as RAW_EXPECTED.
btf_out_case() {
	local name=$1 ref=$2 exp=$3
	shift 3
	local d=$T/btfout base_bt=() base_bp=()
	rm -rf "$d"
	mkdir "$d"
	if [[ $ref == *.btf || $ref == /sys/kernel/btf/* ]]; then
		cp "$ref" "$d/ref.btf"
	elif ! dump_btf_section "$ref" "$d/ref.btf"; then
		nok "$name" "oracle failed: cannot extract .BTF from $ref with objcopy"
		return
	fi
	run_btftool "$T/stdout" "$@" --format btf -o "$d/out.btf"
	if ((RC != 0)); then
		nok "$name" "btftool exited $RC: $(head -1 "$T/stderr" | oneline)"
	elif [[ -s $T/stdout ]]; then
		nok "$name" "btftool wrote to stdout with -o"
	elif ! cmp -s "$d/out.btf" "$d/ref.btf"; then
		nok "$name" "OUT differs from objcopy's .BTF: $(cmp "$d/out.btf" "$d/ref.btf" 2>&1 | head -1); sizes $(stat -c %s "$d/out.btf" 2>/dev/null) vs $(stat -c %s "$d/ref.btf")"
	elif [[ -n $(find "$d" -mindepth 1 ! -name out.btf ! -name ref.btf) ]]; then
		nok "$name" "left files behind: $(find "$d" -mindepth 1 ! -name out.btf ! -name ref.btf | oneline)"
	else
		ok "$name"
	fi
	[[ -f $d/out.btf ]] || return
	# -B of the original command, if any, for the re-dump
	local a prev=
	for a in "$@"; do
		if [[ $prev == -B ]]; then base_bt=(-B "$a"); fi
		prev=$a
	done
	[[ -n ${BP_BASE:-} ]] && base_bp=(-B "$BP_BASE")
	raw_case "$name-redump" "$exp" dump "$d/out.btf" "${base_bt[@]}"
	if bpftool btf dump file "$d/out.btf" "${base_bp[@]}" >"$T/bp-redump.txt" 2>/dev/null &&
		cmp -s "$T/bp-redump.txt" "$exp"; then
		ok "$name-redump-bpftool"
	else
		nok "$name-redump-bpftool" "bpftool does not dump OUT as it dumps the original"
	fi
	rm -rf "$d"
}

# ------------------------------------------------------------ preconditions

missing=()
for tool in bpftool python3 od cmp diff awk; do have "$tool" || missing+=("$tool"); done
if ((${#missing[@]})); then
	skip tools "missing ${missing[*]}"
	have bpftool && have python3 || exit $((nfail != 0))
fi
if [[ ! -x $BTFTOOL ]]; then
	nok btftool-binary "$BTFTOOL is not executable"
	exit 1
fi

# ------------------------------------------------------ the running kernel

SYSV=/sys/kernel/btf/vmlinux
if [[ -r $SYSV ]]; then
	if oracle sys-vmlinux-raw "$T/sys.txt" btf dump file "$SYSV"; then
		raw_case sys-vmlinux-raw "$T/sys.txt" dump "$SYSV"
		raw_case sys-vmlinux-raw-default "$T/sys.txt" dump
		sel_case sys-vmlinux-t-task_struct "$T/sys.txt" by_name "task_struct" dump "$SYSV" -t task_struct
		btf_out_case sys-vmlinux-format-btf "$SYSV" "$T/sys.txt" dump "$SYSV"
	fi
	if oracle sys-vmlinux-json "$T/sys.json" -j btf dump file "$SYSV"; then
		json_case sys-vmlinux-json "$T/sys.json" -- dump "$SYSV"
	fi
	rm -f "$T/sys.txt" "$T/sys.json"
	# module BTF of the running kernel, if it has any (optional: not every
	# kernel is built with modules); bpftool bases it on vmlinux by itself
	mod=
	for f in /sys/kernel/btf/*; do
		[[ -f $f && ${f##*/} != vmlinux ]] && { mod=${f##*/}; break; }
	done
	if [[ -n $mod ]]; then
		if oracle "sys-module-$mod-raw" "$T/sysmod.txt" btf dump file "/sys/kernel/btf/$mod"; then
			raw_case "sys-module-$mod-raw" "$T/sysmod.txt" dump "/sys/kernel/btf/$mod"
			raw_case "sys-module-$mod-raw-B" "$T/sysmod.txt" dump "/sys/kernel/btf/$mod" -B "$SYSV"
		fi
	else
		echo "skip sys-module: the running kernel exposes no module BTF (optional)"
	fi
else
	skip sys-vmlinux "$SYSV not readable"
fi

# ---------------------------------------------------- BPF objects (clang)

CLANG=
for c in clang-19 clang; do have "$c" && { CLANG=$c; break; }; done
if [[ -z $CLANG ]]; then
	skip bpf-objects "clang-19 not installed"
else
	for src in "$ROOT"/tests/bpf/*.c; do
		b=$(basename "$src" .c)
		for target in bpf bpfeb; do
			n=bpf-$b-$target
			obj=$T/$b-$target.o
			if ! "$CLANG" -g -O2 -target "$target" -c "$src" -o "$obj" 2>"$T/cc.err"; then
				nok "$n-compile" "$CLANG failed: $(head -3 "$T/cc.err" | oneline)"
				continue
			fi
			if oracle "$n-raw" "$T/o.txt" btf dump file "$obj"; then
				raw_case "$n-raw" "$T/o.txt" dump "$obj"
				# the object's .BTF section as a raw BTF file (bpftool
				# prints the same for it as for the object)
				if ! dump_btf_section "$obj" "$T/o.btf"; then
					nok "$n-raw-section" "oracle failed: objcopy cannot dump .BTF"
				elif oracle "$n-raw-section" "$T/osec.txt" btf dump file "$T/o.btf"; then
					raw_case "$n-raw-section" "$T/osec.txt" dump "$T/o.btf"
				fi
			fi
			if oracle "$n-json" "$T/o.json" -j btf dump file "$obj"; then
				json_case "$n-json" "$T/o.json" -- dump "$obj"
			fi
		done
	done
	# -t / --id on an object: every kind is selectable
	obj=$T/kinds-bpf.o
	if [[ -f $obj ]] && bpftool btf dump file "$obj" >"$T/o.txt" 2>/dev/null; then
		sel_case bpf-kinds-t-multi "$T/o.txt" by_name "e64_signed bitfields .ksyms tagged_helper" \
			dump "$obj" -t e64_signed -t .ksyms -t bitfields -t tagged_helper
		last=$(grep -c '^\[' "$T/o.txt")
		sel_case bpf-kinds-id-first-last "$T/o.txt" by_id "1 $last" dump "$obj" --id "$last" --id 1
	fi
fi

# --------------------------------------------------------- Debian kernels

if [[ ! -f $MANIFEST ]] && ! ((IN_CI)); then
	echo "# $MANIFEST missing: running testdata/fetch-kernels.sh" >&2
	bash "$ROOT/testdata/fetch-kernels.sh" >/dev/null 2>"$T/fetch.err" ||
		echo "# fetch-kernels.sh failed: $(tail -1 "$T/fetch.err")" >&2
fi
kernel_tools_ok=1
for tool in xz zstd lz4 tail head; do
	have "$tool" || { skip "tool-$tool" "$tool not installed (needed to decompress vmlinuz payloads)"; kernel_tools_ok=0; }
done

if [[ ! -f $MANIFEST ]]; then
	skip debian-kernels "no $MANIFEST (run testdata/fetch-kernels.sh)"
else
	nlabels=0
	while read -r label vmlinuz moddir _; do
		[[ -z ${label:-} || $label == \#* ]] && continue
		nlabels=$((nlabels + 1))
		k=deb-$label
		if [[ ! -f $vmlinuz || ! -d $moddir ]]; then
			skip "$k" "MANIFEST names missing $vmlinuz or $moddir"
			continue
		fi
		VML=$T/vmlinux-$label
		if ! why=$(extract_vmlinux "$vmlinuz" "$VML"); then
			if ((kernel_tools_ok)); then nok "$k-extract" "$why"; else skip "$k-extract" "$why"; fi
			rm -f "$VML"
			continue
		fi
		ok "$k-extract"
		if oracle "$k-raw" "$T/k.txt" btf dump file "$VML"; then
			raw_case "$k-raw" "$T/k.txt" dump "$vmlinuz"
			BP_BASE='' btf_out_case "$k-format-btf" "$VML" "$T/k.txt" dump "$vmlinuz"
		else
			rm -f "$VML"
			continue
		fi
		if oracle "$k-json" "$T/k.json" -j btf dump file "$VML"; then
			json_case "$k-json" "$T/k.json" -- dump "$vmlinuz"
		fi

		if [[ $label == 6.1-new ]]; then
			# -t / --id selections against the full dump
			sel_case "$k-t-task_struct" "$T/k.txt" by_name "task_struct" dump "$vmlinuz" -t task_struct
			sel_case "$k-t-two-names" "$T/k.txt" by_name "task_struct mm_struct" \
				dump "$vmlinuz" -t mm_struct -t task_struct
			# a name several types share (e.g. a struct and its FWD, or a
			# FUNC and a STRUCT): all of them, in id order
			dup=$(awk '/^\[[0-9]+\] / { if (match($0, /\x27[^\x27]+\x27/)) { nm = substr($0, RSTART + 1, RLENGTH - 2); if (nm != "(anon)") c[nm]++ } }
				END { for (n in c) if (c[n] > 1) { print n; exit } }' "$T/k.txt")
			if [[ -n $dup ]]; then
				sel_case "$k-t-shared-name" "$T/k.txt" by_name "$dup" dump "$vmlinuz" -t "$dup"
			fi
			sel_case "$k-t-datasec" "$T/k.txt" by_name ".data..percpu" dump "$vmlinuz" -t .data..percpu
			sel_case "$k-t-func" "$T/k.txt" by_name "vfs_read" dump "$vmlinuz" -t vfs_read
			last=$(awk '/^\[[0-9]+\] / { l = $1 } END { print substr(l, 2, length(l) - 2) }' "$T/k.txt")
			sel_case "$k-id-one" "$T/k.txt" by_id "1" dump "$vmlinuz" --id 1
			sel_case "$k-id-last" "$T/k.txt" by_id "$last" dump "$vmlinuz" --id "$last"
			sel_case "$k-id-unsorted-dup" "$T/k.txt" by_id "3 100 5000" \
				dump "$vmlinuz" --id 5000 --id 3 --id 100 --id 3
			tsid=$(grep -m1 "^\[[0-9]*\] STRUCT 'task_struct' " "$T/k.txt" | cut -d']' -f1 | tr -d '[')
			sel_case "$k-t-and-id" "$T/k.txt" by_id "7 $tsid" dump "$vmlinuz" -t task_struct --id 7
			json_case "$k-json-t" "$T/k.json" --names task_struct,mm_struct -- dump "$vmlinuz" -t task_struct -t mm_struct
			json_case "$k-json-id" "$T/k.json" --ids "1,2,3,$last" -- dump "$vmlinuz" --id 1 --id 3 --id 2 --id "$last"
		fi

		# modules: two of 6.1-new (a big and a small one; plain .ko in that
		# package, so also compressed here with xz/zstd), two of 6.12 (it
		# ships .ko.xz: btftool reads them as shipped, bpftool gets them
		# decompressed by xz)
		mods=()
		case $label in
		6.1-new | 6.12) mods=(fs/ext4/ext4 drivers/net/dummy) ;;
		esac
		for m in "${mods[@]}"; do
			mn=$k-$(basename "$m")
			ko=
			for ext in .ko .ko.xz .ko.zst; do
				[[ -f $moddir/kernel/$m$ext ]] && { ko=$moddir/kernel/$m$ext; break; }
			done
			if [[ -z $ko ]]; then
				nok "$mn" "$moddir/kernel/$m.ko{,.xz,.zst} not in the package"
				continue
			fi
			plain=$ko
			case $ko in
			*.ko.xz | *.ko.zst)
				plain=$T/$(basename "$m").ko
				c=xz
				[[ $ko == *.zst ]] && c=zstd
				if ! have $c; then
					skip "$mn" "$c not installed (needed to decompress $ko for bpftool)"
					continue
				fi
				if ! $c -dc "$ko" >"$plain" 2>/dev/null; then
					nok "$mn" "oracle failed: $c -dc $ko"
					continue
				fi
				;;
			esac
			oracle "$mn-raw" "$T/m.txt" btf dump file "$plain" -B "$VML" || continue
			raw_case "$mn-raw" "$T/m.txt" dump "$ko" -B "$vmlinuz"
			# -B may also be the decompressed vmlinux ELF
			raw_case "$mn-raw-B-elf" "$T/m.txt" dump "$ko" -B "$VML"
			if oracle "$mn-json" "$T/m.json" -j btf dump file "$plain" -B "$VML"; then
				json_case "$mn-json" "$T/m.json" -- dump "$ko" -B "$vmlinuz"
			fi
			BP_BASE=$VML btf_out_case "$mn-format-btf" "$plain" "$T/m.txt" dump "$ko" -B "$vmlinuz"
			# a split-BTF type picked by name and by id
			first=$(head -1 "$T/m.txt" | cut -d']' -f1 | tr -d '[')
			sname=$(grep -m1 -E "^\[[0-9]+\] STRUCT '[^(]" "$T/m.txt" | cut -d"'" -f2)
			sel_case "$mn-id-first-split" "$T/m.txt" by_id "$first" dump "$ko" -B "$vmlinuz" --id "$first"
			if [[ -n $sname ]]; then
				sel_case "$mn-t-split-struct" "$T/m.txt" by_name "$sname" dump "$ko" -B "$vmlinuz" -t "$sname"
			fi
			if [[ $ko == *.ko ]]; then
				for c in xz zstd; do
					have "$c" || { skip "$mn-$c" "$c not installed"; continue; }
					ext=$([[ $c == xz ]] && echo xz || echo zst)
					ck=$T/$(basename "$ko").$ext
					cp "$ko" "$T/$(basename "$ko")"
					if [[ $c == xz ]]; then xz -k -f "$T/$(basename "$ko")"; else zstd -q -k -f "$T/$(basename "$ko")"; fi
					rm -f "$T/$(basename "$ko")"
					raw_case "$mn-ko-$ext-raw" "$T/m.txt" dump "$ck" -B "$vmlinuz"
					[[ -f $T/m.json ]] && json_case "$mn-ko-$ext-json" "$T/m.json" -- dump "$ck" -B "$vmlinuz"
					rm -f "$ck"
				done
			fi
			[[ $plain != "$ko" ]] && rm -f "$plain"
			rm -f "$T/m.txt" "$T/m.json"
		done
		rm -f "$VML" "$T/k.txt" "$T/k.json"
	done <"$MANIFEST"
	((nlabels > 0)) || skip debian-kernels "$MANIFEST lists no kernels"
fi

exit $((nfail != 0))
