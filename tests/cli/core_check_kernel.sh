#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `btftool core check --kernel IMAGE`: a kernel's column is decided
# statically against the BTF read from the image (relocation cells) and its
# per-program verdicts are the verifier's, from the image booted under qemu.
#
#   - command line: --kernel/--timeout on other subcommands, --timeout
#     without --kernel, an unreadable image: exit 2, one line;
#   - without --kernel nothing changes but an empty "kernels" list;
#   - 6.1-new and 6.12 booted in parallel, with tests/bpf/load/newfield.bpf.c
#     and poisoned.bpf.c (compiled against the running kernel's vmlinux.h)
#     plus a copy of newfield under the same name: capacity_exec reads
#     task_struct::max_allowed_capacity (6.10+) unguarded, so it is FAIL on
#     6.1 and ok on 6.12 both in the static cells and in the verifier's
#     verdict (rejected on 6.1 with the relocation and reason); the guarded
#     program is statically FAIL on 6.1 but loads; a poisoned subprogram
#     makes its caller FAIL in the kernel columns; exit 1;
#   - the text table says the same, with the verifier's reason;
#   - every program loads on 6.12: exit 0;
#   - a kernel without a verdict (--timeout 2): ERROR, exit 2;
#   - nothing left behind: no qemu process, no temporary file.
# Needs clang-19, bpftool, python3, qemu-system-x86_64, busybox-static and
# the MANIFEST kernels (testdata/fetch-kernels.sh): skipped when missing, a
# failure with CI=true.
set -u
set -o pipefail

BTFTOOL=${BTFTOOL:?BTFTOOL must name the btftool binary}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MANIFEST=${BTFX_CACHE:-$HOME/.cache/btfx}/kernels/MANIFEST

