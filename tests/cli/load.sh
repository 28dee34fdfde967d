#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `btftool load`: relocation by btfx's engine + loading by libbpf into the
# running kernel, and into Debian kernels booted under qemu.
#
# Running kernel (root with bpf() needed; skipped otherwise, a failure with
# CI=true):
#   - equivalence with libbpf: for every object of tests/bpf/load (tracepoint,
#     raw tracepoint, kprobe, XDP, TC, socket filter, cgroup), the project's
#     CO-RE corpus (tests/bpf/core) and the bundled example, `bpftool prog
#     loadall` (libbpf doing its own CO-RE) and `btftool load --pin` either
#     both load every program, with identical `bpftool prog dump xlated`
#     (map ids normalized), or both refuse the object;
#   - poisoned.bpf.c (unguarded task_struct::state, gone since 5.14): exit 1,
#     the relocation, source line, reason and near miss (__state) reported,
#     also for the copy inside a subprogram; the guarded program loads;
#   - programs and maps are released on exit; --pin pins, and pins nothing
#     when a program is rejected; --target relocates against another BTF;
#   - without CAP_BPF/root: exit 2 and one clear line.
# VMs (qemu-system-x86_64, busybox-static, the MANIFEST kernels of
# testdata/fetch-kernels.sh; skipped when missing, a failure with CI=true):
#   - 6.1-new and 6.12 booted in parallel with one object holding every
#     program type above, compiled against the running kernel's vmlinux.h,
#     plus programs using task_struct::max_allowed_capacity (6.10+):
#     unguarded it is rejected on 6.1 with the reason and loads on 6.12;
#     everything else loads on both; under 20 s per kernel;
#   - verdicts: timeout, kernel panic (too little memory), not a kernel;
#   - nothing left behind: no qemu process, no temporary file.
set -u
set -o pipefail

BTFTOOL=${BTFTOOL:?BTFTOOL must name the btftool binary}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MANIFEST=${BTFX_CACHE:-$HOME/.cache/btfx}/kernels/MANIFEST

