#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `btftool header` (vmlinux.h generator), against real compilers and kernels:
#   - the full header of the running kernel and of every Debian kernel of the
#     MANIFEST (testdata/fetch-kernels.sh) compiles with clang-14 and clang-19
#     (-target bpf -O2 -g), alone and with libbpf's bpf_helpers.h,
#     bpf_tracing.h and bpf_core_read.h, with --assert-layout: sizeof and
#     offsetof of every struct/union member equal the BTF's;
#   - a split (module) BTF with -B; a crafted BPF object full of layout traps;
#   - type-id order (--unsorted) equals Debian's bpftool `format c` line for
#     line, but for the layout fixes (docs/header.md), and the set of type
#     names defined equals bpftool's;
#   - determinism, -o atomic and untouched when unchanged, no partial OUT;
#   - --types subsets compile; unknown names and bad input exit 2;
#   - --from-object: a program rebuilt against the minimal header compiles
#     and has the same CO-RE relocations as against the full header.
#
# Env: BTFTOOL (binary, required), CI=true turns every skip into a failure,
# BTFX_CACHE as for fetch-kernels.sh.  Prints "ok NAME", "not ok NAME: why"
# or "skip NAME: why" per case; exits non-zero if a case failed.
set -u
set -o pipefail

BTFTOOL=${BTFTOOL:?BTFTOOL must name the btftool binary}
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${BTFX_CACHE:-$HOME/.cache/btfx}
MANIFEST=$CACHE/kernels/MANIFEST
SYSBTF=/sys/kernel/btf/vmlinux

T=$(mktemp -d "${TMPDIR:-/tmp}/btfx-header.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

. "$HERE/lib/common.sh"

CLANGS=()
for c in clang-14 clang-19; do have "$c" && CLANGS+=("$c"); done
HAVE_LIBBPF=0
[[ -r /usr/include/bpf/bpf_helpers.h && -r /usr/include/bpf/bpf_tracing.h && -r /usr/include/bpf/bpf_core_read.h ]] &&
	HAVE_LIBBPF=1
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)
[[ -x $BPFTOOL ]] || BPFTOOL=

# ---------------------------------------------------------------- sources

cat >"$T/alone.c" <<'EOF'
#include "vmlinux.h"
EOF

cat >"$T/prog.c" <<'EOF'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(kp, void *arg)
{
	struct task_struct *task = (void *)bpf_get_current_task();

	return BPF_CORE_READ(task, pid) + BPF_CORE_READ(task, mm, total_vm);
}
EOF

# CO-RE round trip: field reads through two structs, existence, enum value
# and type size relocations, a kfunc when the kernel tags them
cat >"$T/core.c" <<'EOF'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sched_switch")
int BPF_PROG(sw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *t = bpf_get_current_task_btf();
	u64 vm = BPF_CORE_READ(t, mm, total_vm);
	int pid = BPF_CORE_READ(prev, pid);
#ifdef HAVE_KFUNC
	struct task_struct *p = bpf_task_from_pid(1);
	if (p)
		bpf_task_release(p);
#endif
	bpf_printk("%lu %d %d", vm, pid, bpf_core_field_exists(t->utime));
	if (bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_ARRAY))
		bpf_printk("array");
	return bpf_core_type_size(struct file);
}
EOF

# a program with its own types and a map, using an enumerator only as a
# constant (no BTF trace: --types NAME adds its enum)
cat >"$T/own.c" <<'EOF'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";
struct my_key { u32 pid, tgid; };
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct my_key);
	__type(value, u64);
} counts SEC(".maps");

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(kp, void *arg)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct my_key k = { BPF_CORE_READ(t, pid), BPF_CORE_READ(t, tgid) };
	u64 one = 1;

	bpf_map_update_elem(&counts, &k, &one, BPF_ANY);
	return 0;
}
EOF