T=$(mktemp -d "${TMPDIR:-/tmp}/btfx-cck.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

. "$HERE/lib/common.sh"
finish() {
	((nfail)) && exit 1
	exit 0
}
img() { awk -v k="$1" '$1==k{print $2}' "$MANIFEST" 2>/dev/null; }

if [[ ! -x $BTFTOOL ]]; then
	nok btftool-binary "$BTFTOOL is not executable"
	exit 1
fi

# ------------------------------------------------------------ objects

for tool in clang-19 bpftool python3; do
	have $tool || { skip setup "$tool not installed (scripts/deps.sh)"; finish; }
done
if ! bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$T/vmlinux.h" 2>"$T/e"; then
	skip setup "no /sys/kernel/btf/vmlinux: $(oneline <"$T/e")"
	finish
fi
CFLAGS=(-g -O2 -target bpf -D__TARGET_ARCH_x86 -I"/usr/include/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)")
for n in newfield poisoned; do
	if ! clang-19 "${CFLAGS[@]}" -I"$T" -c "$ROOT/tests/bpf/load/$n.bpf.c" -o "$T/$n.bpf.o" 2>"$T/cc.err"; then
		nok "build-$n" "$(head -c 300 "$T/cc.err" | oneline)"
		finish
	fi
done
mkdir -p "$T/dup"
cp "$T/newfield.bpf.o" "$T/dup/newfield.bpf.o"

K61=$(img 6.1-new)
K612=$(img 6.12)

# ------------------------------------------------------------ command line

"$BTFTOOL" core explain "$T/newfield.bpf.o" --kernel "${K612:-/x}" >"$T/o" 2>"$T/e"
rc=$?
if ((rc == 2)) && [[ $(wc -l <"$T/e") == 1 ]] && grep -q "for core check" "$T/e" && [[ ! -s $T/o ]]; then
	ok usage-kernel-only-for-check
else
	nok usage-kernel-only-for-check "exit $rc: $(oneline <"$T/e")"
fi
"$BTFTOOL" core check "$T/newfield.bpf.o" --timeout 5 >"$T/o" 2>"$T/e"
rc=$?
if ((rc == 2)) && [[ $(wc -l <"$T/e") == 1 ]] && grep -q "need --kernel" "$T/e" && [[ ! -s $T/o ]]; then
	ok usage-timeout-needs-kernel
else
	nok usage-timeout-needs-kernel "exit $rc: $(oneline <"$T/e")"
fi
"$BTFTOOL" core check "$T/newfield.bpf.o" --kernel "$T/nonexistent-vmlinuz" >"$T/o" 2>"$T/e"
rc=$?
if ((rc == 2)) && [[ $(wc -l <"$T/e") == 1 ]] && grep -q nonexistent-vmlinuz "$T/e" && [[ ! -s $T/o ]]; then
	ok error-missing-image
else
	nok error-missing-image "exit $rc: $(oneline <"$T/e")"
fi
# static only: unchanged, with an empty kernels list
"$BTFTOOL" core check "$T/newfield.bpf.o" --target /sys/kernel/btf/vmlinux --json >"$T/s.json" 2>"$T/e"
rc=$?
why=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
p = r["objects"][0]["programs"]
w = []
if r["targets"] != ["/sys/kernel/btf/vmlinux"]: w.append("targets %s" % r["targets"])
if r.get("kernels") != []: w.append("kernels %s" % r.get("kernels"))
if any("kernels" in x for x in p): w.append("per-program kernels without --kernel")
if [x["verdicts"] for x in p] != [["ok"]] * 3: w.append("verdicts %s" % [x["verdicts"] for x in p])
print("; ".join(w))' "$T/s.json" 2>&1)
if ((rc == 0)) && [[ -z $why ]]; then ok static-unchanged; else nok static-unchanged "exit $rc: $why $(oneline <"$T/e")"; fi

# ------------------------------------------------------------ VMs

for tool in qemu-system-x86_64 busybox; do
	have $tool || { skip vm "$tool not installed (scripts/deps.sh)"; finish; }
done
if [[ -z $K61 || -z $K612 || ! -f $K61 || ! -f $K612 ]]; then
	skip vm "6.1-new / 6.12 kernels missing (testdata/fetch-kernels.sh)"
	finish
fi
VT=$T/vmtmp
mkdir -p "$VT"

# --- the matrix with real verifier results, JSON
start=$SECONDS
TMPDIR=$VT "$BTFTOOL" core check "$T/newfield.bpf.o" "$T/poisoned.bpf.o" "$T/dup/newfield.bpf.o" \
	--target "$K61" --kernel "$K61" --kernel "$K612" --json >"$T/m.json" 2>"$T/m.err"
rc=$?
wall=$((SECONDS - start))
why=$(python3 - "$T/m.json" "$K61" "$K612" <<'EOF' 2>&1
import json, sys
r = json.load(open(sys.argv[1])); k61, k612 = sys.argv[2], sys.argv[3]
w = []
def need(c, msg):
    if not c: w.append(msg)
if r["targets"] != [k61]: w.append("targets %s" % r["targets"])
ks = r["kernels"]
if [k["image"] for k in ks] != [k61, k612]:
    print("kernels %s" % [k["image"] for k in ks]); sys.exit()
need((ks[0]["release"] or "").startswith("6.1.0"), "6.1 release %s" % ks[0]["release"])
need((ks[1]["release"] or "").startswith("6.12."), "6.12 release %s" % ks[1]["release"])
# poisoned.bpf.o is rejected on both kernels
for k in ks:
    need(k["verdict"] == "rejected", "%s verdict %s %s" % (k["release"], k["verdict"], k.get("message", "")))
    need(k["seconds"] < 30, "%s took %.1f s" % (k["release"], k["seconds"]))
objs = {}
for o in r["objects"]:
    objs.setdefault(o["object"].split("/")[-1], []).append(o)
    for row in o["relocations"]: need(len(row["cells"]) == 3, "%d cells" % len(row["cells"]))
for nf in objs["newfield.bpf.o"]:
    cells = [x for x in nf["relocations"] if x["program"] == "capacity_exec"][0]["cells"]
    need([c["status"] for c in cells] == ["poisoned", "poisoned", "ok"], "capacity_exec cells %s" % cells)
    p = {x["program"]: x for x in nf["programs"]}
    need(p["capacity_exec"]["verdicts"] == ["FAIL", "FAIL", "ok"], "capacity_exec verdicts %s" % p["capacity_exec"]["verdicts"])
    need(p["portable_exec"]["verdicts"] == ["ok", "ok", "ok"], "portable_exec verdicts %s" % p["portable_exec"]["verdicts"])
    # statically FAIL on 6.1 (poisoned read behind the guard), but the verifier loads it
    need(p["capacity_guarded"]["verdicts"] == ["FAIL", "ok", "ok"], "capacity_guarded verdicts %s" % p["capacity_guarded"]["verdicts"])
    g = p["capacity_guarded"]["kernels"][0]
    need(g["static"] == "FAIL" and g["verifier"]["status"] == "loaded", "capacity_guarded on 6.1: %s" % g)
    a, b = p["capacity_exec"]["kernels"]
    need(a["image"] == k61 and b["image"] == k612, "per-program kernels %s" % [a["image"], b["image"]])
    need(a["static"] == "FAIL" and b["static"] == "ok", "static %s %s" % (a["static"], b["static"]))
    rl = (a["verifier"] or {}).get("relocation") or {}
    need(a["verifier"] and a["verifier"]["status"] == "rejected" and "max_allowed_capacity" in rl.get("reason", "")
         and rl.get("line") and rl.get("file", "").endswith("newfield.bpf.c")
         and "invalid func unknown#195896080" in a["verifier"].get("log", ""),
         "6.1 capacity_exec: %s" % (a["verifier"] or {}).get("message"))
    need(b["verifier"] and b["verifier"]["status"] == "loaded" and b["verifier"]["verified_insns"] > 0,
         "6.12 capacity_exec: %s" % b["verifier"])
need(len(objs["newfield.bpf.o"]) == 2, "objects %s" % list(objs))
po = {x["program"]: x for x in objs["poisoned.bpf.o"][0]["programs"]}
need(po["old_state"]["verdicts"] == ["FAIL", "FAIL", "FAIL"], "old_state %s" % po["old_state"]["verdicts"])
# the poisoned subprogram: its caller fails in the VM; the row itself is the static verdict, in parentheses
need(po["exit_state"]["verdicts"] == ["ok", "FAIL", "FAIL"], "exit_state %s" % po["exit_state"]["verdicts"])
need(po["read_state"]["verdicts"] == ["FAIL", "(FAIL)", "(FAIL)"], "read_state %s" % po["read_state"]["verdicts"])
need(po["read_state"]["kernels"][0]["program"] is False and po["read_state"]["kernels"][0]["verifier"] is None,
     "read_state kernels %s" % po["read_state"]["kernels"][0])
need(po["guarded_state"]["verdicts"] == ["FAIL", "ok", "ok"], "guarded_state %s" % po["guarded_state"]["verdicts"])
print("; ".join(w[:6]))
EOF
)
times=$(python3 -c 'import json,sys; print(", ".join("%s %.1f s (%s)" % (k["release"], k["seconds"], k["accel"]) for k in json.load(open(sys.argv[1]))["kernels"]))' "$T/m.json" 2>/dev/null)
if ((rc == 1)) && [[ -z $why ]]; then
	ok json-6.1-fail-6.12-ok "$times; wall $wall s"
else
	nok json-6.1-fail-6.12-ok "exit $rc: $why $(oneline <"$T/m.err") $(head -c 300 "$T/m.json" | oneline)"
fi

# --- the same in text: static cells, verifier verdicts, the reason under the row
TMPDIR=$VT "$BTFTOOL" core check "$T/newfield.bpf.o" --kernel "$K61" --kernel "$K612" >"$T/m.txt" 2>"$T/m.err"
rc=$?
why=
grep -qE '^kernel .*vmlinuz-6\.1\.0.*: 6\.1\.0-[^,]*, rejected \((tcg|kvm), [0-9.]+ s\)$' "$T/m.txt" || why="no 6.1 kernel line"
grep -qE '^kernel .*vmlinuz-6\.12.*: 6\.12\.[^,]*, ok \((tcg|kvm), [0-9.]+ s\)$' "$T/m.txt" || why="$why; no 6.12 kernel line"
grep -qE '^relocation +6\.1\.0-[^ ]+ +6\.12\.' "$T/m.txt" || why="$why; header does not name the releases"
grep -qE '^capacity_exec\+[0-9]+ .* POISON +[0-9]+->[0-9]+$' "$T/m.txt" || why="$why; capacity_exec cells"
grep -qE '^  capacity_exec +FAIL +ok$' "$T/m.txt" || why="$why; capacity_exec verdicts"
grep -qE "^      6\.1\.0-[^:]*: REJECTED: insn [0-9]+ is poisoned CO-RE relocation #[0-9]+ \(newfield\.bpf\.c:[0-9]+\): .*'max_allowed_capacity'" "$T/m.txt" ||
	why="$why; no rejection reason"
grep -qE '^  capacity_guarded +ok +ok$' "$T/m.txt" && grep -q "loaded although statically FAIL" "$T/m.txt" ||
	why="$why; capacity_guarded"
grep -qE '^  portable_exec +ok +ok$' "$T/m.txt" || why="$why; portable_exec"
if ((rc == 1)) && [[ -z $why ]]; then ok text-6.1-fail-6.12-ok; else
	nok text-6.1-fail-6.12-ok "exit $rc: ${why#; } $(oneline <"$T/m.err") $(head -c 600 "$T/m.txt" | oneline)"; fi

# --- every program loads on 6.12 (and its BTF says so): exit 0
TMPDIR=$VT "$BTFTOOL" core check "$T/newfield.bpf.o" --kernel "$K612" --json >"$T/z.json" 2>"$T/z.err"
rc=$?
v=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["kernels"][0]["verdict"], sorted({v for p in r["objects"][0]["programs"] for v in p["verdicts"]}))' "$T/z.json" 2>&1)
if ((rc == 0)) && [[ $v == "ok ['ok']" ]]; then ok exit-0-all-load; else nok exit-0-all-load "exit $rc: $v $(oneline <"$T/z.err")"; fi

# --- a kernel without a verdict: its programs are ERROR, exit 2
TMPDIR=$VT "$BTFTOOL" core check "$T/newfield.bpf.o" --kernel "$K612" --timeout 2 --accel tcg --json >"$T/t.json" 2>"$T/t.err"
rc=$?
v=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["kernels"][0]["verdict"], sorted({v for p in r["objects"][0]["programs"] for v in p["verdicts"]}))' "$T/t.json" 2>&1)
if ((rc == 2)) && [[ $v == "timeout ['ERROR']" ]]; then ok no-verdict-is-error; else nok no-verdict-is-error "exit $rc: $v"; fi

# --- nothing left behind
left=$(ls -A "$VT")
procs=$(pgrep -af "qemu-system-x86_64.*$VT" || true)
if [[ -z $left && -z $procs ]]; then ok vm-cleanup; else nok vm-cleanup "left: $left $procs"; fi

finish
