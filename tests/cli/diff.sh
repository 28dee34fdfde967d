#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# btftool diff: exit codes, output modes, and real kernel pairs checked
# against an independent oracle computed from `btftool dump --format json`
# (for every struct/union name unique in both BTFs: reported changed iff its
# size, or the offset, size, bitfield size or type name of a named member
# (CO-RE path) differs), plus known changes verified with `btftool dump -t`.
# Runner protocol: "ok NAME" / "not ok NAME: why"; exit 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${BTFTOOL:-build/btftool}
VMLINUX=${VMLINUX_BTF:-/sys/kernel/btf/vmlinux}
MANIFEST=${BTFX_KERNELS:-$HOME/.cache/btfx/kernels}/MANIFEST
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/cli/lib/common.sh
img() { awk -v k="$1" '$1==k{print $2}' "$MANIFEST" 2>/dev/null; }

cat >"$tmp/oracle.py" <<'PY'
# oracle.py OLD.json NEW.json DIFF.json  (dump --format json x2, diff --json)
import json, sys
def load(p):
    return {x['id']: x for x in json.load(open(p))['types']}
def mk(types):
    memo = {}
    def skip(i, td):
        d = 0
        while i and d < 64:
            t = types[i]
            if t['kind'] in ('CONST', 'VOLATILE', 'RESTRICT', 'TYPE_TAG') or (td and t['kind'] == 'TYPEDEF'):
                i = t['type_id']; d += 1
            else:
                break
        return i
    def tname(i, d=0):
        if i == 0: return 'void'
        if d > 40: return '?'
        if i in memo: return memo[i]
        t = types[i]; k = t['kind']
        if k == 'PTR': r = tname(t['type_id'], d + 1) + '*'
        elif k in ('CONST', 'VOLATILE', 'RESTRICT'): r = k.lower() + ' ' + tname(t['type_id'], d + 1)
        elif k == 'TYPE_TAG': r = tname(t['type_id'], d + 1)
        elif k == 'ARRAY': r = tname(t['type_id'], d + 1) + '[%d]' % t['nr_elems']
        elif k == 'FUNC_PROTO':
            r = tname(t['ret_type_id'], d + 1) + '(' + ','.join(tname(p['type_id'], d + 1) for p in t['params']) + ')'
        elif k in ('STRUCT', 'UNION', 'ENUM', 'ENUM64', 'FWD'):
            kk = {'ENUM64': 'ENUM'}.get(k, k)
            if k == 'FWD': kk = 'UNION' if t['fwd_kind'] == 'union' else 'STRUCT'
            r = kk + ' ' + t['name']
        else: r = t['name']
        memo[i] = r
        return r
    def size(i, d=0):
        i = skip(i, True)
        if i == 0 or d > 40: return 0
        t = types[i]
        if t['kind'] == 'ARRAY': return t['nr_elems'] * size(t['type_id'], d + 1)
        if t['kind'] == 'PTR': return 8
        return t.get('size', 0)
    def flat(t, base, prefix, out, d=0):
        for m in t['members']:
            off = base + m['bits_offset']
            bsz = m.get('bitfield_size', 0)
            rt = types.get(skip(m['type_id'], False))
            anon = rt is not None and rt['kind'] in ('STRUCT', 'UNION') and rt['name'] == '(anon)'
            rtt = types.get(skip(m['type_id'], True))
            if not bsz and rtt and rtt['kind'] == 'INT' and rtt['nr_bits'] != rtt['size'] * 8:
                bsz = rtt['nr_bits']; off += rtt['bits_offset']
            if m['name'] == '(anon)':
                if anon and d < 32: flat(rt, off, prefix, out, d + 1)
                continue
            p = prefix + '.' + m['name']
            out.setdefault(p, (off, size(m['type_id']), bsz, tname(m['type_id'])))
            if anon and d < 32: flat(rt, off, p, out, d + 1)
        return out
    return flat
def index(types):
    by = {}
    for i, t in types.items():
        if t['kind'] in ('STRUCT', 'UNION') and t['name'] != '(anon)':
            by.setdefault((t['kind'], t['name']), []).append(i)
    return by
a, b = load(sys.argv[1]), load(sys.argv[2])
d = json.load(open(sys.argv[3]))
reported = {(x['kind'].upper(), x['name']) for x in d['types'] if x['status'] == 'changed'}
ia, ib = index(a), index(b)
fa, fb = mk(a), mk(b)
checked = disagree = changed_n = 0
for key, ids in ia.items():
    if len(ids) != 1 or len(ib.get(key, [])) != 1: continue
    ta, tb = a[ids[0]], b[ib[key][0]]
    checked += 1
    changed = ta['size'] != tb['size'] or fa(ta, 0, key[1], {}) != fb(tb, 0, key[1], {})
    changed_n += changed
    if changed != (key in reported):
        disagree += 1
        if disagree <= 5: print('disagree:', key, 'oracle:', 'changed' if changed else 'same')
