#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# btftool diff OLD NEW --for-object OBJ: the diff restricted to what a BPF
# object's CO-RE relocations use, each relocation decided against OLD and
# NEW.  BPF objects are compiled here by clang-19 (kernel structs defined
# locally with preserve_access_index).
#  - crafted pair (OLD/NEW from C): every change class, each relocation's
#    verdict and values checked against a table written by hand;
#  - real kernels (Debian 6.1 vs 6.12): field offsets checked against
#    `btftool dump -t task_struct` of both files (an independent oracle),
#    known changes (sched_class moved, thread_group gone, enum OID values);
#  - exit 0 when nothing the object uses differs, 1 when something does,
#    2 on error.
# Runner protocol: "ok NAME" / "not ok NAME: why"; exit 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${BTFTOOL:-build/btftool}
MANIFEST=${BTFX_KERNELS:-$HOME/.cache/btfx/kernels}/MANIFEST
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/cli/lib/common.sh
img() { awk -v k="$1" '$1==k{print $2}' "$MANIFEST" 2>/dev/null; }

# errors first (no compiler needed)
"$B" diff --for-object /nonexistent.o /sys/kernel/btf/vmlinux /sys/kernel/btf/vmlinux >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && [ -s "$tmp/e" ] && ok fo_missing_object_exit2 || nok fo_missing_object_exit2 "rc=$rc"

CLANG=$(command -v clang-19 || true)
if [ -z "$CLANG" ] || [ ! -r /usr/include/bpf/bpf_core_read.h ]; then
  skip fo_all "no clang-19 or libbpf headers"
  [ $nfail -eq 0 ]; exit
fi
bpfcc() { "$CLANG" -g -O2 -target bpf -I/usr/include/x86_64-linux-gnu "$@"; }