# layouts that need care: built into a BPF object, whose BTF the header
# must reproduce (the emitter's own asserts check it)
cat >"$T/fixture.c" <<'EOF'
typedef unsigned char u8; typedef unsigned short u16; typedef unsigned int u32;
typedef unsigned long long u64;
struct bits { u32 a: 3, b: 5; u32 : 0; u8 c: 2; u64 d: 40; u8 e; u16 f: 9, g: 7; };
struct __attribute__((packed)) pk { u8 a; u32 b; u16 c: 12; u64 d; };
struct __attribute__((packed)) pk_bits { u8 a: 7; u16 b: 14; u32 c: 30; u8 d; };
struct __attribute__((packed, aligned(4))) pk_al { u8 a; u64 b; };
struct al16 { u32 x; } __attribute__((aligned(16)));
struct hold_al { u8 c; struct al16 a; u8 tail; };
union __attribute__((aligned(16))) ual { u32 x; u8 y[3]; };
union u5 { u32 a; u8 b[5]; } __attribute__((packed));
struct nest { int a; union { int b; struct { short c, d; } cd; struct { char e; }; }; struct { u8 f[3]; } g[2]; };
typedef struct { int x; long y; } anon_td;
enum __attribute__((packed)) e8 { E8A = 1, E8B = 200 };
enum __attribute__((packed)) e16 { E16A = -1, E16B = 300 };
enum esigned { ES_NEG = -5, ES_POS = 5 };
enum ebig { EB_HI = 0x80000000u };
enum e64 { E64A = 0x100000000ULL, E64B = 1 };
enum e64s { E64S_MIN = -9223372036854775807LL - 1, E64S_ONE = 1 };
struct enums { enum e8 a; enum e16 b; u8 c; enum esigned d; enum e64 e; enum e64s f; enum ebig g; };
struct arrays { int m[2][3][4]; char *names[4]; int (*fn)(int, const char *); void (*fns[2])(void); int flex[]; };
struct fp { int (*(*get)(int x))(const char *fmt, ...); void (*cb)(struct fp *self); };
struct floats { float f; double d; u8 c; };
struct empty {};
struct hold_empty { int a; struct empty e; int b; };
struct tagged { int __attribute__((btf_type_tag("user"))) *p; int q __attribute__((btf_decl_tag("dq"))); } __attribute__((btf_decl_tag("dt")));
struct self_ref { struct self_ref *next; struct other *o; };
struct other { struct self_ref s; };
struct bits g_bits; struct pk g_pk; struct pk_bits g_pkb; struct pk_al g_pka; struct hold_al g_hal;
union ual g_ual; union u5 g_u5; struct nest g_nest; anon_td g_atd; struct enums g_en;
struct arrays g_arr; struct fp g_fp; struct floats g_fl; struct hold_empty g_he; struct tagged g_tag;
struct other g_oth;
EOF

# Python helpers: the body of a header (prologue, kfunc block and epilogue
# cut), normalized for the comparison with bpftool; the set of names a
# header defines
cat >"$T/hdr.py" <<'EOF'
import re, sys

def body(path):
    s = open(path).read()
    a = s.index('#endif\n\n', s.index('#pragma clang attribute push')) + 8
    while s.startswith('#ifndef __', a):
        a = s.index('#endif\n#endif\n\n' if s.startswith('#ifndef __bpf_fastcall', a) else '#endif\n\n', a)
        a += 15 if s.startswith('#endif\n#endif\n\n', a) else 8
    b = s.rindex('#ifndef BPF_NO_PRESERVE_ACCESS_INDEX')
    t = s[a:b]
    k = t.find('\n/* BPF kfuncs */')
    if k >= 0:
        t = t[:k] + t[t.index('#endif\n\n', k) + 8:]
    return t

# layout fixes btftool makes on top of libbpf 1.1's btf_dump (docs/header.md)
PAD = re.compile(r'^\t+(long|int|short|char): \d+;\n', re.M)
ATTR = re.compile(r'^(\t*\}) __attribute__\(\((packed|mode\(\w+\))\)\)', re.M)
def normalize(t):
    t = t.replace('-9223372036854775807LL - 1', '-9223372036854775808LL')
    t = re.sub(r' __attribute__\(\(btf_decl_tag\("[^"]*"\)\)\)', '', t)
    t = ATTR.sub(r'\1', t)
    t = re.sub(r'^\t+struct \{\n(\t+(long|int|short|char): \d+;\n)+\t+\};\n', '', t, flags=re.M)
    return PAD.sub('', t)

