#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `btftool sanitize`: BTF rewritten for older kernels.
#
# Inputs: a BPF object compiled here whose BTF uses every feature a kernel
# may lack (FUNC global/static, kind_flag bitfields of ints and of a signed
# enum, FLOAT, signed ENUM, signed ENUM64, TYPE_TAG, DECL_TAG on a struct and
# on a parameter, a union FWD), and the running kernel's own BTF (DATASEC,
# VARs, hundreds of DECL_TAGs, ENUM64s).  For every kernel version of the
# feature table, and for `--for running`:
#   - the running kernel accepts the output (BPF_BTF_LOAD through libbpf's
#     bpf_btf_load, in a small loader compiled here);
#   - every STRUCT/UNION keeps its size, member names, bit offsets and
#     bitfield sizes (kind_flag or legacy INT encoding), type ids are kept;
#   - nothing the version lacks is left (the --list report says what was
#     rewritten).
# Also: the probed features of the running kernel equal the table's for
# its version, split (module) BTF stays split, errors are one line with
# exit 2 and leave an existing output alone.
#
# Output: "ok NAME" / "not ok NAME: why" / "skip NAME: why" (a skip fails
# when CI=true).  Env: BTFTOOL (required), BTFX_CACHE, CLANG.
set -u
set -o pipefail
shopt -s lastpipe   # count() updates nfail at the end of pipelines

BTFTOOL=${BTFTOOL:?BTFTOOL must name the btftool binary}
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${BTFX_CACHE:-$HOME/.cache/btfx}
MANIFEST=$CACHE/kernels/MANIFEST
CLANG=${CLANG:-clang-19}
case $BTFTOOL in /*) ;; *) BTFTOOL=$PWD/$BTFTOOL ;; esac

T=$(mktemp -d "${TMPDIR:-/tmp}/btfx-sanitize.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
cd "$T" || exit 2

. "$HERE/lib/common.sh"
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
for t in "$CLANG" python3 cc; do
	have "$t" || { skip sanitize-prerequisites "$t not found"; exit $((nfail > 0)); }
done

cp "$HERE/lib/feat.bpf.c" feat.bpf.c
cat >btfload.c <<'EOF'
/* btfload FILE: BPF_BTF_LOAD through libbpf; "ok" or "fail ERRNO: log" */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
int main(int argc, char **argv)
{
	static char log[1 << 22];
	FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
	long n;
	void *d;
	int e;
	if (!f)
		return 2;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	d = malloc(n ? n : 1);
	if (fread(d, 1, n, f) != (size_t)n)
		return 2;
	if (bpf_btf_load(d, n, NULL) >= 0) {
		printf("ok\n");
		return 0;
	}
	e = errno;
	{
		LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log, .log_size = sizeof(log), .log_level = 1);
		char *last;
		bpf_btf_load(d, n, &o);
		while ((last = strrchr(log, '\n')) && !last[1] && last > log)
			*last = 0;
		last = strrchr(log, '\n');
		printf("fail %d: %s\n", e, last ? last + 1 : log);
	}
	return 1;
}
EOF
cat >layout.py <<'EOF'
"""layout.py NAME IN.json OUT.json: structs/unions keep size, members,
offsets and bitfield sizes; type ids are kept (OUT may append types)."""
import json, sys
name, a, b = sys.argv[1], json.load(open(sys.argv[2]))['types'], json.load(open(sys.argv[3]))['types']
ta = {t['id']: t for t in a}
tb = {t['id']: t for t in b}
def resolve(types, i):
    for _ in range(64):
        t = types.get(i)
        if not t or t['kind'] not in ('TYPEDEF', 'CONST', 'VOLATILE', 'RESTRICT', 'TYPE_TAG'):
            return t
        i = t['type_id']
def bits(types, m):
    t = resolve(types, m['type_id'])
    n = m.get('bitfield_size')
    if n is None:
        n = t['nr_bits'] if t and t['kind'] == 'INT' else 0
    size = t.get('size') if t else None
    return 0 if size is not None and n == size * 8 else n
bad = []
if len(b) < len(a):
    bad.append('%d types out of %d' % (len(b), len(a)))