# ---------------------------------------------------------------- crafted
cat >"$tmp/old.c" <<'C'
struct inner { int x; int y; };
struct other { int x; };
struct s {
	int a; int b; int c; int d; int e; unsigned f:3;
	struct inner in;
	union { int u1; long u2; };
	int *p;
	struct inner q;
};
enum e { E_A = 1, E_B = 2 };
typedef int td_t;
struct gone { int z; };
struct same { int k; };
struct unrelated { int z; };
struct s gs; enum e ge; td_t gt; struct gone gg; struct same gsm; struct other go; struct unrelated gu;
C
cat >"$tmp/new.c" <<'C'
struct inner { int w; int x; int y; };
struct other { int x; };
struct s {
	int a; int ins; int b; long d; unsigned int e; unsigned f:5;
	struct inner in;
	union { int u1; long u2; };
	struct inner p;
	struct other q;
};
enum e { E_A = 1, E_B = 5 };
typedef long td_t;
struct same { int k; };
struct unrelated { long z; };
struct s gs; enum e ge; td_t gt; struct same gsm; struct other go; struct unrelated gu;
C
cat >"$tmp/prog.bpf.c" <<'C'
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#define __pai __attribute__((preserve_access_index))
struct inner { int x; int y; } __pai;
/* a flavor: matched to struct s by its essential name */
struct s___local {
	int a; int b; int c; int d; int e; unsigned f:3;
	struct inner in;
	union { int u1; long u2; };
	int *p;
	struct inner q;
} __pai;
enum e { E_A = 1, E_B = 2 };
typedef int td_t;
struct gone { int z; };
struct same { int k; };
__u64 out;
SEC("raw_tp/x")
int prog(void *ctx)
{
	struct s___local *s = (void *)bpf_get_current_task();
	__u64 v = 0;
	v += BPF_CORE_READ(s, a);
#ifndef ONLY_UNCHANGED
	v += BPF_CORE_READ(s, b);
	v += bpf_core_field_exists(s->c);
	v += bpf_core_field_size(s->d);
	v += __builtin_preserve_field_info(s->e, BPF_FIELD_SIGNED);
	v += BPF_CORE_READ_BITFIELD_PROBED(s, f);
	v += BPF_CORE_READ(s, in.y);
	v += BPF_CORE_READ(s, u1);
	v += (long)BPF_CORE_READ(s, p);
	v += bpf_core_enum_value(enum e, E_B);
	v += bpf_core_type_size(td_t);
	v += bpf_core_type_exists(struct gone);
#endif
	v += bpf_core_enum_value_exists(enum e, E_A);
	v += bpf_core_type_exists(struct same);
	out = v;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
C
if ! { "$CLANG" -g -O2 -target bpf -c "$tmp/old.c" -o "$tmp/old.o" && "$CLANG" -g -O2 -target bpf -c "$tmp/new.c" -o "$tmp/new.o" &&
       bpfcc -c "$tmp/prog.bpf.c" -o "$tmp/prog.o" && bpfcc -DONLY_UNCHANGED -c "$tmp/prog.bpf.c" -o "$tmp/same.o"; }; then
  nok fo_compile "clang-19 failed"
  [ $nfail -eq 0 ]; exit
fi
nrec=$("$B" dump "$tmp/prog.o" --format ext | sed -n 's/^core_relo: \([0-9]*\) records/\1/p')

"$B" diff "$tmp/old.o" "$tmp/new.o" --for-object "$tmp/prog.o" >"$tmp/c.txt"; rc=$?
"$B" diff "$tmp/old.o" "$tmp/new.o" --for-object "$tmp/prog.o" --json >"$tmp/c.json"; rcj=$?
if [ $rc -eq 1 ] && [ $rcj -eq 1 ]; then ok fo_crafted_exit1; else nok fo_crafted_exit1 "rc=$rc json rc=$rcj"; fi

# every relocation: kind, path -> verdict, value on OLD, value on NEW
# (P = poisoned); worked out by hand from old.c/new.c
cat >"$tmp/want.txt" <<'W'
byte_off s.a unchanged 0 0
byte_off s.b relocated 4 8
field_exists s.c gone 1 0
byte_sz s.d size 4 8
signed s.e size 1 0
byte_off s.f size 20 28
byte_sz s.f size 4 4
signed s.f unchanged 0 0
lshift_u64 s.f size 61 59
rshift_u64 s.f size 61 59
byte_off s.in.y relocated 28 40
byte_off s.u1 relocated 32 48
byte_off s.p incompatible 40 P
enumval_value e.E_B value 2 5
type_size td_t size 4 8
type_exists gone gone 1 0
enumval_exists e.E_A unchanged 1 1
type_exists same unchanged 1 1
W
if msg=$(python3 - "$tmp/c.json" "$tmp/want.txt" "$nrec" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = {}
for l in open(sys.argv[2]):
    k, p, v, o, n = l.split()
    want[(k, p)] = (v, o, n)
nrec = int(sys.argv[3])
rel = d['relocations']
bad = []
if d['object']['relocations'] != nrec or len(rel) != nrec:
    bad.append('relocation count %d/%d, dump --format ext says %d' % (d['object']['relocations'], len(rel), nrec))
def val(r):
    return str(r['value']) if r['status'] == 'ok' else 'P'
seen = set()
for r in rel:
    key = (r['kind'], r['path'])
    if key not in want:
        bad.append('unexpected %s %s' % key); continue
    seen.add(key)
    v, o, n = want[key]
    got = (r['core'] if r['affected'] else 'unchanged', val(r['old']), val(r['new']))
    if got != (v, o, n):
        bad.append('%s %s: got %s want %s' % (key + (got, (v, o, n))))
    if r['affected'] != (v != 'unchanged'):
        bad.append('%s %s: affected=%s' % (key + (r['affected'],)))
    for c in r['changes']:
        if c['name'] == 'unrelated':
            bad.append('unrelated change attached to %s %s' % key)
for k in want:
    if k not in seen:
        bad.append('missing %s %s' % k)
names = {t['name'] for t in d['types']}
if 'unrelated' in names or 'other' in names:
    bad.append('types not used by the object are in the diff: %s' % sorted(names))
if d['summary']['changes'] != sum(len(t['changes']) for t in d['types']):
    bad.append('summary.changes does not count the restricted diff')
print('; '.join(bad[:6]) if bad else '%d relocations as expected' % len(rel))
sys.exit(1 if bad else 0)
PY
); then ok fo_crafted_verdicts "$msg"; else nok fo_crafted_verdicts "$msg"; fi

# text: restricted diff (no unrelated type), relocation lines, verdict line
miss=""
for w in "s.b: offset 4 -> 8" "byte_off s.b: 4 -> 8  [relocated]" "field_exists s.c: 1 -> 0  [gone]" \
         "byte_off s.p: 40 -> POISON  [incompatible]" "enumval_value e.E_B: 2 -> 5  [value]" \
         "type_exists gone: 1 -> 0  [gone]" "byte_off s.a: 0  [unchanged]" "on NEW: candidate" \
         "1 that relocates on OLD is poisoned or fails on NEW"; do
  grep -qF -- "$w" "$tmp/c.txt" || miss="$miss [$w]"
done
grep -q "unrelated" "$tmp/c.txt" && miss="$miss [unrelated type shown]"
[ -z "$miss" ] && ok fo_crafted_text || nok fo_crafted_text "missing:$miss"

# an object that only uses what did not change: exit 0
"$B" diff "$tmp/old.o" "$tmp/new.o" --for-object "$tmp/same.o" >"$tmp/s.txt"; rc=$?
if [ $rc -eq 0 ] && grep -q "^CO-RE relocations" "$tmp/s.txt" && [ "$(head -1 "$tmp/s.txt" | cut -c1-5)" = "CO-RE" ] &&
   grep -q ": 0 of [0-9]* CO-RE relocations affected: nothing the program uses changed" "$tmp/s.txt"; then
  ok fo_crafted_unchanged_exit0; else nok fo_crafted_unchanged_exit0 "rc=$rc $(tail -1 "$tmp/s.txt")"; fi

# a file against itself
"$B" diff "$tmp/old.o" "$tmp/old.o" --for-object "$tmp/prog.o" --json >"$tmp/i.json"; rc=$?
if [ $rc -eq 0 ] && python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["types"] == [] and d["object"]["affected"] == 0
assert all(not r["affected"] and r["old"] == r["new"] for r in d["relocations"])' "$tmp/i.json"; then
  ok fo_identity_exit0; else nok fo_identity_exit0 "rc=$rc"; fi

# --stat: counts and the verdict line only; -t narrows the relocations
"$B" diff "$tmp/old.o" "$tmp/new.o" --for-object "$tmp/prog.o" --stat >"$tmp/st.txt"; rc=$?
if [ $rc -eq 1 ] && grep -q '^types: ' "$tmp/st.txt" && grep -q 'CO-RE relocations affected' "$tmp/st.txt" &&
   ! grep -q '#0 ' "$tmp/st.txt"; then ok fo_stat; else nok fo_stat "rc=$rc"; fi
"$B" diff "$tmp/old.o" "$tmp/new.o" --for-object "$tmp/prog.o" -t e --json >"$tmp/t.json"; rc=$?
if [ $rc -eq 1 ] && python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert {t["name"] for t in d["types"]} == {"e"}, d["types"]
assert {r["path"] for r in d["relocations"]} == {"e.E_B", "e.E_A"}, [r["path"] for r in d["relocations"]]
assert d["object"]["selected"] == 2 and d["object"]["affected"] == 1' "$tmp/t.json"; then
  ok fo_type_filter; else nok fo_type_filter "rc=$rc"; fi

# an object without CO-RE relocations: nothing used, exit 0, a warning
"$B" diff "$tmp/old.o" "$tmp/new.o" --for-object "$tmp/old.o" >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 0 ] && grep -q "no CO-RE relocations" "$tmp/e" && ok fo_no_relocations || nok fo_no_relocations "rc=$rc"