def names(path):
    out = set()
    for blk in body(path).split('\n\n'):
        blk = blk.strip('\n')
        m = re.match(r'(struct|union|enum) (\w+) \{', blk)
        if m:
            out.add((m.group(1), m.group(2)))
            continue
        if blk.startswith('typedef '):
            last = blk.split('\n')[-1]
            m = re.match(r'\}(?: __attribute__\(\(\w+(?:\(\w+\))?\)\))* (\w+);$', last) if last.startswith('}') else None
            if not m:
                # the declarator's name: the first identifier directly
                # followed by ( ) [ ; (type names are followed by a space)
                m = re.search(r'\b(?!typedef\b)(\w+)(?=[()\[;]| __attribute__)', blk[8:])
            out.add(('typedef', m.group(1) if m else blk))
    return out

cmd = sys.argv[1]
if cmd == 'body':
    sys.stdout.write(body(sys.argv[2]))
elif cmd == 'same-body':       # mine bpftool: line-equal after normalization
    a, b = normalize(body(sys.argv[2])), normalize(body(sys.argv[3]))
    if a != b:
        al, bl = a.split('\n'), b.split('\n')
        for i, (x, y) in enumerate(zip(al, bl)):
            if x != y:
                print('line %d: btftool %r, bpftool %r' % (i + 1, x, y)); break
        else:
            print('lengths %d vs %d lines' % (len(al), len(bl)))
        sys.exit(1)
elif cmd == 'same-names':    # mine bpftool
    # equal sets of (kind, name); where both renamed a clash (NAME___N),
    # which of the clashing types got the suffix may differ: then compare
    # the kinds per essential name and the names without kinds
    from collections import Counter
    a, b = names(sys.argv[2]), names(sys.argv[3])
    ess = lambda s: Counter((k, re.sub(r'___\d+$', '', n)) for k, n in s)
    if a != b and (ess(a) != ess(b) or {n for _, n in a} != {n for _, n in b}):
        print('only btftool: %s; only bpftool: %s; of %d' % (sorted(a - b)[:5], sorted(b - a)[:5], len(b)))
        sys.exit(1)
    print('the %d type names defined equal bpftool\'s%s' % (len(a), '' if a == b else
          ' (%d of them: the ___N suffix is on the other clashing type)' % (len(a - b))))
EOF

# ---------------------------------------------------------------- helpers