print(f'{checked} unique struct/union names, {changed_n} changed, {disagree} disagreements')
sys.exit(1 if disagree or checked < 100 else 0)
PY

# ---- crafted BTF from C (clang), when clang is there ----
CLANG=$(command -v clang-19 || command -v clang || true)
if [ -n "$CLANG" ]; then
  cat >"$tmp/a.c" <<'C'
struct inner { int a; };
struct s { int a; int b; int c; unsigned f:3; struct inner in; union { int x; }; };
enum e { A = 1, B = 2, C = 3 };
typedef int td;
int f(int a, int b) { return a + b; }
struct s gs; enum e ge; td gt; struct { int q; } gone;
C
  cat >"$tmp/b.c" <<'C'
struct inner { int a; int b; };
struct s { long a; int c; unsigned f:5; struct inner in; int d; union { int x; long y; }; };
enum e { A = 1, B = 5, D = 4 };
typedef long td;
unsigned f(long a, int c, int d) { return a + c + d; }
struct s gs; enum e ge; td gt;
C
  "$CLANG" -g -c -O2 -target bpf "$tmp/a.c" -o "$tmp/a.o" && "$CLANG" -g -c -O2 -target bpf "$tmp/b.c" -o "$tmp/b.o"
  "$B" diff "$tmp/a.o" "$tmp/b.o" >"$tmp/ab.txt"; rc=$?
  want=("s: size 24 -> 40" "s.a: type 'int' -> 'long'" "s.b: removed" "s.c: offset 8 -> 8" "s.f: bitfield 3 -> 5"
        "s.in: size 4 -> 8" "s.y: added" "s.d: added" "e.B: value 2 -> 5" "e.C: removed" "e.D: added"
        "td: target 'int' -> 'long'" "f: return type 'int' -> 'unsigned int'" "f: parameters 2 -> 3"
        "f(a): parameter 1 type 'int' -> 'long'" "f(b): parameter 2 name 'b' -> 'c'"
        "s.(anon union @ 20): size 4 -> 8" "s.x: offset 20 -> 32" "- var gone: removed")
  miss=""
  for w in "${want[@]}"; do
    [ "$w" = "s.c: offset 8 -> 8" ] && continue
    grep -qF -- "$w" "$tmp/ab.txt" || miss="$miss [$w]"
  done
  if [ $rc -eq 1 ] && [ -z "$miss" ]; then ok diff_crafted_from_c; else nok diff_crafted_from_c "rc=$rc missing:$miss"; fi
  "$B" diff "$tmp/a.o" "$tmp/a.o" >"$tmp/aa.txt"; rc=$?
  if [ $rc -eq 0 ] && [ ! -s "$tmp/aa.txt" ]; then ok diff_crafted_identity; else nok diff_crafted_identity "rc=$rc"; fi
else
  skip diff_crafted_from_c "no clang"
fi

# ---- a file against itself: no output, exit 0 ----
if [ -r "$VMLINUX" ]; then
  "$B" diff "$VMLINUX" "$VMLINUX" >"$tmp/self.txt"; rc=$?
  if [ $rc -eq 0 ] && [ ! -s "$tmp/self.txt" ]; then ok diff_self_running_kernel; else nok diff_self_running_kernel "rc=$rc"; fi
fi

# ---- errors: exit 2 ----
"$B" diff /nonexistent "$VMLINUX" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok diff_missing_file_exit2 || nok diff_missing_file_exit2 "rc=$rc"
"$B" diff --kind bogus "$VMLINUX" "$VMLINUX" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok diff_bad_kind_exit2 || nok diff_bad_kind_exit2 "rc=$rc"
"$B" diff "$VMLINUX" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok diff_one_file_exit2 || nok diff_one_file_exit2 "rc=$rc"
"$B" diff --for-object "$tmp/missing.o" "$VMLINUX" "$VMLINUX" >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q 'missing.o' "$tmp/e" && ok diff_for_object_missing_exit2 || nok diff_for_object_missing_exit2 "rc=$rc"

# ---- real kernel pairs ----
old=$(img 6.1-old); new=$(img 6.1-new); rt=$(img 6.1-rt); k612=$(img 6.12)
if [ -z "$new" ] || [ ! -r "$new" ]; then
  skip diff_real_pairs "no kernels in $MANIFEST (testdata/fetch-kernels.sh)"
  [ $nfail -eq 0 ]; exit