T=$(mktemp -d "${TMPDIR:-/tmp}/btfx-load.XXXXXX") || exit 2
PIN=/sys/fs/bpf/btfx-load-test-$$ # bpffs names may not contain dots
cleanup() {
	rm -rf "$PIN" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. "$HERE/lib/common.sh"
img() { awk -v k="$1" '$1==k{print $2}' "$MANIFEST" 2>/dev/null; }

if [[ ! -x $BTFTOOL ]]; then
	nok btftool-binary "$BTFTOOL is not executable"
	exit 1
fi

# ------------------------------------------------------------ command line

"$BTFTOOL" load >"$T/o" 2>"$T/e"
rc=$?
if ((rc == 2)) && grep -q "one OBJ expected" "$T/e" && [[ ! -s $T/o ]]; then ok usage-no-object; else
	nok usage-no-object "exit $rc: $(oneline <"$T/e")"; fi
"$BTFTOOL" load "$T/nope.o" --kernel /nonexistent/vmlinuz >"$T/o" 2>"$T/e"
rc=$?
if ((rc == 2)) && [[ $(wc -l <"$T/e") == 1 ]] && [[ ! -s $T/o ]]; then ok vm-missing-object; else
	nok vm-missing-object "exit $rc: $(oneline <"$T/e")"; fi

# ------------------------------------------------------------ build the objects

for tool in clang-19 bpftool python3; do
	if ! have $tool; then
		skip load-setup "$tool not installed (scripts/deps.sh)"
		((nfail)) && exit 1
		exit 0
	fi
done
if ! bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$T/vmlinux.h" 2>"$T/e"; then
	skip load-setup "no /sys/kernel/btf/vmlinux: $(oneline <"$T/e")"
	((nfail)) && exit 1
	exit 0
fi
CFLAGS=(-g -O2 -target bpf -D__TARGET_ARCH_x86 -I"/usr/include/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)")
build() { # build OUT SRC [extra flags]
	local out=$1 src=$2
	shift 2
	clang-19 "${CFLAGS[@]}" -I"$T" "$@" -c "$src" -o "$out" 2>"$T/cc.err" ||
		{ nok "build-$(basename "$src")" "$(head -c 300 "$T/cc.err" | oneline)"; return 1; }
}
OBJS=()
for src in "$ROOT"/tests/bpf/load/*.bpf.c; do
	n=$(basename "$src" .bpf.c)
	build "$T/$n.bpf.o" "$src" && OBJS+=("$n")
done
# every program type in one object (one VM boot per kernel runs them all)
{
	for f in tp raw_tp kprobe xdp tc socket cgroup newfield; do
		printf '#define LICENSE LICENSE_%s\n#include "%s/tests/bpf/load/%s.bpf.c"\n#undef LICENSE\n' "$f" "$ROOT" "$f"
	done
} >"$T/vm_all.bpf.c"
build "$T/vm_all.bpf.o" "$T/vm_all.bpf.c" && OBJS+=(vm_all)
# the CO-RE corpus and the bundled example
for src in "$ROOT"/tests/bpf/core/*.bpf.c "$ROOT"/examples/core_example.bpf.c; do
	[[ -f $src ]] || continue
	n=corpus-$(basename "$src" .bpf.c)
	build "$T/$n.bpf.o" "$src" -I"$(dirname "$src")" && OBJS+=("$n")
done

# ------------------------------------------------------------ running kernel

RUNNING=1
if [[ $(id -u) != 0 ]]; then
	skip running-kernel "needs root"
	RUNNING=0
elif [[ $(stat -f -c %T /sys/fs/bpf 2>/dev/null) != bpf_fs ]]; then
	skip running-kernel "/sys/fs/bpf is not a bpf filesystem"
	RUNNING=0
fi

xlated() { bpftool prog dump xlated pinned "$1" 2>&1 | sed -E 's/map\[id:[0-9]+\]/map[id:N]/g'; }

# equiv NAME: libbpf (bpftool loadall) and btftool load agree on the object
equiv() {
	local n=$1 obj=$T/$1.bpf.o ref=$PIN/ref-$1 mine=$PIN/mine-$1 rc_ref rc why= nprog=0
	rm -rf "$ref" "$mine"
	bpftool prog loadall "$obj" "$ref" >"$T/ref.out" 2>&1
	rc_ref=$?
	"$BTFTOOL" load "$obj" --pin "$mine" --json >"$T/$n.json" 2>"$T/$n.err"
	rc=$?
	if ((rc_ref == 0)); then
		if ((rc != 0)); then
			why="libbpf loads it, btftool load exits $rc: $(oneline <"$T/$n.err")"
		else
			for p in "$ref"/*; do
				nprog=$((nprog + 1))
				if [[ ! -e $mine/$(basename "$p") ]]; then
					why="program $(basename "$p") not pinned by btftool"
					break
				fi
				if ! diff <(xlated "$p") <(xlated "$mine/$(basename "$p")") >"$T/xdiff"; then
					why="$(basename "$p"): translated code differs: $(head -6 "$T/xdiff" | oneline)"
					break
				fi
			done
			local nloaded
			nloaded=$(python3 -c 'import json,sys; print(sum(p["status"]=="loaded" for p in json.load(open(sys.argv[1]))["programs"]))' "$T/$n.json" 2>&1)
			[[ -z $why && $nloaded != "$nprog" ]] && why="btftool reports $nloaded loaded programs, libbpf pinned $nprog"
		fi
	else
		# libbpf refuses the object: btftool must say rejected (exit 1), not crash or succeed
		((rc != 1)) && why="libbpf refuses it ($(grep -m1 -iE 'error|fail' "$T/ref.out" | oneline)), btftool load exits $rc"
	fi
	rm -rf "$ref" "$mine"
	if [[ -n $why ]]; then nok "libbpf-equivalence-$n" "$why"; else
		ok "libbpf-equivalence-$n" "$( ((rc_ref == 0)) && echo "$nprog programs, same xlated" || echo "both refuse")"; fi
}

if ((RUNNING)); then
	mkdir -p "$PIN"
	for n in "${OBJS[@]}"; do
		[[ $n == poisoned ]] && continue
		equiv "$n"
	done

	# --- poisoned relocation explained
	"$BTFTOOL" load "$T/poisoned.bpf.o" --json >"$T/p.json" 2>"$T/p.err"
	rc=$?
	if ((rc != 1)); then
		nok poisoned-json "exit $rc (expected 1): $(oneline <"$T/p.err")"
	else
		why=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); src = open(sys.argv[2]).read().split("\n")
p = {x["name"]: x for x in r["programs"]}
ln = lambda s: next(i + 1 for i, l in enumerate(src) if s in l)
def check(name, prog, line, text):
    x = p[name]; rl = x.get("relocation")
    if x["status"] != "rejected": return "%s: status %s" % (name, x["status"])
    if not rl: return "%s: no relocation: %s" % (name, x.get("message"))
    if rl["program"] != prog: return "%s: relocation in %s, expected %s" % (name, rl["program"], prog)
    if not rl.get("file", "").endswith("poisoned.bpf.c") or rl.get("line") != line:
        return "%s: at %s:%s, expected line %d" % (name, rl.get("file"), rl.get("line"), line)
    if text not in rl.get("source", ""): return "%s: source %r" % (name, rl.get("source"))
    if "no field" not in rl["reason"] or "state" not in rl["reason"]: return "%s: reason %r" % (name, rl["reason"])
    if not any("__state" in h for h in rl["near_misses"]): return "%s: no __state near miss %r" % (name, rl["near_misses"])
    if "invalid func unknown#195896080" not in x.get("log", ""): return "%s: log lacks the poisoned call" % name
    if ("poisoned CO-RE relocation #%d" % rl["index"]) not in x["message"]: return "%s: message %r" % (name, x["message"])
    return ""
w = check("old_state", "old_state", ln("last_state = t->state;"), "t->state") or \
    check("exit_state", "read_state", ln("static __noinline long read_state"), "read_state")
if not w and p["guarded_state"]["status"] != "loaded": w = "guarded_state: " + p["guarded_state"]["status"]
if not w and r["exit"] != 1: w = "exit field %s" % r["exit"]
print(w)' "$T/p.json" "$ROOT/tests/bpf/load/poisoned.bpf.c" 2>&1)
		if [[ -n $why ]]; then nok poisoned-json "$why"; else ok poisoned-json "relocation, line, reason, near miss; subprogram too"; fi
	fi
	"$BTFTOOL" load "$T/poisoned.bpf.o" >"$T/p.txt" 2>"$T/p.err"
	rc=$?
	line=$(grep -n 'last_state = t->state;' "$ROOT/tests/bpf/load/poisoned.bpf.c" | head -1 | cut -d: -f1)
	if ((rc == 1)) && grep -q "old_state (tracing, tp_btf/sched_process_fork): REJECTED: insn [0-9]* is poisoned CO-RE relocation #0 (poisoned.bpf.c:$line): .*'state'" "$T/p.txt" &&
		grep -q "near miss: similar field __state" "$T/p.txt" && grep -q "source: last_state = t->state;" "$T/p.txt" &&
		grep -q "guarded_state (tracing, tp_btf/sched_process_fork): loaded" "$T/p.txt"; then
		ok poisoned-text
	else
		nok poisoned-text "exit $rc: $(head -c 400 "$T/p.txt" | oneline)"
	fi
	# --pin with a rejected program: nothing pinned, and said so
	"$BTFTOOL" load "$T/poisoned.bpf.o" --pin "$PIN/partial" --json >"$T/pp.json" 2>/dev/null
	rc=$?
	if ((rc == 1)) && [[ -z $(ls -A "$PIN/partial" 2>/dev/null) ]] && grep -q '"note":"nothing pinned' "$T/pp.json"; then
		ok pin-nothing-when-rejected
	else
		nok pin-nothing-when-rejected "exit $rc, $PIN/partial: $(ls -A "$PIN/partial" 2>&1 | oneline)"
	fi
	rm -rf "$PIN/partial"

	# --- released on exit unless pinned
	"$BTFTOOL" load "$T/tp.bpf.o" --json >"$T/r.json" 2>"$T/r.err"
	rc=$?
	id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["programs"][0].get("id", 0))' "$T/r.json" 2>/dev/null)
	if ((rc == 0)) && [[ -n $id && $id != 0 ]] && ! bpftool prog show id "$id" >/dev/null 2>&1; then
		ok released-on-exit "program id $id gone"
	else
		nok released-on-exit "exit $rc, id '$id': $(bpftool prog show id "${id:-0}" 2>&1 | oneline)"
	fi
	"$BTFTOOL" load "$T/tp.bpf.o" --pin "$PIN/keep" >"$T/k.txt" 2>&1
	rc=$?
	if ((rc == 0)) && bpftool prog show pinned "$PIN/keep/trace_exec" >/dev/null 2>&1 &&
		bpftool map show pinned "$PIN/keep/maps/events" >/dev/null 2>&1 && [[ -e $PIN/keep/maps/tp_rodata ]]; then
		ok pin-keeps "programs in DIR, maps in DIR/maps"
	else
		nok pin-keeps "exit $rc: $(oneline <"$T/k.txt"); $(ls -R "$PIN/keep" 2>&1 | oneline)"
	fi
	rm -rf "$PIN/keep"

	# --- --target: relocated against the 6.1 BTF, loaded here
	K61=$(img 6.1-new)
	if [[ -n $K61 && -f $K61 ]]; then
		"$BTFTOOL" load "$T/newfield.bpf.o" --target "$K61" --json >"$T/t.json" 2>"$T/t.err"
		rc=$?
		why=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); p = {x["name"]: x for x in r["programs"]}
w = ""
if p["capacity_exec"]["status"] != "rejected" or "max_allowed_capacity" not in p["capacity_exec"].get("message", ""):
    w = "capacity_exec: %s %s" % (p["capacity_exec"]["status"], p["capacity_exec"].get("message"))
elif p["portable_exec"]["status"] != "loaded" or p["capacity_guarded"]["status"] != "loaded":
    w = "portable/guarded not loaded"
elif r["target"] != sys.argv[2]: w = "target %s" % r["target"]
print(w)' "$T/t.json" "$K61" 2>&1)
		if ((rc == 1)) && [[ -z $why ]]; then ok target-other-btf; else nok target-other-btf "exit $rc: $why $(oneline <"$T/t.err")"; fi
	else
		skip target-other-btf "no 6.1-new kernel in $MANIFEST"
	fi

	# --- relocations the engine cannot decide (ambiguous target): nothing loads, each explained
	if [[ -f $T/corpus-ambig.bpf.o && -f $ROOT/tests/bpf/core/targets/tgt_amb.c ]] &&
		build "$T/tgt_amb.o" "$ROOT/tests/bpf/core/targets/tgt_amb.c"; then
		"$BTFTOOL" load "$T/corpus-ambig.bpf.o" --target "$T/tgt_amb.o" --json >"$T/a.json" 2>"$T/a.err"
		rc=$?
		why=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
e = r["relocation_errors"]
w = ""
if not e: w = "no relocation_errors"
elif not all("ambiguity" in x["reason"] and x["candidates"] for x in e): w = "reasons: %r" % [x["reason"] for x in e]
elif any(p["status"] == "loaded" for p in r["programs"]): w = "a program was loaded"
elif not any(p["status"] == "rejected" and "cannot be applied" in p["message"] for p in r["programs"]): w = "no rejected program"
print(w)' "$T/a.json" 2>&1)
		if ((rc == 1)) && [[ -z $why ]]; then ok relocation-errors-explained; else
			nok relocation-errors-explained "exit $rc: $why $(oneline <"$T/a.err")"; fi
	fi

	# --- errors
	printf 'not an ELF' >"$T/junk.o"
	"$BTFTOOL" load "$T/junk.o" >"$T/o" 2>"$T/e"
	rc=$?
	if ((rc == 2)) && [[ $(wc -l <"$T/e") == 1 ]] && grep -q junk.o "$T/e"; then ok error-not-elf; else
		nok error-not-elf "exit $rc: $(oneline <"$T/e")"; fi
	if have setpriv; then
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
			"$BTFTOOL" load "$T/tp.bpf.o" >"$T/o" 2>"$T/e"
		rc=$?
		if ((rc == 2)) && [[ $(wc -l <"$T/e") == 1 ]] && grep -q "CAP_BPF" "$T/e" && [[ ! -s $T/o ]]; then
			ok error-unprivileged
		else
			nok error-unprivileged "exit $rc: $(oneline <"$T/e")"
		fi
	else
		skip error-unprivileged "setpriv not installed"
	fi
	rmdir "$PIN" 2>/dev/null
fi

# ------------------------------------------------------------ VMs

K61=$(img 6.1-new)
K612=$(img 6.12)
VMOK=1
for tool in qemu-system-x86_64 busybox; do
	have $tool || { skip vm "$tool not installed (scripts/deps.sh)"; VMOK=0; }
done
if ((VMOK)) && [[ -z $K61 || -z $K612 || ! -f $K61 || ! -f $K612 ]]; then
	skip vm "6.1-new / 6.12 kernels missing (testdata/fetch-kernels.sh)"
	VMOK=0
fi
if ((VMOK)) && [[ ! -f $T/vm_all.bpf.o ]]; then
	nok vm "vm_all.bpf.o did not build"
	VMOK=0
fi

if ((VMOK)); then
	VT=$T/vmtmp
	mkdir -p "$VT"
	start=$SECONDS
	TMPDIR=$VT "$BTFTOOL" load "$T/vm_all.bpf.o" --kernel "$K61" --kernel "$K612" --json >"$T/vm.json" 2>"$T/vm.err"
	rc=$?
	wall=$((SECONDS - start))
	why=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); k61, k612 = sys.argv[2], sys.argv[3]
ks = {k["image"]: k for k in r["kernels"]}
out = []
a, b = ks.get(k61), ks.get(k612)
if not a or not b: print("kernels missing: %s" % list(ks)); sys.exit()
if a["verdict"] != "rejected": out.append("6.1 verdict %s: %s" % (a["verdict"], a.get("message", "")))
if b["verdict"] != "ok": out.append("6.12 verdict %s: %s" % (b["verdict"], b.get("message", "")))
types = {"tracepoint", "raw_tracepoint", "kprobe", "xdp", "sched_cls", "socket_filter", "cgroup_sock_addr", "cgroup_skb"}
for k, rel in ((a, "6.1.0"), (b, "6.12.")):
    rep = k.get("report")
    if not rep: continue
    if not (rep.get("kernel") or "").startswith(rel): out.append("kernel release %s" % rep.get("kernel"))
    seen = {p["type"] for p in rep["programs"] if p["status"] == "loaded"}
    if types - seen: out.append("%s: types not loaded: %s" % (rel, sorted(types - seen)))
    for p in rep["programs"]:
        if p["name"] == "capacity_exec" and k is a:
            rl = p.get("relocation") or {}
            if p["status"] != "rejected" or "max_allowed_capacity" not in rl.get("reason", "") or not rl.get("line"):
                out.append("6.1 capacity_exec: %s %s" % (p["status"], p.get("message")))
        elif p["status"] != "loaded":
            out.append("%s %s: %s %s" % (rel, p["name"], p["status"], p.get("message")))
    if k["seconds"] >= 20: out.append("%s took %.1f s (limit 20)" % (rel, k["seconds"]))
if r["exit"] != 1: out.append("exit field %s" % r["exit"])
print("; ".join(out))' "$T/vm.json" "$K61" "$K612" 2>&1)
	times=$(python3 -c 'import json,sys; print(", ".join("%s %.1f s (%s)" % (k["release"], k["seconds"], k["accel"]) for k in json.load(open(sys.argv[1]))["kernels"]))' "$T/vm.json" 2>/dev/null)
	if ((rc == 1)) && [[ -z $why ]]; then
		ok vm-6.1-rejects-6.12-loads "$times; wall $wall s"
	else
		nok vm-6.1-rejects-6.12-loads "exit $rc: $why $(oneline <"$T/vm.err") $(head -c 300 "$T/vm.json" | oneline)"
	fi

	# verdicts for a hang, a panic, not a kernel
	TMPDIR=$VT "$BTFTOOL" load "$T/newfield.bpf.o" --kernel "$K612" --timeout 2 --accel tcg --json >"$T/to.json" 2>/dev/null
	rc=$?
	v=$(python3 -c 'import json,sys; k=json.load(open(sys.argv[1]))["kernels"][0]; print(k["verdict"], k["seconds"] < 6)' "$T/to.json" 2>&1)
	if ((rc == 2)) && [[ $v == "timeout True" ]]; then ok vm-timeout; else nok vm-timeout "exit $rc: $v"; fi
	TMPDIR=$VT "$BTFTOOL" load "$T/newfield.bpf.o" --kernel "$K61" --memory 80 --accel tcg >"$T/pa.txt" 2>/dev/null
	rc=$?
	if ((rc == 2)) && grep -q "): panic" "$T/pa.txt" && grep -q "Kernel panic - not syncing" "$T/pa.txt"; then ok vm-panic; else
		nok vm-panic "exit $rc: $(head -c 300 "$T/pa.txt" | oneline)"; fi
	TMPDIR=$VT "$BTFTOOL" load "$T/newfield.bpf.o" --kernel "$ROOT/README.md" --accel tcg --json >"$T/nb.json" 2>/dev/null
	rc=$?
	v=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kernels"][0]["verdict"])' "$T/nb.json" 2>&1)
	if ((rc == 2)) && [[ $v == no-boot ]]; then ok vm-not-a-kernel; else nok vm-not-a-kernel "exit $rc: $v"; fi

	# nothing left behind
	left=$(ls -A "$VT")
	procs=$(pgrep -af "qemu-system-x86_64.*$VT" || true)
	if [[ -z $left && -z $procs ]]; then ok vm-cleanup; else nok vm-cleanup "left: $left $procs"; fi
fi

((nfail)) && exit 1
exit 0
