#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The CO-RE engine and `btftool core explain | reloc | check`.
#
#  1. corpus: the BPF programs of tests/bpf/core/ (every relocation kind,
#     flavors, bitfields, arrays, nesting, anonymous members, ENUM64,
#     ambiguity, missing types and fields), compiled with clang-19 and
#     relocated against crafted targets (tests/bpf/core/targets/tgt_*.c
#     compiled for BPF); every btfx value must equal what the host compiler
#     says about the same definitions (offsetof/sizeof/bit positions,
#     tests/core/expect.h).  `core check` must agree with `core explain`;
#     `core reloc` must refuse (exit 1, no file) when a relocation fails.
#  2. differential against libbpf (Debian's 1.1): per relocation, btfx's
#     decision equals the one libbpf logs, for the corpus against the
#     crafted targets (btf_custom_path) and for kern.bpf.c against the
#     running kernel and the Debian kernels of the MANIFEST; the
#     instructions `core reloc` writes equal the ones libbpf patches
#     (offset, immediate, access size, poison); and `core reloc` output
#     loaded by libbpf gives the same translated code (bpftool prog dump
#     xlated) as the original object loaded by libbpf with its own CO-RE.
#  3. the kernel's CO-RE selftests (prog_tests/core_reloc.c, Debian's
#     linux-source-6.12, unpacked at test time into $BTFX_CACHE, never into
#     the repository): every case relocated by `btftool core reloc`, loaded,
#     run on this kernel and its output compared with the expected bytes
#     (tests/core/selftest_run.c); plus a per-relocation diff with libbpf on
#     every pair.
#  4. malformed objects (robustness.md section 6, items 32-40,
#     tests/core/mkbad.py): exit 2, one line naming the file, no crash; also
#     under the sanitizer build (build-san/btftool) when it exists.
#
# Output: "ok NAME" / "not ok NAME: why" per case ("skip NAME: why" when a
# prerequisite is missing; with CI=true a missing prerequisite fails).
# Env: BTFTOOL (required), BTFTOOL_SAN (default build-san/btftool if
# present), BTFX_CACHE (default ~/.cache/btfx), CLANG (default clang-19).
set -u
set -o pipefail
shopt -s lastpipe   # count() updates nfail at the end of pipelines
export PYTHONDONTWRITEBYTECODE=1   # tests/core/*.py import each other: no __pycache__ in the tree