fi
for k in 6.1-old 6.1-new 6.1-rt 6.12; do
  f=$(img $k); [ -r "$f" ] && "$B" dump "$f" --format btf -o "$tmp/$k.btf"
done

# 6.1-old vs 6.1-new (vmlinuz inputs directly): exit 1, and every
# type reported added/removed is verified with dump -t: a FUNC reported
# removed has more copies of that name in OLD than NEW, or another prototype
"$B" diff "$old" "$new" >"$tmp/d1.txt"; rc=$?
if [ $rc -eq 1 ] && [ -s "$tmp/d1.txt" ]; then ok diff_61old_61new_exit1 "$(wc -l <"$tmp/d1.txt") lines"; else nok diff_61old_61new_exit1 "rc=$rc"; fi
"$B" diff --json "$tmp/6.1-old.btf" "$tmp/6.1-new.btf" >"$tmp/d1.json"
python3 - "$tmp/d1.json" >"$tmp/d1.names" <<'PY'
import json, sys
for t in json.load(open(sys.argv[1]))['types'][:10]:
    if t['kind'] == 'func' and t['status'] in ('added', 'removed'):
        print(t['name'], t['status'])
PY
verified=0; bad=""
while read -r name status; do
  no=$("$B" dump "$tmp/6.1-old.btf" -t "$name" | grep -c "FUNC '$name'")
  nn=$("$B" dump "$tmp/6.1-new.btf" -t "$name" | grep -c "FUNC '$name'")
  po=$("$B" dump "$tmp/6.1-old.btf" -t "$name" | grep -o "type_id=[0-9]*" | sort -u | wc -l)
  if [ "$status" = removed ] && [ "$no" -ge 1 ]; then verified=$((verified + 1))
  elif [ "$status" = added ] && [ "$nn" -ge 1 ]; then verified=$((verified + 1))
  else bad="$bad $name($status old=$no new=$nn protos=$po)"; fi
done <"$tmp/d1.names"
if [ -z "$bad" ] && [ $verified -gt 0 ]; then ok diff_61old_61new_verified "$verified added/removed funcs checked with dump -t"; else nok diff_61old_61new_verified "${bad:-nothing to verify}"; fi

# 6.1-new vs 6.12: a known change, checked by hand with dump -t:
# struct sched_dl_entity grew, so task_struct.dl changed size and the
# members after it moved.
"$B" diff "$tmp/6.1-new.btf" "$tmp/6.12.btf" -t task_struct -t sched_dl_entity >"$tmp/d2.txt"; rc=$?
so=$("$B" dump "$tmp/6.1-new.btf" -t sched_dl_entity | sed -n 's/.*STRUCT .sched_dl_entity. size=\([0-9]*\).*/\1/p')
sn=$("$B" dump "$tmp/6.12.btf" -t sched_dl_entity | sed -n 's/.*STRUCT .sched_dl_entity. size=\([0-9]*\).*/\1/p')
mo=$("$B" dump "$tmp/6.1-new.btf" -t task_struct | sed -n "s/.*'sched_class' type_id=[0-9]* bits_offset=\([0-9]*\).*/\1/p")
mn=$("$B" dump "$tmp/6.12.btf" -t task_struct | sed -n "s/.*'sched_class' type_id=[0-9]* bits_offset=\([0-9]*\).*/\1/p")
if [ $rc -eq 1 ] && [ -n "$so" ] && [ "$so" != "$sn" ] &&
   grep -qF "sched_dl_entity: size $so -> $sn bytes" "$tmp/d2.txt" &&
   grep -qF "task_struct.dl: size $so -> $sn bytes" "$tmp/d2.txt" &&
   { [ "$mo" = "$mn" ] || grep -qF "task_struct.sched_class: offset $((mo / 8)) -> $((mn / 8))" "$tmp/d2.txt"; }; then
  ok diff_61_612_known_change "sched_dl_entity $so -> $sn, task_struct.sched_class @$((mo / 8)) -> @$((mn / 8))"
else
  nok diff_61_612_known_change "rc=$rc so=$so sn=$sn mo=$mo mn=$mn"
fi

# output modes on 6.1-new vs 6.12
"$B" diff --stat "$tmp/6.1-new.btf" "$tmp/6.12.btf" >"$tmp/stat.txt"; rc=$?
if [ $rc -eq 1 ] && grep -q '^types: [0-9]* changed, [0-9]* added, [0-9]* removed' "$tmp/stat.txt" && grep -q 'relocated' "$tmp/stat.txt"; then
  ok diff_stat; else nok diff_stat "rc=$rc"; fi