n = 0
for i, x in ta.items():
    if x['kind'] not in ('STRUCT', 'UNION'):
        continue
    y = tb.get(i)
    n += 1
    if not y or y['kind'] != x['kind'] or y['size'] != x['size'] or len(y['members']) != len(x['members']):
        bad.append('[%d] %s %s changed' % (i, x['kind'], x['name']))
        continue
    for k, (ma, mb) in enumerate(zip(x['members'], y['members'])):
        if ma['name'] != mb['name'] or ma['bits_offset'] != mb['bits_offset'] or bits(ta, ma) != bits(tb, mb):
            bad.append('[%d] %s member %d: %s@%d:%d -> %s@%d:%d' % (i, x['name'], k, ma['name'], ma['bits_offset'],
                       bits(ta, ma), mb['name'], mb['bits_offset'], bits(tb, mb)))
            break
print(('not ok %s: ' % name + '; '.join(bad[:3])) if bad else 'ok %s (%d structs/unions kept)' % (name, n))
EOF
if ! "$CLANG" -g -O2 -target bpf -I/usr/include/x86_64-linux-gnu -c feat.bpf.c -o feat.o 2>build.err; then
	nok build "$(oneline <build.err)"
	exit 1
fi
have_loader=1
cc -O1 -o btfload btfload.c -lbpf 2>>build.err || have_loader=0
if ((!have_loader)); then
	skip kernel-load "cannot build the loader (libbpf-dev): $(tail -1 build.err | oneline)"
elif [[ $(id -u) != 0 ]]; then
	skip kernel-load "not root: BPF_BTF_LOAD needs CAP_BPF"
	have_loader=0
fi

# the object's BTF as it is: the running kernel knows every feature in it
"$BTFTOOL" dump feat.o --format btf -o feat.btf
"$BTFTOOL" dump feat.o --format json >feat.json
if ((have_loader)); then
	r=$(./btfload feat.btf)
	if [[ $r == ok ]]; then ok object-btf-loads-as-is; else nok object-btf-loads-as-is "$r"; fi
fi

# ------------------------------------------------------------------ versions
# kinds each version lacks, checked in the output's raw dump
lacks() { # VERSION -> regex of what must not appear
	case $1 in
	4.18) echo "^\[[0-9]+\] (FUNC|FUNC_PROTO|VAR|DATASEC|FLOAT|DECL_TAG|TYPE_TAG|ENUM64) |encoding=SIGNED size=[0-9]+ vlen|fwd_kind=union" ;;
	5.0 | 5.2) echo "^\[[0-9]+\] (FLOAT|DECL_TAG|TYPE_TAG|ENUM64) |linkage=global|^\[[0-9]+\] ENUM '[^']*' encoding=SIGNED" ;;
	5.6) echo "^\[[0-9]+\] (FLOAT|DECL_TAG|TYPE_TAG|ENUM64) |^\[[0-9]+\] ENUM '[^']*' encoding=SIGNED" ;;
	5.13) echo "^\[[0-9]+\] (DECL_TAG|TYPE_TAG|ENUM64) |^\[[0-9]+\] ENUM '[^']*' encoding=SIGNED" ;;
	5.16) echo "^\[[0-9]+\] (TYPE_TAG|ENUM64) |^\[[0-9]+\] ENUM '[^']*' encoding=SIGNED" ;;
	5.17) echo "^\[[0-9]+\] ENUM64 |^\[[0-9]+\] ENUM '[^']*' encoding=SIGNED" ;;
	*) echo '^$^' ;;
	esac
}
for v in 4.18 5.0 5.2 5.6 5.13 5.16 5.17 6.0 6.9 6.15 7.1 running; do
	n=object-for-$v
	"$BTFTOOL" sanitize feat.o --for "$v" -o "s-$v.btf" --list >"l-$v.txt" 2>"e-$v.txt"
	rc=$?
	if ((rc != 0)) || [[ -s e-$v.txt ]]; then
		nok "$n" "exit $rc: $(oneline <"e-$v.txt")"
		continue
	fi
	if ((have_loader)); then
		r=$(./btfload "s-$v.btf")
		if [[ $r == ok ]]; then ok "$n-loads"; else nok "$n-loads" "$r"; fi
	fi
	"$BTFTOOL" dump "s-$v.btf" --format json >"s-$v.json" 2>/dev/null &&
		"$BTFTOOL" dump "s-$v.btf" >"s-$v.txt" 2>/dev/null || {
		nok "$n" "the output does not read back"
		continue
	}
	python3 layout.py "$n-layout" feat.json "s-$v.json" | count
	if grep -Eq "$(lacks "$v")" "s-$v.txt"; then
		nok "$n-rewritten" "left: $(grep -E "$(lacks "$v")" "s-$v.txt" | head -2 | oneline)"
	else
		ok "$n-rewritten ($(grep -vc nothing "l-$v.txt") kinds of rewrite)"
	fi