BTFTOOL=${BTFTOOL:?BTFTOOL must name the btftool binary}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CORPUS=$ROOT/tests/bpf/core
TOOLS=$ROOT/tests/core
CACHE=${BTFX_CACHE:-$HOME/.cache/btfx}
CLANG=${CLANG:-clang-19}
BTFTOOL_SAN=${BTFTOOL_SAN:-$ROOT/build-san/btftool}
case $BTFTOOL in /*) ;; *) BTFTOOL=$PWD/$BTFTOOL ;; esac

T=$(mktemp -d "${TMPDIR:-/tmp}/btfx-core.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
cd "$T" || exit 2

. "$HERE/lib/common.sh"
# feed "ok"/"not ok" lines of a checker through, counting failures
count() {
	local line
	while IFS= read -r line; do
		echo "$line"
		[[ $line == "not ok "* ]] && nfail=$((nfail + 1))
	done
}

if [[ ! -x $BTFTOOL ]]; then
	nok btftool-binary "$BTFTOOL is not executable"
	exit 1
fi
for t in "$CLANG" bpftool python3 cc; do
	if ! have "$t"; then
		skip core-prerequisites "$t not found"
		exit $((nfail > 0))
	fi
done
if [[ ! -f /usr/include/bpf/libbpf.h ]]; then
	skip core-prerequisites "libbpf-dev headers not found"
	exit $((nfail > 0))
fi

BPFCFLAGS=(-g -O2 -target bpf -I/usr/include/x86_64-linux-gnu -I"$CORPUS")

# ------------------------------------------------------------------ build
# corpus programs (+ variants), targets, expectations, seed, helpers
build_one() { # out.o src.c [flags...]
	local out=$1 src=$2
	shift 2
	"$CLANG" "${BPFCFLAGS[@]}" "$@" -c "$src" -o "$out" 2>"$out.err" || { echo "FAIL $out"; return 1; }
}
mkdir -p obj exp
{
	for p in fields bitfields types enums flavors ldx ambig kern bad_seed; do
		build_one "obj/$p.o" "$CORPUS/$p.bpf.c" &
	done
	for n in 1 2 3 4 5 6; do
		build_one "obj/ambig_e$n.o" "$CORPUS/ambig.bpf.c" -DERRCASE=$n &
	done
	build_one obj/enums_noeuhi.o "$CORPUS/enums.bpf.c" -DNO_EU_HI &
	for t in tgt_a tgt_b tgt_amb; do
		"$CLANG" -g -O2 -target bpf -c "$CORPUS/targets/$t.c" -o "obj/$t.o" 2>"obj/$t.err" || echo "FAIL obj/$t.o" &
	done
	wait
} >build.log 2>&1
for t in tgt_a tgt_b tgt_amb; do
	cc -std=gnu11 -Wall -Wno-packed-bitfield-compat -DBTFX_HOST -I"$TOOLS" "$CORPUS/targets/$t.c" \
		-o "exp/$t" 2>>build.log && "exp/$t" >"exp/$t.txt" || echo "FAIL exp/$t" >>build.log
done
cc -O1 -g -Wall -o libbpf_load "$TOOLS/libbpf_load.c" -lbpf 2>>build.log || echo "FAIL libbpf_load" >>build.log
if grep -q '^FAIL' build.log; then
	nok corpus-build "$(grep '^FAIL' build.log | oneline); $(cat obj/*.err 2>/dev/null | grep -m3 error | oneline)"
	exit 1
fi
ok "corpus-build ($(ls obj/*.o | wc -l) objects, clang $("$CLANG" -dumpversion))"

# source lines of relocations: btfx_obj_line_at against its definition
if ! libbtfx_cc lineat "$HERE/lib/lineat.c"; then
	nok line-at "cannot build: $(oneline <lineat.err)"
elif read -r n d < <(./lineat obj/*.o) && ((n > 1000 && d == 0)); then
	ok "line-at ($n lookups over $(ls obj/*.o | wc -l) objects)"
else
	nok line-at "lookups ${n:-?}, differences ${d:-?}"
fi

# ---------------------------------------------------- 1. corpus vs expectations
for p in fields bitfields types enums flavors ldx; do
	"$BTFTOOL" core explain "obj/$p.o" --target obj/tgt_a.o --target obj/tgt_b.o --json >"$p.json" 2>"$p.err"
	rc=$?
	if ((rc > 1)); then
		nok "corpus/$p" "core explain exit $rc: $(oneline <"$p.err")"
		continue
	fi
	python3 "$TOOLS/check_expect.py" "corpus/$p" "$p.json" "obj/$p.o" "$p" \
		obj/tgt_a.o=exp/tgt_a.txt obj/tgt_b.o=exp/tgt_b.txt --rc "$rc" | count
done
"$BTFTOOL" core explain obj/ambig.o --target obj/tgt_amb.o --json >ambig.json 2>ambig.err
rc=$?
python3 "$TOOLS/check_expect.py" corpus/ambig ambig.json obj/ambig.o ambig obj/tgt_amb.o=exp/tgt_amb.txt \
	--rc "$rc" | count

# the text output shows the same decisions (one line per relocation)
"$BTFTOOL" core explain obj/fields.o --target obj/tgt_a.o --target obj/tgt_b.o >fields.txt 2>&1
n_txt=$(grep -c '^#[0-9]' fields.txt)
n_json=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["relocations"]))' fields.json)
if [[ $n_txt == "$n_json" ]] && grep -q 'POISON' fields.txt; then
	ok "corpus/explain-text ($n_txt relocation lines)"
else
	nok corpus/explain-text "$n_txt text lines for $n_json relocations"
fi

# core check: the same cells as explain, verdict FAIL where a cell is not ok
for p in fields types enums ldx; do
	"$BTFTOOL" core check "obj/$p.o" --target obj/tgt_a.o --target obj/tgt_b.o --json >"$p.check.json" 2>"$p.check.err"
	rc=$?
	python3 - "$p" "$p.json" "$p.check.json" "$rc" <<'EOF' | count
import json, sys
name, ej, cj, rc = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), int(sys.argv[4])
obj = cj['objects'][0]
bad = []
if len(obj['relocations']) != len(ej['relocations']):
    bad.append('%d rows for %d relocations' % (len(obj['relocations']), len(ej['relocations'])))
anyfail = [False] * len(cj['targets'])
for row, r in zip(obj['relocations'], ej['relocations']):
    for t, (cell, res) in enumerate(zip(row['cells'], r['results'])):
        if cell['status'] != res['status'] or (res['status'] != 'error' and cell.get('value') != res.get('new_val')):
            bad.append('#%d target %d: check %s vs explain %s' % (r['index'], t, cell, res['status']))
        anyfail[t] |= res['status'] != 'ok'
verd = obj['programs'][0]['verdicts']
want = ['FAIL' if f else 'ok' for f in anyfail]
if verd != want:
    bad.append('verdicts %s, expected %s' % (verd, want))
if rc != (1 if any(anyfail) else 0):
    bad.append('exit %d' % rc)
print(('not ok corpus/check-%s: ' % name + '; '.join(bad[:5])) if bad else
      'ok corpus/check-%s (%d cells agree with explain)' % (name, len(ej['relocations']) * len(cj['targets'])))
EOF
done

# core reloc refuses an object whose relocations fail, and writes nothing
for c in "ambig tgt_amb" "enums tgt_a" "bitfields tgt_a"; do
	set -- $c
	rm -f "r-$1.o"
	"$BTFTOOL" core reloc "obj/$1.o" --target "obj/$2.o" -o "r-$1.o" >/dev/null 2>"r-$1.err"
	rc=$?
	left=$(ls -a | grep -c "^r-$1\.o")
	if ((rc == 1)) && ((left == 0)) && [[ $(wc -l <"r-$1.err") -ge 1 ]] && grep -q "obj/$1.o" "r-$1.err"; then
		ok "corpus/reloc-refuses-$1"
	else
		nok "corpus/reloc-refuses-$1" "exit $rc, $left output files, stderr: $(oneline <"r-$1.err")"
	fi
done
# ... and relocates the others completely: no CO-RE record left
"$BTFTOOL" core reloc obj/fields.o --target obj/tgt_a.o -o r-fields.o 2>r-fields.err
rc=$?
if ((rc == 0)) && "$BTFTOOL" core explain r-fields.o --target obj/tgt_a.o >r-fields.txt 2>&1 &&
	grep -q ': 0 CO-RE relocations' r-fields.txt && bpftool btf dump file r-fields.o >/dev/null 2>&1; then
	ok corpus/reloc-removes-records
else
	nok corpus/reloc-removes-records "exit $rc: $(oneline <r-fields.err) $(head -1 r-fields.txt)"
fi

# ---------------------------------------------------- 2. libbpf differential
# Known libbpf 1.1 vs newer-libbpf differences would be listed in a KNOWN
# file ("PROG #N reason", see tests/core/libbpf_diff.py); none shows in this
# corpus.  One libbpf quirk the corpus pins down instead (libbpf 1.1 and
# upstream behave the same, so btfx must too): a 32-bit unsigned enumerator
# >= 2^31 read into 64 bits fails validation (libbpf reads it as s32, clang
# encodes it unsigned): enums vs tgt_a, relocation EU_HI; see tgt_a.c.
libbpf_pair() { # name obj target|-
	local name=$1 o=$2 t=$3 f
	f=pair-${name//\//_}
	if [[ $t == - ]]; then
		"$BTFTOOL" core explain "$o" --json >"$f.json" 2>"$f.err"
		./libbpf_load "$o" >"$f.log" 2>&1
	else
		"$BTFTOOL" core explain "$o" --target "$t" --json >"$f.json" 2>"$f.err"
		./libbpf_load "$o" --btf "$t" >"$f.log" 2>&1
	fi
	if [[ ! -s $f.json ]]; then
		nok "$name" "core explain failed: $(oneline <"$f.err")"
		return
	fi
	python3 "$TOOLS/libbpf_diff.py" "$name" "$f.json" "$f.log" | count
	# and the instructions `core reloc` writes are the ones libbpf patches
	# (when no relocation fails: then core reloc writes nothing)
	grep -q '"status":"error"' "$f.json" && return
	[[ $t == - ]] && t=/sys/kernel/btf/vmlinux
	if ! "$BTFTOOL" core reloc "$o" --target "$t" -o "$f.r.o" 2>"$f.r.err"; then
		nok "reloc-insns/${name#*/}" "core reloc failed: $(oneline <"$f.r.err")"
		return
	fi
	python3 "$TOOLS/reloc_vs_libbpf.py" "reloc-insns/${name#*/}" "$f.r.o" "$f.log" | count
}
for p in fields bitfields types enums flavors ldx; do
	for t in tgt_a tgt_b; do
		libbpf_pair "libbpf/$p@$t" "obj/$p.o" "obj/$t.o"
	done
