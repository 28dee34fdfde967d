#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `btftool sanitize` output judged by real kernels' BPF_BTF_LOAD, through
# `btftool load --btf`: the running kernel, and a Debian 6.1 kernel booted
# under qemu (TCG) with the project's VM loader.
#
# Inputs:
#   - newest.btf: a BPF object's BTF (compiled here: FUNC global/static,
#     kind_flag bitfields, FLOAT, signed ENUM, ENUM64, TYPE_TAG, DECL_TAG on
#     a struct and a parameter, union FWD) with, added through libbtfx's
#     writer, what only the newest kernels know: an __attribute__ TYPE_TAG
#     and DECL_TAG (kind_flag, 6.15), a DATASEC named "?.data.opt" (6.9) and
#     the kind-layout section (7.1);
#   - the running kernel's /sys/kernel/btf/vmlinux (its own newest features:
#     an __attribute__ TYPE_TAG, ENUM64s, DECL_TAGs, ...).
# Expected verdicts:
#   running kernel: newest.btf is rejected (the layout section); newest.btf
#     sanitized --for running and --for 6.1, vmlinux as is and sanitized
#     --for 6.1 are accepted;
#   Debian 6.1 (6.1-new of the kernels MANIFEST), one boot for all files:
#     vmlinux and newest.btf sanitized --for 6.1 are accepted; newest.btf
#     as is, newest.btf sanitized only --for running, and vmlinux as is are
#     rejected, each with the kernel's BTF verifier log naming the problem.
# The rejections show the test can fail: the 6.1 kernel does check what
# sanitize rewrites.
#
# Output: "ok NAME", "not ok NAME: why", "skip NAME: why" (qemu,
# busybox-static or the kernel data missing; not root for the running
# kernel).  A skip fails when CI=true.  Env: BTFTOOL (required), BTFX_CACHE,
# CLANG.  About 30 s (one TCG boot).
set -u
set -o pipefail

BTFTOOL=${BTFTOOL:?BTFTOOL must name the btftool binary}
case $BTFTOOL in /*) ;; *) BTFTOOL=$PWD/$BTFTOOL ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LIBBTFX=$(dirname "$BTFTOOL")/libbtfx.a
MANIFEST=${BTFX_CACHE:-$HOME/.cache/btfx}/kernels/MANIFEST
CLANG=${CLANG:-clang-19}

T=$(mktemp -d "${TMPDIR:-/tmp}/btfx-sanitize-vm.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
cd "$T" || exit 2

. "$HERE/lib/common.sh"
img() { awk -v k="$1" '$1==k{print $2}' "$MANIFEST" 2>/dev/null; }

if [[ ! -x $BTFTOOL ]]; then
	nok btftool-binary "$BTFTOOL is not executable"
	exit 1
fi
for t in "$CLANG" python3 cc; do
	have "$t" || { skip sanitize-vm "$t not found"; exit $((nfail > 0)); }
done
[[ -f $LIBBTFX ]] || { skip sanitize-vm "$LIBBTFX not built"; exit $((nfail > 0)); }

# ------------------------------------------------------------------ inputs
cp "$HERE/lib/feat.bpf.c" feat.bpf.c
cat >mknewest.c <<'EOF'
/* mknewest IN.btf OUT.btf: IN plus an __attribute__ TYPE_TAG and DECL_TAG
 * (kind_flag), a "?.data.opt" DATASEC and the kind-layout section. */