done
if cmp -s s-7.1.btf feat.btf && grep -q 'nothing to rewrite' l-7.1.txt; then
	ok object-for-7.1-unchanged
else
	nok object-for-7.1-unchanged "a kernel with every feature should get the same bytes"
fi

# ------------------------------------------------------------------ the running kernel's BTF
if [[ -r /sys/kernel/btf/vmlinux ]]; then
	"$BTFTOOL" dump /sys/kernel/btf/vmlinux --format json >vm.json
	for v in 4.18 5.1 5.15; do
		n=vmlinux-for-$v
		if ! "$BTFTOOL" sanitize /sys/kernel/btf/vmlinux --for "$v" -o "vm-$v.btf" 2>"e.txt"; then
			nok "$n" "$(oneline <e.txt)"
			continue
		fi
		if ((have_loader)); then
			r=$(./btfload "vm-$v.btf")
			if [[ $r == ok ]]; then ok "$n-loads"; else nok "$n-loads" "$r"; fi
		fi
		"$BTFTOOL" dump "vm-$v.btf" --format json >"vm-$v.json" 2>/dev/null
		python3 layout.py "$n-layout" vm.json "vm-$v.json" | count
	done
else
	skip vmlinux "/sys/kernel/btf/vmlinux not readable"
fi

# ------------------------------------------------------------------ probing
rel=$(uname -r)
if ((have_loader)); then
	"$BTFTOOL" sanitize --for running --features >f-run.txt 2>f-run.err
	"$BTFTOOL" sanitize --for "$rel" --features >f-rel.txt 2>&1
	if [[ -s f-run.txt ]] && cmp -s <(tail -n +2 f-run.txt) <(tail -n +2 f-rel.txt); then
		ok "probed-features-equal-table ($rel)"
	else
		nok probed-features-equal-table "running: $(tail -n +2 f-run.txt | oneline) $(oneline <f-run.err); table for $rel: $(tail -n +2 f-rel.txt | oneline)"
	fi
	"$BTFTOOL" sanitize feat.o --for "$rel" -o s-rel.btf 2>/dev/null
	if cmp -s s-rel.btf s-running.btf; then ok running-equals-version; else nok running-equals-version "outputs differ"; fi
fi

# ------------------------------------------------------------------ split BTF
mod=
if [[ -f $MANIFEST ]]; then
	read -r label vmlinuz moddir _ < <(grep -v '^#' "$MANIFEST" | head -1)
	for ext in .ko .ko.xz .ko.zst; do
		[[ -f $moddir/kernel/fs/ext4/ext4$ext ]] && { mod=$moddir/kernel/fs/ext4/ext4$ext; break; }
	done
fi
if [[ -n $mod ]]; then
	if "$BTFTOOL" sanitize "$mod" -B "$vmlinuz" --for 5.1 -o mod.btf 2>e.txt &&
		"$BTFTOOL" dump "$mod" -B "$vmlinuz" --format json >mod-in.json &&
		"$BTFTOOL" dump mod.btf -B "$vmlinuz" --format json >mod-out.json 2>e2.txt; then
		python3 layout.py split-module-$label mod-in.json mod-out.json | count
	else
		nok split-module "$(oneline <e.txt) $(oneline <e2.txt 2>/dev/null)"
	fi
else
	skip split-module "no Debian kernel with ext4 in $MANIFEST"
fi

# ------------------------------------------------------------------ errors
err_case() { # NAME ARGS...: exit 2, one line, the existing output untouched
	local name=$1
	shift
	cp feat.btf keep.btf
	"$BTFTOOL" "$@" >/dev/null 2>err.txt
	local rc=$?
	if ((rc == 2)) && (($(wc -l <err.txt) == 1)) && cmp -s keep.btf feat.btf && ! ls | grep -q '\.tmp\.'; then
		ok "error-$name ($(oneline <err.txt))"
	else
		nok "error-$name" "exit $rc, $(wc -l <err.txt) lines: $(oneline <err.txt)"
	fi
}
echo garbage >garbage.bin
err_case no-for sanitize feat.o -o keep.btf
err_case bad-version sanitize feat.o --for banana -o keep.btf
err_case too-old sanitize feat.o --for 4.17 -o keep.btf
err_case no-output sanitize feat.o --for 5.2
err_case not-btf sanitize garbage.bin --for 5.2 -o keep.btf
err_case missing-file sanitize /nonexistent --for 5.2 -o keep.btf
err_case two-files sanitize feat.o feat.o --for 5.2 -o keep.btf
exit $((nfail > 0))