done
libbpf_pair libbpf/enums_noeuhi@tgt_a obj/enums_noeuhi.o obj/tgt_a.o
libbpf_pair libbpf/ambig@tgt_amb obj/ambig.o obj/tgt_amb.o
for n in 1 2 3 4 5 6; do
	libbpf_pair "libbpf/ambig_e$n@tgt_amb" "obj/ambig_e$n.o" obj/tgt_amb.o
done

# the running kernel
can_bpf=0
if [[ -r /sys/kernel/btf/vmlinux ]]; then
	./libbpf_load obj/kern.o >kern-probe.log 2>&1
	grep -q '^LOAD ok' kern-probe.log && can_bpf=1
fi
if ((can_bpf)); then
	libbpf_pair libbpf/kern@vmlinux obj/kern.o -
	# xlated: libbpf's own CO-RE vs btftool core reloc + libbpf without CO-RE
	mkdir -p x-libbpf x-btfx
	"$BTFTOOL" core reloc obj/kern.o --target /sys/kernel/btf/vmlinux -o kern-r.o 2>kern-r.err
	rc=$?
	./libbpf_load obj/kern.o --xlated x-libbpf >x-libbpf.log 2>&1
	./libbpf_load kern-r.o --xlated x-btfx >x-btfx.log 2>&1
	if ((rc != 0)); then
		nok xlated/kern "core reloc exit $rc: $(oneline <kern-r.err)"
	elif ! grep -q '^LOAD ok' x-btfx.log; then
		nok xlated/kern "libbpf could not load the btfx-relocated object: $(grep -E 'LOAD|invalid|error' x-btfx.log | tail -3 | oneline)"
	elif grep -qE "CO-RE relocat|prog '[^']*': relo #" x-btfx.log; then
		nok xlated/kern "libbpf still did CO-RE on the relocated object: $(grep -m2 -E "CO-RE|relo #" x-btfx.log | oneline)"
	else
		nprog=0
		for f in x-libbpf/*.xlated; do
			b=$(basename "$f")
			nprog=$((nprog + 1))
			norm() { sed -E 's/map\[id:[0-9]+\]/map[id:N]/g; s/#-?[0-9]+$//' "$1"; }
			if [[ ! -s x-btfx/$b ]]; then
				nok "xlated/kern/${b%.xlated}" "no dump for the relocated object"
			elif diff <(norm "$f") <(norm "x-btfx/$b") >"$b.diff"; then
				ok "xlated/kern/${b%.xlated} ($(grep -cE '^ *[0-9]+:' "$f") insns identical)"
			else
				nok "xlated/kern/${b%.xlated}" "translated code differs: $(head -6 "$b.diff" | oneline)"
			fi
		done
		((nprog >= 3)) || nok xlated/kern "only $nprog programs dumped"
	fi
else
	skip libbpf/kern "cannot load BPF programs here (root and bpf() needed): $(tail -2 kern-probe.log 2>/dev/null | oneline)"
fi

# other kernels (testdata/fetch-kernels.sh MANIFEST: Debian vmlinuz images):
# btfx reads the vmlinuz, libbpf gets the raw BTF extracted by btftool dump
MANIFEST=$CACHE/kernels/MANIFEST
if [[ -f $MANIFEST ]]; then
	while read -r kname vmlinuz _; do
		[[ -f $vmlinuz ]] || continue
		if ! "$BTFTOOL" dump "$vmlinuz" --format btf -o "k-$kname.btf" 2>"k-$kname.err"; then
			nok "libbpf/kern@$kname" "btftool dump --format btf: $(oneline <"k-$kname.err")"
			continue
		fi
		f=pair-kern-$kname
		"$BTFTOOL" core explain obj/kern.o --target "$vmlinuz" --json >"$f.json" 2>"$f.err"
		./libbpf_load obj/kern.o --btf "k-$kname.btf" >"$f.log" 2>&1
		if [[ ! -s $f.json ]]; then
			nok "libbpf/kern@$kname" "core explain failed: $(oneline <"$f.err")"
			continue
		fi
		python3 "$TOOLS/libbpf_diff.py" "libbpf/kern@$kname" "$f.json" "$f.log" | count
	done <"$MANIFEST"
else
	skip libbpf/kern-kernels "no $MANIFEST (testdata/fetch-kernels.sh)"
fi

# -------------------------------------------------- 3. kernel selftests (peer)
ST_SRC=$CACHE/selftests-6.12
ST_FILES=(prog_tests/core_reloc.c progs/core_reloc_types.h)
fetch_selftests() {
	local deb tmp
	[[ -f $ST_SRC/.complete ]] && return 0
	mkdir -p "$CACHE/debs" || return 1
	deb=$(ls "$CACHE"/debs/linux-source-6.12_*_all.deb 2>/dev/null | tail -1)
	if [[ -z $deb ]]; then
		(cd "$CACHE/debs" && apt-get download linux-source-6.12 >/dev/null 2>&1) || return 1
		deb=$(ls "$CACHE"/debs/linux-source-6.12_*_all.deb 2>/dev/null | tail -1)
		[[ -n $deb ]] || return 1
	fi
	tmp=$(mktemp -d "$CACHE/selftests.XXXXXX") || return 1
	if dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*/linux-source-6.12.tar.xz' |
		tar -xJ -C "$tmp" --wildcards --strip-components=5 \
			'linux-source-6.12/tools/testing/selftests/bpf/progs/test_core_reloc_*.c' \
			'linux-source-6.12/tools/testing/selftests/bpf/progs/btf__core_reloc_*.c' \
			'linux-source-6.12/tools/testing/selftests/bpf/progs/core_reloc_types.h' \
			'linux-source-6.12/tools/testing/selftests/bpf/prog_tests/core_reloc.c' 2>/dev/null &&
		[[ -f $tmp/prog_tests/core_reloc.c ]]; then
		rm -rf "$ST_SRC"
		mv "$tmp" "$ST_SRC" && touch "$ST_SRC/.complete"
	else
		rm -rf "$tmp"
		return 1
	fi
}
if ! fetch_selftests; then
	skip selftests "cannot get linux-source-6.12 (apt-get download) into $CACHE"