#include <stdio.h>
#include <stdlib.h>
#include <btfx/btfx.h>
#include <btfx/writer.h>
static int fail(const char *what, const char *why)
{
	fprintf(stderr, "mknewest: %s: %s\n", what, why);
	return 1;
}
int main(int argc, char **argv)
{
	struct btfx_error err;
	struct btfx_write_opts wo = { .sz = sizeof(wo), .flags = BTFX_WRITE_VALIDATE, .hdr_len = 32 };
	struct btfx *in;
	struct btfx_writer *w;
	void *data;
	size_t size;
	FILE *f;
	int i32, tt, p, st, v, ds;

	if (argc != 3)
		return 2;
	in = btfx_open(argv[1], NULL, &err);
	if (!in)
		return fail(argv[1], err.msg);
	w = btfx_writer_new_from(in, &err);
	if (!w)
		return fail("writer", err.msg);
	i32 = (int)btfx_find(in, "int", BTFX_KIND_INT);
	if (!i32)
		return fail(argv[1], "no int");
	tt = btfx_writer_add_type_tag(w, "address_space(1)", i32, true);
	p = btfx_writer_add_ref(w, BTFX_KIND_PTR, NULL, tt);
	st = btfx_writer_add_struct(w, "newest", 8);
	if (tt < 0 || p < 0 || st < 0 || btfx_writer_add_member(w, "p", p, 0, 0) < 0 ||
	    btfx_writer_add_decl_tag(w, "aligned(8)", st, -1, true) < 0)
		return fail("tags", btfx_writer_errmsg(w));
	v = btfx_writer_add_var(w, "opt_var", i32, BTFX_LINKAGE_GLOBAL);
	ds = btfx_writer_add_datasec(w, "?.data.opt", 4);
	if (v < 0 || ds < 0 || btfx_writer_add_secinfo(w, v, 0, 4) < 0)
		return fail("datasec", btfx_writer_errmsg(w));
	if (btfx_writer_set_default_layout(w, 20))
		return fail("layout", btfx_writer_errmsg(w));
	if (btfx_writer_write(w, &wo, &data, &size, &err))
		return fail("write", err.msg);
	f = fopen(argv[2], "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		return fail(argv[2], "cannot write");
	free(data);
	btfx_writer_free(w);
	btfx_free(in);
	return 0;
}
EOF
if ! "$CLANG" -g -O2 -target bpf -I"/usr/include/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)" \
	-c feat.bpf.c -o feat.o 2>build.err; then
	nok build-object "$(oneline <build.err)"
	exit 1
fi
if ! libbtfx_cc mknewest mknewest.c; then
	nok build-mknewest "$(oneline <mknewest.err)"
	exit 1
fi
"$BTFTOOL" dump feat.o --format btf -o feat.btf 2>build.err && ./mknewest feat.btf newest.btf 2>>build.err || {
	nok craft-newest "$(oneline <build.err)"
	exit 1
}
# newest.btf holds every feature newer than 6.1: sanitize --for 6.1 says so
"$BTFTOOL" sanitize newest.btf --for 6.1 -o new61.btf --list >l-new61.txt 2>e.txt
rc=$?
miss=
# (6.1 has TYPE_TAG and DECL_TAG: only the kind_flag ones are rewritten)
for w in 'layout section' 'TYPE_TAG -> CONST' 'DECL_TAG -> INT' "DATASEC '\\?'"; do
	grep -Eqi "$w" l-new61.txt || miss+=" [$w]"
done
if ((rc == 0)) && [[ -z $miss ]]; then
	ok "newest-features-rewritten-for-6.1 ($(grep -c . l-new61.txt) kinds of rewrite)"
else
	nok newest-features-rewritten-for-6.1 "exit $rc, missing$miss: $(oneline <l-new61.txt) $(oneline <e.txt)"
fi
"$BTFTOOL" sanitize /sys/kernel/btf/vmlinux --for 6.1 -o vm61.btf 2>e.txt || nok sanitize-vmlinux-6.1 "$(oneline <e.txt)"
cp /sys/kernel/btf/vmlinux vmlinux.btf 2>/dev/null || nok copy-vmlinux "/sys/kernel/btf/vmlinux not readable"
if cmp -s vm61.btf vmlinux.btf; then
	nok vmlinux-needs-sanitizing "sanitize --for 6.1 changed nothing: the 6.1 negative case would prove nothing"
fi
# --for running probes the running kernel (needs CAP_BPF)
ROOTOK=1
[[ $(id -u) == 0 ]] || ROOTOK=0
if ((ROOTOK)); then
	"$BTFTOOL" sanitize newest.btf --for running -o newrun.btf 2>e.txt || nok sanitize-newest-running "$(oneline <e.txt)"
else
	# what the running kernel knows, from the version table
	"$BTFTOOL" sanitize newest.btf --for "$(uname -r)" -o newrun.btf 2>e.txt ||
		nok sanitize-newest-running "$(oneline <e.txt)"
fi

# check REPORT.json NAME FILE STATUS [PATTERN]: the file's verdict (and the
# rejection's message or log matching PATTERN, case-insensitive)
cat >verdicts.py <<'EOF'
"""verdicts.py REPORT.json PREFIX FILE=STATUS[:PATTERN]...: one line per file."""
import json, re, sys
d = json.load(open(sys.argv[1]))
prefix = sys.argv[2]
if 'kernels' in d:  # VM: {"kernels": [{"reports": [...]}]}
    k = d['kernels'][0]
    reps = k.get('reports') or ([k['report']] if k.get('report') else [])
    where = 'kernel %s (%s)' % (k.get('release'), k.get('verdict'))
else:
    reps = d.get('reports') or [d]
    where = 'running kernel'
by = {}
for r in reps:
    if r:
        by[r['object'].rsplit('/', 1)[-1]] = r
for spec in sys.argv[3:]:
    name, want = spec.split('=', 1)
    want, _, pat = want.partition(':')
    n = '%s-%s-%s' % (prefix, name.replace('.btf', ''), want)
    r = by.get(name)
    if not r or 'btf' not in r:
        print('not ok %s: no report for %s on %s' % (n, name, where))
        continue
    b = r['btf']
    got = b['status']
    msg = b.get('message') or ''
    log = b.get('log') or ''
    if got != want:
        print('not ok %s: %s on %s: %s, errno %s: %s' % (n, name, where, got, b.get('errno'), msg[:200]))
    elif want == 'rejected' and not log:
        print('not ok %s: rejected without the kernel verifier log' % n)
    elif pat and not re.search(pat, msg + '\n' + log, re.I):
        print('not ok %s: the kernel says "%s", expected /%s/' % (n, msg[:200], pat))
    else:
        print('ok %s (%s%s)' % (n, r.get('kernel'), ': ' + msg[:120] if want != 'loaded' else ''))
EOF
count() {
	local line
	while IFS= read -r line; do
		echo "$line"
		[[ $line == "not ok "* ]] && nfail=$((nfail + 1))
	done
}

# ------------------------------------------------------------------ errors of load --btf
# exit 2, one line on stderr, nothing on stdout, nothing loaded or booted
err_case() { # NAME ARGS...
	local name=$1
	shift
	"$BTFTOOL" load "$@" >o.txt 2>e.txt
	local rc=$?
	if ((rc == 2)) && (($(wc -l <e.txt) == 1)) && [[ ! -s o.txt ]]; then
		ok "load-btf-error-$name ($(oneline <e.txt))"
	else
		nok "load-btf-error-$name" "exit $rc, $(wc -l <e.txt) lines: $(oneline <e.txt) $(oneline <o.txt)"
	fi
}
err_case no-file --btf
err_case not-btf --btf newest.btf feat.o
err_case missing --btf /nonexistent.btf
err_case with-target --btf newest.btf --target vmlinux.btf
err_case not-btf-before-boot --btf feat.o --kernel /nonexistent/vmlinuz

# ------------------------------------------------------------------ the running kernel
if ((!ROOTOK)); then
	skip running-kernel "not root: BPF_BTF_LOAD needs CAP_BPF"
else
	"$BTFTOOL" load --btf newest.btf newrun.btf new61.btf vmlinux.btf vm61.btf --json >run.json 2>run.err
	rc=$?
	if ((rc != 1)); then
		nok running-exit "exit $rc (expected 1: one file rejected): $(oneline <run.err)"
	fi
	if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' run.json 2>/dev/null; then
		python3 verdicts.py run.json running newest.btf='rejected:btf_header|hdr' newrun.btf=loaded \
			new61.btf=loaded vmlinux.btf=loaded vm61.btf=loaded </dev/null >v.txt 2>&1
		count <v.txt
	else
		nok running-json "not JSON: $(head -c 300 run.json | oneline) $(oneline <run.err)"
	fi
	# text: the rejection with the verifier log's last line
	"$BTFTOOL" load --btf newest.btf >run.txt 2>&1
	rc=$?
	if ((rc == 1)) && grep -q '^newest.btf: BTF, [0-9]* bytes, kernel .*: REJECTED (errno -[0-9]*): ' run.txt &&
		grep -q 'BTF verifier log' run.txt; then
		ok running-text-report
	else
		nok running-text-report "exit $rc: $(oneline <run.txt)"
	fi
fi

# ------------------------------------------------------------------ Debian 6.1 in a VM
K61=$(img 6.1-new)
vm_missing=
have qemu-system-x86_64 || vm_missing="qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
[[ -z $vm_missing ]] && { have busybox || vm_missing="busybox-static not installed"; }
[[ -z $vm_missing ]] && [[ -z $K61 || ! -r $K61 ]] && vm_missing="no 6.1-new kernel in $MANIFEST (testdata/fetch-kernels.sh)"
if [[ -n $vm_missing ]]; then
	skip vm-6.1 "$vm_missing"
else
	mkdir vmtmp
	t0=$EPOCHREALTIME
	TMPDIR=$T/vmtmp "$BTFTOOL" load --btf new61.btf vm61.btf newest.btf newrun.btf vmlinux.btf --kernel "$K61" --accel tcg \
		--timeout 180 --json >vm.json 2>vm.err
	rc=$?
	t1=$EPOCHREALTIME
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b - a}')
	verdict=$(python3 -c 'import json,sys; k=json.load(open(sys.argv[1]))["kernels"][0]; print(k["verdict"], k.get("release"))' vm.json 2>/dev/null)
	if ((rc == 1)) && [[ $verdict == "rejected 6.1."* ]]; then
		ok "vm-6.1-boot ($verdict, $secs s)"
		python3 verdicts.py vm.json vm-6.1 new61.btf=loaded vm61.btf=loaded \
			newest.btf='rejected:btf_header|hdr' newrun.btf='rejected:kind_flag' \
			vmlinux.btf='rejected:kind_flag' </dev/null >v.txt 2>&1
		count <v.txt
	else
		nok vm-6.1-boot "exit $rc, verdict '$verdict' after $secs s: $(oneline <vm.err) $(head -c 400 vm.json | oneline)"
	fi
	# text rendering of several files in one VM
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["objects"]) == 5 and len(d["kernels"][0]["reports"]) == 5' vm.json 2>/dev/null; then
		ok vm-6.1-json-one-report-per-file
	else
		nok vm-6.1-json-one-report-per-file "$(head -c 300 vm.json | oneline)"
	fi
	# nothing left behind: no temporary directory, no qemu using it
	if [[ -n $(ls -A vmtmp) ]]; then
		nok vm-cleanup "left in TMPDIR: $(ls -A vmtmp | oneline)"
	elif pgrep -f "$T/vmtmp" >/dev/null; then
		nok vm-cleanup "a qemu of this test is still running"
	else
		ok vm-cleanup
	fi
fi
exit $((nfail > 0))