# compile_header NAME HEADER [SRCS...]: every clang x source must compile
compile_header() {
	local name=$1 hdr=$2 d c src
	shift 2
	local srcs=("$@")
	((${#srcs[@]})) || srcs=(alone prog)
	if ((!${#CLANGS[@]})); then
		skip "$name" "no clang-14/clang-19"
		return
	fi
	d=$(mktemp -d "$T/cc.XXXXXX")
	cp "$hdr" "$d/vmlinux.h"
	for c in "${CLANGS[@]}"; do
		for src in "${srcs[@]}"; do
			if [[ $src == prog ]] && ((!HAVE_LIBBPF)); then
				skip "$name: $c $src" "libbpf headers missing"
				continue
			fi
			if ! "$c" -target bpf -O2 -g -D__TARGET_ARCH_x86 -I"$d" -c "$T/$src.c" -o "$d/$src.o" \
				2>"$d/err"; then
				nok "$name: $c $src" "$(grep -m3 -E 'error' "$d/err" | oneline)"
				rm -rf "$d"
				return
			fi
			if grep -q 'warning:' "$d/err"; then
				nok "$name: $c $src" "warnings: $(grep -m2 'warning:' "$d/err" | oneline)"
				rm -rf "$d"
				return
			fi
		done
	done
	ok "$name ($(grep -c _Static_assert "$hdr") layout asserts, ${CLANGS[*]}, ${srcs[*]})"
	rm -rf "$d"
}

# compare_bpftool NAME BTF [BASE]: --unsorted vs bpftool format c, and names
compare_bpftool() {
	local name=$1 btf=$2 base=${3:-} msg n
	if [[ -z $BPFTOOL ]]; then
		skip "$name: bpftool" "bpftool not installed"
		return
	fi
	if [[ -n $base ]]; then
		"$BPFTOOL" btf dump file "$btf" -B "$base" format c >"$T/b.h" 2>"$T/b.err" ||
			{ skip "$name: bpftool" "bpftool failed: $(oneline <"$T/b.err")"; return; }
		"$BTFTOOL" header "$btf" -B "$base" --unsorted >"$T/m.h" 2>"$T/m.err" ||
			{ nok "$name: --unsorted vs bpftool" "exit $?: $(oneline <"$T/m.err")"; return; }
	else
		"$BPFTOOL" btf dump file "$btf" format c >"$T/b.h" 2>"$T/b.err" ||
			{ skip "$name: bpftool" "bpftool failed: $(oneline <"$T/b.err")"; return; }
		"$BTFTOOL" header "$btf" --unsorted >"$T/m.h" 2>"$T/m.err" ||
			{ nok "$name: --unsorted vs bpftool" "exit $?: $(oneline <"$T/m.err")"; return; }
	fi
	if msg=$(python3 "$T/hdr.py" same-body "$T/m.h" "$T/b.h"); then
		n=$(diff <(python3 "$T/hdr.py" body "$T/m.h") <(python3 "$T/hdr.py" body "$T/b.h") | grep -c '^[<>]')
		ok "$name: --unsorted equals bpftool format c but for $n lines of layout fixes"
	else
		nok "$name: --unsorted vs bpftool" "$msg"
	fi
	"$BTFTOOL" header "$btf" ${base:+-B "$base"} >"$T/s.h" 2>/dev/null
	if msg=$(python3 "$T/hdr.py" same-names "$T/s.h" "$T/b.h"); then
		ok "$name: $msg"
	else
		nok "$name: type names vs bpftool" "$msg"
	fi
}

# core_relos OBJ: the CO-RE records of OBJ, local type ids dropped
core_relos() {
	"$BTFTOOL" dump "$1" --format ext 2>/dev/null | sed -n '/^core_relo/,$p' | sed -E 's/\[[0-9]+\] //'
}

# ---------------------------------------------------------------- running kernel

if [[ -r $SYSBTF ]]; then
	R=$T/run
	mkdir -p "$R"
	if "$BTFTOOL" header --assert-layout -o "$R/vmlinux.h" 2>"$T/err"; then
		compile_header "running kernel: full header" "$R/vmlinux.h"
	else
		nok "running kernel: full header" "exit $?: $(oneline <"$T/err")"
	fi

	# determinism: same bytes, run after run, sorted and id order
	"$BTFTOOL" header >"$R/a.h" && "$BTFTOOL" header >"$R/b.h" && "$BTFTOOL" header "$SYSBTF" >"$R/c.h"
	if cmp -s "$R/a.h" "$R/b.h" && cmp -s "$R/a.h" "$R/c.h" && [[ -s $R/a.h ]]; then
		ok "running kernel: deterministic ($(wc -c <"$R/a.h") bytes, three runs)"
	else
		nok "running kernel: deterministic" "two runs differ"
	fi
	"$BTFTOOL" header --unsorted >"$R/u1.h" && "$BTFTOOL" header --unsorted >"$R/u2.h"
	cmp -s "$R/u1.h" "$R/u2.h" && ok "running kernel: --unsorted deterministic" ||
		nok "running kernel: --unsorted deterministic" "two runs differ"
	grep -q '^#endif /\* __VMLINUX_H__ \*/$' "$R/a.h" && grep -q '^#pragma clang attribute pop$' "$R/a.h" &&
		head -1 "$R/a.h" | grep -q '^#ifndef __VMLINUX_H__$' &&
		ok "running kernel: guard, preserve_access_index pragma, epilogue" ||
		nok "running kernel: prologue/epilogue" "missing guard or pragma"
	if grep -q '"bpf_kfunc"' <("$BTFTOOL" dump "$SYSBTF" 2>/dev/null | grep -m1 "DECL_TAG 'bpf_kfunc'" | sed "s/'/\"/g"); then
		if grep -q '^/\* BPF kfuncs \*/$' "$R/a.h" && grep -q '^extern .* __weak __ksym;$' "$R/a.h"; then
			ok "running kernel: kfunc block ($(grep -c '__weak __ksym;$' "$R/a.h") prototypes)"
		else
			nok "running kernel: kfunc block" "bpf_kfunc tags but no prototypes"
		fi
	fi

	compare_bpftool "running kernel" "$SYSBTF"

	# -o: written atomically, left alone when unchanged, never partial
	O=$R/out.h
	"$BTFTOOL" header -o "$O"
	s1=$(stat -c '%i %y' "$O")
	"$BTFTOOL" header -o "$O"
	s2=$(stat -c '%i %y' "$O")
	if [[ $s1 == "$s2" ]] && cmp -s "$O" "$R/a.h"; then
		ok "-o: identical output leaves OUT untouched (inode and mtime)"
	else
		nok "-o: untouched" "before '$s1', after '$s2'"
	fi
	cp "$O" "$R/saved.h"
	"$BTFTOOL" header /nonexistent/btf -o "$O" 2>"$T/err"
	rc=$?
	if ((rc == 2)) && cmp -s "$O" "$R/saved.h" && grep -q nonexistent "$T/err"; then
		ok "-o: a failed run exits 2 and leaves OUT as it was"
	else
		nok "-o: failed run" "exit $rc, OUT changed or message without the path"
	fi
	"$BTFTOOL" header --types task_struct -o "$O"
	s3=$(stat -c '%i %y' "$O")
	if [[ $s3 != "$s2" ]] && grep -q '^struct task_struct {$' "$O" && ! ls "$R"/out.h.tmp.* >/dev/null 2>&1; then
		ok "-o: changed output replaces OUT (new inode), no temp file left"
	else
		nok "-o: replace" "inode/mtime unchanged or temp file left"
	fi
	rm -f "$R/new.h"
	"$BTFTOOL" header --types no_such_type_xyz -o "$R/new.h" 2>"$T/err"
	rc=$?
	if ((rc == 2)) && grep -q "no_such_type_xyz" "$T/err" && [[ ! -e $R/new.h ]]; then
		ok "--types: an unknown name exits 2, names it, writes nothing"
	else
		nok "--types unknown" "exit $rc, stderr: $(oneline <"$T/err")"
	fi
	"$BTFTOOL" header --types vfs_read >/dev/null 2>"$T/err"
	rc=$?
	((rc == 2)) && grep -q "vfs_read" "$T/err" && ok "--types: a function that is no kfunc exits 2" ||
		nok "--types non-type" "exit $rc: $(oneline <"$T/err")"

	# --types subsets: compile with libbpf's headers, much smaller
	if "$BTFTOOL" header --types task_struct,mm_struct,pt_regs,bpf_map_type --assert-layout -o "$R/sub.h" \
		2>"$T/err"; then
		full=$(grep -c '^struct .* {$' "$R/a.h")
		sub=$(grep -c '^struct .* {$' "$R/sub.h")
		if grep -q '^struct task_struct {$' "$R/sub.h" && grep -q '^enum bpf_map_type {$' "$R/sub.h" &&
			((sub < full)); then
			ok "--types: task_struct,mm_struct,pt_regs,bpf_map_type: $sub of $full struct definitions"
		else
			nok "--types subset" "$sub of $full struct definitions"
		fi
		compile_header "--types subset" "$R/sub.h"
	else
		nok "--types subset" "exit $?: $(oneline <"$T/err")"
	fi

	# --from-object: same CO-RE relocations against the minimal header
	if ((${#CLANGS[@]} && HAVE_LIBBPF)); then
		CC=${CLANGS[-1]}
		D=$T/core
		mkdir -p "$D/full" "$D/min"
		cp "$R/a.h" "$D/full/vmlinux.h"
		kf=
		grep -q ' \*bpf_task_from_pid(' "$R/a.h" && grep -q ' bpf_task_release(' "$R/a.h" && kf=-DHAVE_KFUNC
		if "$CC" -target bpf -O2 -g -D__TARGET_ARCH_x86 $kf -I"$D/full" -c "$T/core.c" -o "$D/full.o" 2>"$T/err" &&
			"$BTFTOOL" header --from-object "$D/full.o" -o "$D/min/vmlinux.h" 2>"$T/err2"; then
			if "$CC" -target bpf -O2 -g -D__TARGET_ARCH_x86 $kf -I"$D/min" -c "$T/core.c" -o "$D/min.o" 2>"$T/err"; then
				core_relos "$D/full.o" >"$D/full.relo"
				core_relos "$D/min.o" >"$D/min.relo"
				n=$(grep -c '<' "$D/full.relo")
				if ((n == 0)); then
					skip "--from-object: CO-RE relocations" "'btftool dump --format ext' prints no CO-RE records"
				elif cmp -s "$D/full.relo" "$D/min.relo"; then
					ok "--from-object: $(wc -c <"$D/min/vmlinux.h") of $(wc -c <"$R/a.h") bytes, same $n CO-RE relocations${kf:+, kfuncs}"
				else
					nok "--from-object: CO-RE relocations" "$(diff "$D/full.relo" "$D/min.relo" | head -4 | oneline)"
				fi
			else
				nok "--from-object: rebuild against the minimal header" "$(grep -m3 error "$T/err" | oneline)"
			fi
		else
			nok "--from-object" "$(cat "$T/err" "$T/err2" 2>/dev/null | grep -m3 -E 'error|btftool' | oneline)"
		fi
		# a map, the program's own types, an enumerator used as a constant
		if "$CC" -target bpf -O2 -g -D__TARGET_ARCH_x86 -I"$D/full" -c "$T/own.c" -o "$D/own.o" 2>"$T/err" &&
			mkdir -p "$D/own" &&
			"$BTFTOOL" header --from-object "$D/own.o" --types BPF_ANY -o "$D/own/vmlinux.h" 2>"$T/err" &&
			"$CC" -target bpf -O2 -g -D__TARGET_ARCH_x86 -I"$D/own" -c "$T/own.c" -o "$D/own2.o" 2>"$T/err"; then
			ok "--from-object + --types BPF_ANY (an enumerator): a map program rebuilds"
		else
			nok "--from-object + --types BPF_ANY" "$(grep -m3 -E 'error|btftool' "$T/err" | oneline)"
		fi
	else
		skip "--from-object round trip" "needs clang and libbpf headers"
	fi

	# bad input
	echo "not btf at all" >"$T/garbage"
	"$BTFTOOL" header "$T/garbage" >/dev/null 2>"$T/err"
	rc=$?
	((rc == 2)) && grep -q garbage "$T/err" && ok "bad input: exit 2, message names the file" ||
		nok "bad input" "exit $rc: $(oneline <"$T/err")"
	"$BTFTOOL" header --bogus >/dev/null 2>&1
	(($? == 2)) && ok "unknown option: exit 2" || nok "unknown option" "exit not 2"
else
	skip "running kernel" "$SYSBTF not readable"
fi

# ---------------------------------------------------------------- crafted object

if ((${#CLANGS[@]})); then
	F=$T/fx
	mkdir -p "$F"
	if "${CLANGS[-1]}" -g -O2 -target bpf -c "$T/fixture.c" -o "$F/fixture.o" 2>"$T/err"; then
		if "$BTFTOOL" header --assert-layout "$F/fixture.o" >"$F/fx.h" 2>"$T/err"; then
			compile_header "layout fixture object" "$F/fx.h" alone
			compare_bpftool "layout fixture object" "$F/fixture.o"
		else
			nok "layout fixture object" "exit $?: $(oneline <"$T/err")"
		fi
	else
		nok "layout fixture object" "clang: $(oneline <"$T/err")"
	fi
fi

# ---------------------------------------------------------------- Debian kernels

if [[ -r $MANIFEST ]]; then
	while read -r label vmlinuz moddir; do
		[[ -n $label && -r $vmlinuz ]] || continue
		K=$T/k-$label
		mkdir -p "$K"
		if "$BTFTOOL" header "$vmlinuz" --assert-layout -o "$K/vmlinux.h" 2>"$T/err"; then
			compile_header "$label: full header" "$K/vmlinux.h"
		else
			nok "$label: full header" "exit $?: $(oneline <"$T/err")"
			continue
		fi
		# bpftool reads raw BTF, which btftool extracts from the vmlinuz
		if "$BTFTOOL" dump "$vmlinuz" --format btf -o "$K/vmlinux.btf" 2>/dev/null; then
			compare_bpftool "$label" "$K/vmlinux.btf"
		else
			skip "$label: bpftool" "cannot extract raw BTF"
		fi
		# a module: split BTF on the vmlinuz with -B
		if [[ $label == 6.12 ]]; then
			mod=$(find "$moddir" -name 'nf_conntrack.ko*' 2>/dev/null | head -1)
			if [[ -n $mod ]] && "$BTFTOOL" header "$mod" -B "$vmlinuz" --assert-layout -o "$K/mod.h" 2>"$T/err"; then
				if grep -q '^struct nf_conntrack_net {$' "$K/mod.h"; then
					compile_header "$label: module nf_conntrack with -B" "$K/mod.h" alone
				else
					nok "$label: module with -B" "module types missing"
				fi
			else
				nok "$label: module with -B" "no module or exit: $(oneline <"$T/err")"
			fi
		fi
	done <"$MANIFEST"
else
	skip "Debian kernels" "no $MANIFEST (run testdata/fetch-kernels.sh)"
fi

((nfail == 0))