else
	mkdir -p st inc/gnu
	: >inc/gnu/stubs-32.h   # the BPF target is not x86-64: glibc's stubs.h asks for this one
	ls "$ST_SRC"/progs/test_core_reloc_*.c "$ST_SRC"/progs/btf__core_reloc_*.c |
		grep -v test_core_reloc_module.c |
		xargs -P 2 -I{} sh -c 'b=$(basename {} .c); '"$CLANG"' -g -O2 --target=bpf -mcpu=v3 -D__TARGET_ARCH_x86 \
			-idirafter /usr/include/x86_64-linux-gnu -idirafter inc -Wno-compare-distinct-pointer-types \
			-c {} -o st/$b.bpf.o 2>st/$b.err || echo "FAIL $b"' >st-build.log 2>&1
	cc -O1 -g -Wall -Wno-sign-compare -Wno-unused-function -I"$TOOLS/stub" -I"$ST_SRC" \
		-o selftest_run "$TOOLS/selftest_run.c" -lbpf 2>>st-build.log || echo "FAIL selftest_run" >>st-build.log
	if grep -q '^FAIL' st-build.log; then
		nok selftests-build "$(grep '^FAIL' st-build.log | oneline) $(cat st/*.err 2>/dev/null | grep -m2 error | oneline)"
	else
		ok "selftests-build ($(ls st/*.bpf.o | wc -l) objects from $(basename "$ST_SRC"))"
		if ((can_bpf)); then
			# libbpf 1.1's own CO-RE first: the reference run, informational
			./selftest_run libbpf st "$BTFTOOL" >st-libbpf.log 2>&1
			echo "# selftests with libbpf 1.1's CO-RE: $(grep -c '^ok' st-libbpf.log) ok," \
				"$(grep -c '^not ok' st-libbpf.log) not ok, $(grep -c '^skip' st-libbpf.log) skipped"
			grep '^not ok' st-libbpf.log | sed 's/^/# libbpf: /'
			# btfx: these are the test cases
			./selftest_run btfx st "$BTFTOOL" >st-btfx.log 2>&1
			rc=$?
			grep -E '^(ok|not ok|skip) ' st-btfx.log | count
			if ((rc > 1)) || ! grep -q '^ok selftest/btfx/' st-btfx.log; then
				nok selftests-run "selftest_run exit $rc: $(tail -3 st-btfx.log | oneline)"
			fi
		else
			skip selftests-run "cannot load BPF programs here"
		fi
		# per relocation, offline: btfx vs libbpf on every pair
		./selftest_run list >st-list.txt
		while IFS=$'\t' read -r name o t fails testmod; do
			((testmod)) && continue
			if [[ $t == - ]]; then
				((can_bpf)) || continue
				tt=-
			else
				tt=st/$t
			fi
			libbpf_pair "selftest-diff/$name" "st/$o" "$tt"
		done <st-list.txt
	fi