"$B" diff --json "$tmp/6.1-new.btf" "$tmp/6.12.btf" >"$tmp/d2.json"; rc=$?
if [ $rc -eq 1 ] && python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
assert d["schema"]=="btfx-diff" and d["version"]==1
s=d["summary"]; assert s["changes"]==sum(len(t["changes"]) for t in d["types"])
for t in d["types"]:
    assert t["status"] in ("changed","added","removed") and t["kind"] and t["name"]
    for c in t["changes"]: assert c["change"] and c["core"] in s["by_core"]
' "$tmp/d2.json"; then ok diff_json_schema; else nok diff_json_schema "rc=$rc or schema mismatch"; fi
{ "$B" diff --kind func "$tmp/6.1-new.btf" "$tmp/6.12.btf" --json || true; } | python3 -c '
import json,sys; d=json.load(sys.stdin); assert d["types"] and all(t["kind"]=="func" for t in d["types"])' &&
  ok diff_kind_filter || nok diff_kind_filter "non-func types in --kind func"
{ "$B" diff --color=always -t task_struct "$tmp/6.1-new.btf" "$tmp/6.12.btf" || true; } | grep -q $'\033\[' && ok diff_color_always || nok diff_color_always "no escapes"
{ "$B" diff -t task_struct "$tmp/6.1-new.btf" "$tmp/6.12.btf" || true; } | grep -q $'\033\[' && nok diff_no_color_on_pipe "escapes on a pipe" || ok diff_no_color_on_pipe

# the oracle on real pairs
oracle() { # name old.btf new.btf
  "$B" dump "$2" --format json >"$tmp/o.json" && "$B" dump "$3" --format json >"$tmp/n.json" &&
  "$B" diff --json "$2" "$3" >"$tmp/d.json"; rc=$?
  if [ $rc -ne 1 ]; then nok "$1" "diff exit $rc"; return; fi
  if msg=$(python3 "$tmp/oracle.py" "$tmp/o.json" "$tmp/n.json" "$tmp/d.json"); then ok "$1" "$msg"; else nok "$1" "$msg"; fi
}
oracle diff_oracle_61_61rt "$tmp/6.1-new.btf" "$tmp/6.1-rt.btf"
oracle diff_oracle_61_612 "$tmp/6.1-new.btf" "$tmp/6.12.btf"
[ -r "$VMLINUX" ] && oracle diff_oracle_612_running "$tmp/6.12.btf" "$VMLINUX"

# PREEMPT_RT: spinlock_t is an rt_mutex: spinlock.rlock is gone
"$B" diff -t spinlock "$tmp/6.1-new.btf" "$tmp/6.1-rt.btf" >"$tmp/rt.txt"
if grep -qF 'spinlock.rlock: removed' "$tmp/rt.txt" && "$B" dump "$tmp/6.1-rt.btf" -t spinlock | grep -vq "'rlock'"; then
  ok diff_rt_spinlock; else nok diff_rt_spinlock "$(head -3 "$tmp/rt.txt")"; fi

# split BTF: a module of each kernel, each with its own base
m1=$(awk '$1=="6.1-new"{print $3}' "$MANIFEST"); m2=$(awk '$1=="6.12"{print $3}' "$MANIFEST")
ko1=$(find "$m1" -name 'ext4.ko*' 2>/dev/null | head -1); ko2=$(find "$m2" -name 'ext4.ko*' 2>/dev/null | head -1)
if [ -n "$ko1" ] && [ -n "$ko2" ]; then
  "$B" diff -B "$tmp/6.1-new.btf" --base-new "$tmp/6.12.btf" -t ext4_sb_info "$ko1" "$ko2" >"$tmp/ko.txt"; rc=$?
  if [ $rc -eq 1 ] && grep -q '^~ struct ext4_sb_info' "$tmp/ko.txt"; then ok diff_module_split_btf; else nok diff_module_split_btf "rc=$rc"; fi
else
  skip diff_module_split_btf "no ext4 modules"
fi

# speed, measured (not asserted): diff of two kernels vs pahole x2 + diff -u
if command -v pahole >/dev/null && [ -r "$VMLINUX" ]; then
  t0=$(date +%s%N); "$B" diff "$tmp/6.1-new.btf" "$VMLINUX" >/dev/null; t1=$(date +%s%N)
  pahole -F btf "$tmp/6.1-new.btf" >"$tmp/pa.txt" 2>/dev/null; pahole -F btf "$VMLINUX" >"$tmp/pb.txt" 2>/dev/null
  diff -u "$tmp/pa.txt" "$tmp/pb.txt" >/dev/null; t2=$(date +%s%N)
  ok diff_timing "btftool diff $(( (t1 - t0) / 1000000 )) ms, pahole x2 + diff -u $(( (t2 - t1) / 1000000 )) ms"
fi
[ $nfail -eq 0 ]
