#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `btftool dump` failures: exit status 2, exactly one line on stderr naming
# the file (or the offending argument), nothing on stdout, no crash (no
# status >= 128, no hang), and `--format btf -o OUT` leaves neither OUT nor
# temp files behind and keeps an existing OUT untouched.
#
# Most inputs are crafted here (raw BTF written by a small python snippet);
# the kernel-image and module cases use the MANIFEST of
# testdata/fetch-kernels.sh (skipped outside CI when missing, a failure
# with CI=true).
set -u
set -o pipefail

BTFTOOL=${BTFTOOL:?BTFTOOL must name the btftool binary}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${BTFX_CACHE:-$HOME/.cache/btfx}
MANIFEST=$CACHE/kernels/MANIFEST

T=$(mktemp -d "${TMPDIR:-/tmp}/btfx-errors.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
cd "$T" || exit 2

ONELINE_WIDTH=240
. "$HERE/lib/common.sh"

if [[ ! -x $BTFTOOL ]]; then
	nok btftool-binary "$BTFTOOL is not executable"
	exit 1
fi
TIMEOUT=()
have timeout && TIMEOUT=(timeout 120)

# run ARGS...: btftool with stdout/stderr captured; sets RC
run() {
	"${TIMEOUT[@]}" "$BTFTOOL" "$@" >"$T/stdout" 2>"$T/stderr"
	RC=$?
}

# err_case NAME NEEDLE ARGS...: `btftool ARGS` must fail cleanly with one
# stderr line containing NEEDLE (a fixed string: the file or the argument)
err_case() {
	local name=$1 needle=$2
	shift 2
	run "$@"
	local lines why=
	lines=$(wc -l <"$T/stderr")
	if ((RC == 124)) && ((${#TIMEOUT[@]})); then
		why="hung (killed after 120 s)"
	elif ((RC >= 128)); then
		why="crashed: exit status $RC (signal $((RC - 128)))"
	elif ((RC != 2)); then
		why="exit status $RC, expected 2"
	elif [[ -s $T/stdout ]]; then
		why="wrote $(wc -c <"$T/stdout") bytes to stdout: $(head -c 120 "$T/stdout" | oneline)"
	elif ((lines != 1)) || [[ $(tail -c1 "$T/stderr" | od -An -tx1 | tr -d ' ') != 0a ]]; then
		why="stderr has $lines lines, expected exactly one: $(head -c 300 "$T/stderr" | oneline)"
	elif ! grep -qF -- "$needle" "$T/stderr"; then
		why="stderr does not name '$needle': $(oneline <"$T/stderr")"
	fi
	if [[ -n $why ]]; then nok "$name" "$why"; else ok "$name"; fi
}

# ------------------------------------------------------------ crafted inputs

# A small valid raw BTF (INT, PTR, STRUCT, FUNC_PROTO, FUNC, ENUM) and
# damaged variants of it.  Layout per the kernel's btf.h: 24-byte header
# (magic 0xeB9F, version 1, flags, hdr_len, type_off, type_len, str_off,
# str_len), type section, string section.
python3 - "$T" <<'EOF' || { nok crafted-inputs "python3 failed to write the crafted BTF files"; exit 1; }
import struct, sys, os
d = sys.argv[1]
strs = b"\0int\0s\0a\0p\0f\0e\0E1\0"
off = {n: strs.index(n.encode() + b"\0") for n in ["int", "s", "a", "p", "f", "e", "E1"]}
def info(kind, vlen=0, kflag=0):
    return (kflag << 31) | (kind << 24) | vlen
def types(ptr_target=1, kind_struct=4, vlen_struct=2):
    t = b""
    t += struct.pack("<III", off["int"], info(1), 4) + struct.pack("<I", (1 << 24) | 32)     # [1] INT int
    t += struct.pack("<III", 0, info(2), ptr_target)                                          # [2] PTR -> 1
    t += struct.pack("<III", off["s"], info(kind_struct, vlen_struct), 16)                    # [3] STRUCT s
    t += struct.pack("<III", off["a"], 1, 0) + struct.pack("<III", off["p"], 2, 64)
    t += struct.pack("<III", 0, info(13, 1), 1) + struct.pack("<II", off["a"], 1)             # [4] FUNC_PROTO
    t += struct.pack("<III", off["f"], info(12, 1), 4)                                        # [5] FUNC f global
    t += struct.pack("<III", off["e"], info(6, 1), 4) + struct.pack("<Ii", off["E1"], 7)      # [6] ENUM e
    return t
def blob(t, s=strs, magic=0xEB9F, version=1, hdr_len=24, str_len=None, type_len=None):
    h = struct.pack("<HBBIIIII", magic, version, 0, hdr_len, 0,
                    len(t) if type_len is None else type_len, len(t),
                    len(s) if str_len is None else str_len)
    return h + t + s
def w(name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
good = blob(types())
w("good.btf", good)
w("bad-magic.btf", struct.pack("<H", 0x1234) + good[2:])
w("bad-magic2.btf", struct.pack("<H", 0xEB9E) + good[2:])
w("bad-version.btf", blob(types(), version=7))
w("bad-hdr-len.btf", blob(types(), hdr_len=0x7fffffff))
w("bad-type-id.btf", blob(types(ptr_target=99)))
w("bad-kind.btf", blob(types(kind_struct=31)))
w("bad-vlen.btf", blob(types(vlen_struct=0xffff)))
w("bad-str-len.btf", blob(types(), str_len=len(strs) + 1000))
w("bad-type-len.btf", blob(types(), type_len=len(types()) + 1000))
w("strings-not-nul-terminated.btf", blob(types(), s=strs[:-1] + b"X"))
w("truncated.btf", good[:len(good) * 2 // 3])
w("header-only-cut.btf", good[:10])
w("empty", b"")
w("random.bin", os.urandom(8192))
w("text.txt", b"this is not BTF\n" * 20)
EOF

# sanity: the good one dumps (otherwise the damaged ones prove nothing)
run dump "$T/good.btf"
if ((RC == 0)) && [[ $(grep -c '^\[' "$T/stdout") == 6 ]]; then
	ok crafted-good-dumps
else
	nok crafted-good-dumps "exit $RC, stdout $(head -c 200 "$T/stdout" | oneline), stderr $(oneline <"$T/stderr")"
fi

err_case nonexistent-file "$T/no-such-file.btf" dump "$T/no-such-file.btf"
err_case nonexistent-relative no-such-file.btf dump no-such-file.btf
err_case directory "$T" dump "$T"
err_case empty-file "$T/empty" dump "$T/empty"
err_case random-bytes "$T/random.bin" dump "$T/random.bin"
err_case text-file "$T/text.txt" dump "$T/text.txt"
for f in bad-magic bad-magic2 bad-version bad-hdr-len bad-type-id bad-kind bad-vlen bad-str-len \
	bad-type-len strings-not-nul-terminated truncated header-only-cut; do
	err_case "raw-$f" "$T/$f.btf" dump "$T/$f.btf"
	err_case "raw-$f-json" "$T/$f.btf" dump "$T/$f.btf" --format json
done
chmod 000 "$T/good.btf"
if [[ $(id -u) != 0 ]]; then
	err_case unreadable-file "$T/good.btf" dump "$T/good.btf"
fi
chmod 644 "$T/good.btf"

# bad -B base
err_case base-nonexistent "$T/no-base.btf" dump "$T/good.btf" -B "$T/no-base.btf"
err_case base-corrupt "$T/bad-magic2.btf" dump "$T/good.btf" -B "$T/bad-magic2.btf"

# ELF inputs: without .BTF (a host binary, a BPF object built without -g),
# with a corrupt .BTF
LS=$(command -v ls)
err_case elf-without-btf-host "$LS" dump "$LS"
if have clang-19; then
	cat >"$T/nobtf.c" <<'EOF'
__attribute__((section("xdp"), used)) int prog(void *ctx) { return 2; }
char LICENSE[] __attribute__((section("license"), used)) = "GPL";
EOF
	if clang-19 -O2 -target bpf -c "$T/nobtf.c" -o "$T/nobtf.o" 2>/dev/null; then
		err_case elf-without-btf-bpf "$T/nobtf.o" dump "$T/nobtf.o"
	else
		nok elf-without-btf-bpf "clang-19 failed on a trivial program"
	fi
	if clang-19 -g -O2 -target bpf -c "$T/nobtf.c" -o "$T/withbtf.o" 2>/dev/null &&
		have llvm-objcopy-19 &&
		llvm-objcopy-19 --update-section .BTF="$T/bad-magic2.btf" "$T/withbtf.o" "$T/badbtf.o" 2>/dev/null; then
		err_case elf-corrupt-btf "$T/badbtf.o" dump "$T/badbtf.o"
	else
		skip elf-corrupt-btf "clang-19/llvm-objcopy-19 could not build the object"
	fi
	# a second .BTF or .BTF.ext section (fuzz finding F15: which one is the
	# object's?): refused by every reader, naming the file and both section
	# indices; `core reloc` writes nothing
	if [[ -f $T/withbtf.o ]] && have llvm-objcopy-19 &&
		llvm-objcopy-19 --dump-section .BTF="$T/sec.btf" --dump-section .BTF.ext="$T/sec.ext" \
			"$T/withbtf.o" 2>/dev/null &&
		llvm-objcopy-19 --add-section .BTF="$T/sec.btf" "$T/withbtf.o" "$T/two-btf.o" 2>/dev/null &&
		llvm-objcopy-19 --add-section .BTF.ext="$T/sec.ext" "$T/withbtf.o" "$T/two-ext.o" 2>/dev/null; then
		err_case elf-two-btf-sections "$T/two-btf.o: two .BTF sections (#" dump "$T/two-btf.o"
		err_case obj-two-btf-sections "$T/two-btf.o: two .BTF sections (#" core explain "$T/two-btf.o" \
			--target "$T/good.btf"
		err_case obj-two-btf-ext-sections "$T/two-ext.o: two .BTF.ext sections (#" core reloc "$T/two-ext.o" \
			--target "$T/good.btf" -o "$T/reloc.o"
		if [[ -e $T/reloc.o ]]; then
			nok obj-two-btf-ext-sections-no-output "core reloc wrote $T/reloc.o"
		else
			ok obj-two-btf-ext-sections-no-output
		fi
	else
		skip elf-two-btf-sections "llvm-objcopy-19 could not build the objects"
	fi
else
	skip elf-bpf-objects "clang-19 not installed"
fi

# ---------------------------------------------------------- argument errors

err_case unknown-option --bogus dump "$T/good.btf" --bogus
err_case unknown-short-option -Q dump -Q "$T/good.btf"
err_case unknown-format xml dump "$T/good.btf" --format xml
err_case missing-format-value format dump "$T/good.btf" --format
err_case extra-argument "$T/good.btf" dump "$T/good.btf" "$T/good.btf"
err_case t-missing-name no_such_type_xyz dump "$T/good.btf" -t no_such_type_xyz
err_case t-missing-name-file "$T/good.btf" dump "$T/good.btf" -t no_such_type_xyz
err_case t-one-of-two-missing no_such_type_xyz dump "$T/good.btf" -t int -t no_such_type_xyz
err_case t-missing-name-json no_such_type_xyz dump "$T/good.btf" -t no_such_type_xyz --format json
err_case id-zero "$T/good.btf" dump "$T/good.btf" --id 0
err_case id-one-past-end "$T/good.btf" dump "$T/good.btf" --id 7
err_case id-one-past-end-names-id 7 dump "$T/good.btf" --id 7
err_case id-u32-max 4294967295 dump "$T/good.btf" --id 4294967295
err_case id-above-u32 4294967296 dump "$T/good.btf" --id 4294967296
err_case id-negative -1 dump "$T/good.btf" --id -1
err_case id-not-a-number abc dump "$T/good.btf" --id abc
err_case id-empty "id" dump "$T/good.btf" --id ''
err_case id-out-of-range-json "$T/good.btf" dump "$T/good.btf" --id 1000 --format json
err_case format-btf-without-o "-o" dump "$T/good.btf" --format btf

# -------------------------------------------- --format btf -o OUT failures

# out_case NAME ARGS...: with a bad input, OUT must not appear and the
# directory must stay empty; an existing OUT must keep its bytes and mtime
out_case() {
	local name=$1
	shift
	local d=$T/outdir
	rm -rf "$d"
	mkdir "$d"
	err_case "$name" "${NEEDLE:-}" "$@" --format btf -o "$d/out.btf"
	if [[ -n $(ls -A "$d") ]]; then
		nok "$name-no-leftovers" "left behind: $(ls -A "$d" | oneline)"
	else
		ok "$name-no-leftovers"
	fi
	printf 'precious\n' >"$d/out.btf"
	touch -d '2001-02-03 04:05:06' "$d/out.btf"
	local before
	before=$(stat -c '%s %Y %i' "$d/out.btf")
	run "$@" --format btf -o "$d/out.btf"
	if ((RC != 2)); then
		nok "$name-keeps-existing" "exit status $RC, expected 2"
	elif [[ $(cat "$d/out.btf") != precious || $(stat -c '%s %Y %i' "$d/out.btf") != "$before" ]]; then
		nok "$name-keeps-existing" "existing OUT was modified"
	elif [[ $(ls -A "$d") != out.btf ]]; then
		nok "$name-keeps-existing" "left behind: $(find "$d" -mindepth 1 ! -name out.btf | oneline)"
	else
		ok "$name-keeps-existing"
	fi
	rm -rf "$d"
}

NEEDLE=$T/truncated.btf out_case out-truncated-btf dump "$T/truncated.btf"
NEEDLE=$T/random.bin out_case out-random dump "$T/random.bin"
NEEDLE=$T/no-such-file.btf out_case out-nonexistent dump "$T/no-such-file.btf"
NEEDLE=$T/bad-type-id.btf out_case out-bad-type-id dump "$T/bad-type-id.btf"
NEEDLE=no_such_type_name out_case out-with-t-missing-name dump "$T/good.btf" -t no_such_type_name
# -t with --format btf writes the selected types as a standalone BTF
rm -f "$T/sel.btf"
if "$BTFTOOL" dump "$T/good.btf" -t int --format btf -o "$T/sel.btf" 2>/dev/null &&
   "$BTFTOOL" dump "$T/sel.btf" | grep -q "INT 'int'"; then ok out-with-t-selection-writes-subset
else nok out-with-t-selection-writes-subset "no valid subset BTF with 'int'"; fi
NEEDLE=--bogus out_case out-unknown-option dump "$T/good.btf" --bogus
# OUT in a directory that does not exist: fails, names OUT
err_case out-dir-missing "$T/nodir/out.btf" dump "$T/good.btf" --format btf -o "$T/nodir/out.btf"
[[ -e $T/nodir ]] && nok out-dir-missing-created "btftool created $T/nodir"
# OUT is a directory
mkdir "$T/isdir"
err_case out-is-directory "$T/isdir" dump "$T/good.btf" --format btf -o "$T/isdir"
if [[ -n $(ls -A "$T/isdir") ]]; then
	nok out-is-directory-no-leftovers "left behind: $(ls -A "$T/isdir" | oneline)"
else
	ok out-is-directory-no-leftovers
fi
# and the good case writes exactly the input, with nothing else around
mkdir "$T/goodout"
run dump "$T/good.btf" --format btf -o "$T/goodout/out.btf"
if ((RC == 0)) && cmp -s "$T/good.btf" "$T/goodout/out.btf" && [[ $(ls -A "$T/goodout") == out.btf && ! -s $T/stdout ]]; then
	ok out-good-written
else
	nok out-good-written "exit $RC, $(ls -A "$T/goodout" | oneline), stderr $(oneline <"$T/stderr")"
fi
rm -rf "$T/goodout"

# ------------------------------------------ kernel images and modules

if [[ ! -f $MANIFEST ]] && ! ((IN_CI)); then
	bash "$ROOT/testdata/fetch-kernels.sh" >/dev/null 2>&1 || true
fi
vmlinuz='' moddir=''
if [[ -f $MANIFEST ]]; then
	read -r _ vmlinuz moddir _ < <(grep -m1 '^6.1-new ' "$MANIFEST")
fi
if [[ -z $vmlinuz || ! -f $vmlinuz ]]; then
	skip kernel-images "no 6.1-new vmlinuz in $MANIFEST (run testdata/fetch-kernels.sh)"
else
	size=$(stat -c %s "$vmlinuz")
	head -c $((size / 2)) "$vmlinuz" >"$T/half.vmlinuz"
	err_case vmlinuz-truncated-50 "$T/half.vmlinuz" dump "$T/half.vmlinuz"
	# cut 100 bytes before the end of the compressed payload (its end is
	# found from the setup header: setup_sects 0x1f1, payload_offset 0x248,
	# payload_length 0x24c); what follows the payload does not matter
	ss=$(od -An -tu1 -j $((0x1f1)) -N1 "$vmlinuz" | tr -d ' ')
	((ss == 0)) && ss=4
	read -r po pl < <(od -An -tu4 -j $((0x248)) -N8 "$vmlinuz")
	head -c $(((ss + 1) * 512 + po + pl - 100)) "$vmlinuz" >"$T/short.vmlinuz"
	err_case vmlinuz-truncated-payload-end "$T/short.vmlinuz" dump "$T/short.vmlinuz"
	head -c 2048 "$vmlinuz" >"$T/setup.vmlinuz"
	err_case vmlinuz-setup-only "$T/setup.vmlinuz" dump "$T/setup.vmlinuz"
	# payload damaged in the middle (xz/zstd checks must catch it)
	cp "$vmlinuz" "$T/flipped.vmlinuz"
	printf '\x55\xaa\x55\xaa\x55\xaa\x55\xaa' | dd of="$T/flipped.vmlinuz" bs=1 seek=$((size / 2)) conv=notrunc status=none
	err_case vmlinuz-corrupt-payload "$T/flipped.vmlinuz" dump "$T/flipped.vmlinuz"
	NEEDLE=$T/half.vmlinuz out_case out-vmlinuz-truncated dump "$T/half.vmlinuz"
	rm -f "$T"/*.vmlinuz

	ko=$moddir/kernel/drivers/net/dummy.ko
	if [[ ! -f $ko ]]; then
		skip modules "$ko missing"
	else
		cp "$ko" "$T/dummy.ko"
		err_case module-without-B "$T/dummy.ko" dump "$T/dummy.ko"
		err_case module-without-B-json "$T/dummy.ko" dump "$T/dummy.ko" --format json
		NEEDLE=$T/dummy.ko out_case out-module-without-B dump "$T/dummy.ko"
		err_case module-B-nonexistent "$T/no-vmlinuz" dump "$T/dummy.ko" -B "$T/no-vmlinuz"
		err_case module-B-is-module "$T/dummy.ko" dump "$T/dummy.ko" -B "$T/dummy.ko"
		err_case module-id-out-of-range "$T/dummy.ko" dump "$T/dummy.ko" -B "$vmlinuz" --id 4000000
		if have xz; then
			xz -k "$T/dummy.ko"
			err_case module-xz-without-B "$T/dummy.ko.xz" dump "$T/dummy.ko.xz"
			s=$(stat -c %s "$T/dummy.ko.xz")
			head -c $((s / 2)) "$T/dummy.ko.xz" >"$T/cut.ko.xz"
			err_case module-xz-truncated "$T/cut.ko.xz" dump "$T/cut.ko.xz" -B "$vmlinuz"
		else
			skip module-xz "xz not installed"
		fi
		if have zstd; then
			zstd -q -k "$T/dummy.ko"
			s=$(stat -c %s "$T/dummy.ko.zst")
			head -c $((s / 2)) "$T/dummy.ko.zst" >"$T/cut.ko.zst"
			err_case module-zst-truncated "$T/cut.ko.zst" dump "$T/cut.ko.zst" -B "$vmlinuz"
		else
			skip module-zst "zstd not installed"
		fi
	fi
fi

exit $((nfail != 0))