fi

# --------------------------------------------------- 4. malformed objects
python3 "$TOOLS/mkbad.py" obj/bad_seed.o bad >bad.list 2>mkbad.err || {
	nok malformed-build "$(oneline <mkbad.err)"
	exit 1
}
bins=("$BTFTOOL")
if [[ $(realpath "$BTFTOOL_SAN" 2>/dev/null) == $(realpath "$BTFTOOL") ]]; then
	: # this run is the sanitizer build itself (make check-san)
elif [[ ! -x $BTFTOOL_SAN || $BTFTOOL -nt $BTFTOOL_SAN ]]; then
	# not a failure even in CI: `make check-san` (.ci/run) runs this whole
	# script again with the sanitizer build as BTFTOOL
	echo "skip malformed-san: no up-to-date sanitizer build at $BTFTOOL_SAN; make check-san covers it"
else
	bins+=("$BTFTOOL_SAN")
fi
for bin in "${bins[@]}"; do
	tag=malformed
	[[ $bin != "$BTFTOOL" ]] && tag=malformed-san
	while IFS=$'\t' read -r f what; do
		n=$(basename "$f" .o)
		ASAN_OPTIONS=detect_leaks=1 timeout 60 "$bin" core explain "$f" --target obj/bad_seed.o \
			>bad.out 2>bad.err
		rc=$?
		why=
		if ((rc >= 124)); then
			why="crashed or hung (exit $rc)"
		elif grep -qE 'Sanitizer|runtime error' bad.err; then
			why="sanitizer: $(grep -m1 -E 'Sanitizer|runtime error' bad.err | oneline)"
		elif ((rc != 2)); then
			why="exit $rc, expected 2 ($what); stdout: $(grep -m1 -E 'ERROR|POISON' bad.out | oneline)"
		elif [[ $(wc -l <bad.err) != 1 ]]; then
			why="$(wc -l <bad.err) stderr lines: $(oneline <bad.err)"
		elif ! grep -qF "$f" bad.err; then
			why="message does not name the file: $(oneline <bad.err)"
		elif [[ -s bad.out ]]; then
			why="output on stdout: $(head -2 bad.out | oneline)"
		fi
		if [[ -n $why ]]; then nok "$tag/$n" "$why"; else ok "$tag/$n"; fi
	done <bad.list
	# `core reloc` on a malformed object: exit 2, no output left behind
	rm -f bad-r.o
	"$bin" core reloc bad/36-ext-recsize4.o --target obj/bad_seed.o -o bad-r.o >/dev/null 2>bad.err
	rc=$?
	if ((rc == 2)) && [[ ! -e bad-r.o ]] && ! grep -q Sanitizer bad.err; then
		ok "$tag/reloc-no-output"
	else
		nok "$tag/reloc-no-output" "exit $rc, output $([[ -e bad-r.o ]] && echo left || echo absent)"
	fi
done
# extended section numbering told the truth: a valid object, same result
TOOLS=$TOOLS python3 -c '
import os, struct, sys
sys.path.insert(0, os.environ["TOOLS"])
import mkbad
e = mkbad.Elf(open("obj/bad_seed.o", "rb").read())
n = e.shnum
e.build()
struct.pack_into("<H", e.d, 0x3c, 0)
mkbad.SHDR.pack_into(e.d, e.shoff, 0, 0, 0, 0, 0, n, 0, 0, 0, 0)
open("honest.o", "wb").write(bytes(e.d))'
"$BTFTOOL" core explain obj/bad_seed.o --target obj/bad_seed.o | tail -n +2 >seed.txt
"$BTFTOOL" core explain honest.o --target obj/bad_seed.o 2>honest.err | tail -n +2 >honest.txt
if [[ -s seed.txt ]] && cmp -s seed.txt honest.txt; then
	ok malformed/33-shnum0-honest
else
	nok malformed/33-shnum0-honest "e_shnum 0 with the true count in shdr[0]: $(oneline <honest.err) $(diff seed.txt honest.txt | head -3 | oneline)"
fi

exit $((nfail > 0))