# ------------------------------------------------------------ real kernels
k61=$(img 6.1-new); k612=$(img 6.12)
if [ -z "$k61" ] || [ ! -r "$k61" ] || [ ! -r "$k612" ]; then
  skip fo_real_kernels "no kernels in $MANIFEST (testdata/fetch-kernels.sh)"
  [ $nfail -eq 0 ]; exit
fi
"$B" dump "$k61" --format btf -o "$tmp/61.btf" && "$B" dump "$k612" --format btf -o "$tmp/612.btf" ||
  { nok fo_real_kernels "cannot extract BTF"; [ $nfail -eq 0 ]; exit; }

cat >"$tmp/k.bpf.c" <<'C'
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#define __pai __attribute__((preserve_access_index))
struct list_head { struct list_head *next, *prev; } __pai;
struct sched_entity { unsigned long long vruntime; unsigned int on_rq; } __pai;
struct sched_class { int dummy; } __pai;
struct task_struct {
	unsigned int __state; unsigned int flags; int prio;
	struct sched_entity se;
	const struct sched_class *sched_class;
	int pid; int tgid;
	struct task_struct *real_parent;
	struct list_head thread_group;
	char comm[16];
} __pai;
enum OID { OID_sha256WithRSAEncryption = 15 };
enum pid_type { PIDTYPE_PID, PIDTYPE_TGID };
__u64 out;
#ifndef ONLY_UNCHANGED
SEC("tp_btf/sched_process_exec")
int changed(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 v = 0;
	v += (long)BPF_CORE_READ(t, sched_class);
	v += BPF_CORE_READ(t, pid);
	v += BPF_CORE_READ(t, tgid);
	v += (long)BPF_CORE_READ(t, real_parent);
	v += BPF_CORE_READ(t, se.vruntime);
	if (bpf_core_field_exists(t->thread_group))
		v += (long)BPF_CORE_READ(t, thread_group.next);
	v += bpf_core_enum_value(enum OID, OID_sha256WithRSAEncryption);
	out = v;
	return 0;
}
#endif
SEC("tp_btf/sched_process_fork")
int unchanged(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	char comm[16];
	__u64 v = 0;
	v += BPF_CORE_READ(t, flags);
	v += BPF_CORE_READ(t, prio);
	v += BPF_CORE_READ(t, __state);
	bpf_core_read(comm, sizeof(comm), &t->comm);
	v += comm[0] + bpf_core_enum_value(enum pid_type, PIDTYPE_TGID);
	out = v;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
C
bpfcc -c "$tmp/k.bpf.c" -o "$tmp/k.o" && bpfcc -DONLY_UNCHANGED -c "$tmp/k.bpf.c" -o "$tmp/ku.o" ||
  { nok fo_real_compile "clang-19 failed"; [ $nfail -eq 0 ]; exit; }

"$B" diff "$tmp/61.btf" "$tmp/612.btf" --for-object "$tmp/k.o" --json >"$tmp/k.json"; rc=$?
"$B" diff "$tmp/61.btf" "$tmp/612.btf" --for-object "$tmp/k.o" >"$tmp/k.txt"
[ $rc -eq 1 ] && ok fo_61_612_exit1 "$(tail -1 "$tmp/k.txt")" || nok fo_61_612_exit1 "rc=$rc"

# oracle: byte offsets of task_struct's direct members from dump -t
"$B" dump "$tmp/61.btf" -t task_struct >"$tmp/t61.txt"; "$B" dump "$tmp/612.btf" -t task_struct >"$tmp/t612.txt"
if msg=$(python3 - "$tmp/k.json" "$tmp/t61.txt" "$tmp/t612.txt" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
def offs(p):
    o = {}
    for l in open(p):
        m = re.match(r"\s+'([^']+)' type_id=\d+ bits_offset=(\d+)", l)
        if m: o.setdefault(m.group(1), int(m.group(2)) // 8)
    return o
o61, o612 = offs(sys.argv[2]), offs(sys.argv[3])
bad, checked, moved = [], 0, 0
for r in d['relocations']:
    m = re.fullmatch(r'task_struct\.(\w+)', r['path'])
    if r['kind'] != 'byte_off' or not m: continue
    f = m.group(1)
    checked += 1
    old = o61.get(f); new = o612.get(f)
    got_old = r['old'].get('value') if r['old']['status'] == 'ok' else None
    got_new = r['new'].get('value') if r['new']['status'] == 'ok' else None
    if (got_old, got_new) != (old, new):
        bad.append('%s: engine %s->%s, dump %s->%s' % (f, got_old, got_new, old, new))
    if r['affected'] != (old != new):
        bad.append('%s: affected=%s but dump %s->%s' % (f, r['affected'], old, new))
    if old != new:
        moved += 1
        want = 'gone' if new is None else 'relocated'
        if r['core'] != want: bad.append('%s: core %s, want %s' % (f, r['core'], want))
if checked < 8: bad.append('only %d task_struct byte_off relocations' % checked)
print('; '.join(bad[:5]) if bad else '%d task_struct offsets agree with dump -t (%d moved)' % (checked, moved))
sys.exit(1 if bad else 0)
PY
); then ok fo_61_612_offsets_oracle "$msg"; else nok fo_61_612_offsets_oracle "$msg"; fi

# known changes, checked by hand with dump -t
mo=$(sed -n "s/.*'sched_class' type_id=[0-9]* bits_offset=\([0-9]*\).*/\1/p" "$tmp/t61.txt")
mn=$(sed -n "s/.*'sched_class' type_id=[0-9]* bits_offset=\([0-9]*\).*/\1/p" "$tmp/t612.txt")
eo=$("$B" dump "$tmp/61.btf" -t OID | sed -n "s/.*'OID_sha256WithRSAEncryption' val=\([0-9]*\).*/\1/p")
en=$("$B" dump "$tmp/612.btf" -t OID | sed -n "s/.*'OID_sha256WithRSAEncryption' val=\([0-9]*\).*/\1/p")
grep -q "'thread_group'" "$tmp/t61.txt" && ! grep -q "'thread_group'" "$tmp/t612.txt" && tg=gone || tg=present
miss=""
for w in "byte_off task_struct.sched_class: $((mo / 8)) -> $((mn / 8))  [relocated]" \
         "task_struct.sched_class: offset $((mo / 8)) -> $((mn / 8))" \
         "enumval_value OID.OID_sha256WithRSAEncryption: $eo -> $en  [value]" \
         "byte_off task_struct.flags: 44  [unchanged]" "byte_off task_struct.comm: 2976  [unchanged]" \
         "enumval_value pid_type.PIDTYPE_TGID: 1  [unchanged]"; do
  grep -qF -- "$w" "$tmp/k.txt" || miss="$miss [$w]"
done
if [ "$tg" = gone ]; then
  for w in "field_exists task_struct.thread_group: 1 -> 0  [gone]" "task_struct.thread_group.next: 2592 -> POISON  [gone]" \
           "task_struct.thread_group: removed"; do
    grep -qF -- "$w" "$tmp/k.txt" || miss="$miss [$w]"
  done
fi
if [ "$mo" != "$mn" ] && [ "$eo" != "$en" ] && [ -z "$miss" ]; then
  ok fo_61_612_known_changes "sched_class @$((mo / 8)) -> @$((mn / 8)), OID_sha256WithRSAEncryption $eo -> $en, thread_group $tg"
else
  nok fo_61_612_known_changes "mo=$mo mn=$mn eo=$eo en=$en missing:$miss"
fi

# sched_entity is its own type in the diff: se.vruntime is reported there
grep -q "sched_entity.vruntime: member_offset" "$tmp/k.txt" && grep -q "^~ struct sched_entity" "$tmp/k.txt" &&
  ok fo_61_612_nested_named_struct || nok fo_61_612_nested_named_struct "$(grep -n vruntime "$tmp/k.txt" | head -3)"

# the object that only reads unchanged fields still works: exit 0; with
# vmlinuz inputs directly too
"$B" diff "$k61" "$k612" --for-object "$tmp/ku.o" >"$tmp/ku.txt"; rc=$?
if [ $rc -eq 0 ] && grep -q ": 0 of [0-9]* CO-RE relocations affected" "$tmp/ku.txt"; then
  ok fo_61_612_unchanged_exit0 "$(tail -1 "$tmp/ku.txt")"; else nok fo_61_612_unchanged_exit0 "rc=$rc"; fi
"$B" diff "$tmp/612.btf" "$tmp/612.btf" --for-object "$tmp/k.o" >/dev/null; rc=$?
[ $rc -eq 0 ] && ok fo_612_self_exit0 || nok fo_612_self_exit0 "rc=$rc"
[ $nfail -eq 0 ]
