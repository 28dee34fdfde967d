#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Regenerates the seed files (seed-*) of the fuzz corpora fuzz/corpus/<harness>/
# from small inputs of our own: synthetic BTF blobs (fuzz/gen_seeds.c), BPF
# objects compiled from fuzz/core_local.bpf.c and tests/bpf/ with clang-19,
# tiny ELF files made around the blobs, their compressed forms and a fake
# bzImage, and the first types of a kernel module's BTF when the kernel
# cache of testdata/fetch-kernels.sh has one.  Other files in the corpora
# (regressions added by hand) are left alone.
#
#   fuzz/mkcorpus.sh            (uses $O/libbtfx.a, default O=build)
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-build}
OUT=fuzz/corpus
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
OBJCOPY=llvm-objcopy-19
BPFCC=(clang-19 -g -O2 -I/usr/include/"$(gcc -print-multiarch)" -Itests/bpf/core)

[ -f "$O/libbtfx.a" ] || make --no-print-directory O="$O" "$O/libbtfx.a" >/dev/null
gcc -std=gnu11 -O1 -g -D_GNU_SOURCE -Iinclude -Ilibbtfx -Itests/unit/helpers -o "$T/gen_seeds" \
	fuzz/gen_seeds.c tests/unit/helpers/btf_builder.c tests/unit/helpers/corpus.c "$O/libbtfx.a" \
	-lelf -lz -llzma -llz4 -lzstd -lbz2 -lpthread
"$T/gen_seeds" "$T/syn"

rm -f "$OUT"/*/seed-*
seed() { # seed HARNESS NAME FILE
	mkdir -p "$OUT/$1"
	cp "$3" "$OUT/$1/seed-$2"
}
for d in "$T"/syn/*; do
	for f in "$d"/*; do seed "$(basename "$d")" "$(basename "$f")" "$f"; done
done

# ---- BPF objects (debug info stripped: .BTF and .BTF.ext stay)
bpfobj() { # bpfobj NAME SRC TARGET
	"${BPFCC[@]}" -target "$3" -c "$2" -o "$T/$1.full.o"
	$OBJCOPY --strip-debug "$T/$1.full.o" "$T/$1.o"
}
bpfobj core_local fuzz/core_local.bpf.c bpf
bpfobj core_local_be fuzz/core_local.bpf.c bpfeb
bpfobj ksym_void tests/bpf/ksym_void.c bpf
bpfobj bitfields tests/bpf/core/bitfields.bpf.c bpf
for n in core_local core_local_be ksym_void bitfields; do seed elf "obj-$n" "$T/$n.o"; done

# .BTF.ext of the object fuzz_btf_ext embeds, and of others (other sections and ids)
for n in core_local bitfields ksym_void; do
	$OBJCOPY --dump-section .BTF.ext="$T/$n.ext" "$T/$n.o" 2>/dev/null && seed btf_ext "$n" "$T/$n.ext"
done
python3 - "$T/core_local.ext" "$T" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
t = sys.argv[2]
hl = struct.unpack_from('<I', d, 4)[0]
fo, fl, lo, ll, co, cl = struct.unpack_from('<6I', d, 8)
def hdr(fo_, fl_, lo_, ll_, co_, cl_):
    return d[:8] + struct.pack('<6I', fo_, fl_, lo_, ll_, co_, cl_) + d[32:hl]
body = d[hl:]
# func_info only, line_info only, core_relo only
open(t + '/ext_func', 'wb').write(hdr(fo, fl, 0, 0, 0, 0) + body)
open(t + '/ext_line', 'wb').write(hdr(0, 0, lo, ll, 0, 0) + body)
open(t + '/ext_core', 'wb').write(hdr(0, 0, 0, 0, co, cl) + body)
# 24-byte header (no core_relo fields)
open(t + '/ext_hdr24', 'wb').write(d[:4] + struct.pack('<5I', 24, fo, fl, lo, ll) + body)
PY
for n in ext_func ext_line ext_core ext_hdr24; do seed btf_ext "core_local_$n" "$T/$n"; done

# ---- CO-RE targets: the object's own BTF, and a target where things moved
$OBJCOPY --dump-section .BTF="$T/self.btf" "$T/core_local.o"
seed core self "$T/self.btf"
cat >"$T/tgt.c" <<'C'
struct fz_inner { long pad; int x; short y; };
enum fz_en { FZ_B = 5, FZ_C = 6 };
enum fz_en64 { FZ_BIG = 0x200000000ULL };
typedef int fz_u32;
struct fz_s {
	long a;
	unsigned int bf2 : 9, bf1 : 2;
	int sbf : 3;
	char b;
	int arr[8];
	struct fz_inner *pin;
	struct fz_inner in;
	union { long u1; char u2; };
	fz_u32 td;
	enum fz_en en;
	int m[2][3];
};
union fz_u { int i; };
struct fz_s___v2 { int a; };
struct fz_s tgt_s;
union fz_u tgt_u;
enum fz_en64 tgt_e;
C
"${BPFCC[@]}" -target bpf -c "$T/tgt.c" -o "$T/tgt.o"
$OBJCOPY --dump-section .BTF="$T/tgt.btf" "$T/tgt.o"
seed core moved "$T/tgt.btf"
cp "$OUT/btf_raw/seed-fuzz_base" "$OUT/core/seed-fuzz_base"

# ---- tiny ELF files around BTF blobs: plain ELF with .BTF, a module
# (.modinfo, split BTF on the fixed base), a module with a .BTF.base
echo 'int tiny(void) { return 0; }' >"$T/tiny.c"
gcc -O2 -c "$T/tiny.c" -o "$T/tiny.o"
$OBJCOPY --remove-section .comment --remove-section .note.GNU-stack --remove-section .eh_frame \
	--remove-section .rela.eh_frame "$T/tiny.o" "$T/tiny0.o"
printf 'name=tiny\0' >"$T/modinfo"
$OBJCOPY --add-section .BTF="$OUT/btf_raw/seed-all_kinds" --set-section-alignment .BTF=4 "$T/tiny0.o" "$T/elf_btf.o"
$OBJCOPY --add-section .BTF="$OUT/btf_split/seed-mod" --set-section-alignment .BTF=4 \
	--add-section .modinfo="$T/modinfo" "$T/tiny0.o" "$T/elf_mod.o"
$OBJCOPY --add-section .BTF.base="$OUT/btf_raw/seed-fuzz_base" --set-section-alignment .BTF.base=4 "$T/elf_mod.o" \
	"$T/elf_mod_base.o"
seed elf tiny_btf "$T/elf_btf.o"
seed elf tiny_module "$T/elf_mod.o"
seed elf tiny_module_btf_base "$T/elf_mod_base.o"
seed elf raw_btf "$OUT/btf_raw/seed-all_kinds"

# ---- compressed forms of the tiny ELF (as .ko.xz etc. and kernel payloads)
E="$T/elf_btf.o"
gzip -9 -n -c "$E" >"$T/c.gz"; bzip2 -9 -c "$E" >"$T/c.bz2"; xz -c --check=crc32 "$E" >"$T/c.xz"
lzma -c "$E" >"$T/c.lzma"; lz4 -q -l -c "$E" >"$T/c.lz4l"; lz4 -q -c "$E" >"$T/c.lz4"; zstd -q -19 -c "$E" >"$T/c.zst"
for c in gz bz2 xz lzma lz4l lz4 zst; do seed image "$c" "$T/c.$c"; done
zstd -q -c "$OUT/btf_raw/seed-all_kinds" >"$T/btf.zst"
seed image raw_btf_zst "$T/btf.zst"
# a bzImage: setup header ("HdrS", version 2.08+), payload_offset/length,
# the payload followed by the little-endian decompressed size
python3 - "$T" "$E" <<'PY'
import struct, sys, os
t, e = sys.argv[1], sys.argv[2]
size = os.path.getsize(e)
for c in ('gz', 'xz', 'zst'):
    pl = open(f'{t}/c.{c}', 'rb').read()
    if c != 'gz':
        pl += struct.pack('<I', size)
    setup = bytearray(1024)              # setup_sects = 1: payload area at 2 * 512
    setup[0x1f1] = 1
    setup[0x202:0x206] = b'HdrS'
    struct.pack_into('<H', setup, 0x206, 0x20f)
    prefix = b'\0' * 64                  # decompressor stub stand-in
    struct.pack_into('<II', setup, 0x248, len(prefix), len(pl))
    open(f'{t}/bz_{c}', 'wb').write(bytes(setup) + prefix + pl)
# no setup header: junk, then an xz stream (scanned for)
open(f'{t}/scan_xz', 'wb').write(b'\x5d\0\0junk' * 8 + open(f'{t}/c.xz', 'rb').read())
PY
for n in bz_gz bz_xz bz_zst scan_xz; do seed image "$n" "$T/$n"; done

# ---- the first types of a real module's split BTF (strings cut to what they use)
KO=$(find "${BTFX_CACHE:-$HOME/.cache/btfx}/kernels" -name crc8.ko 2>/dev/null | head -1 || true)
if [ -n "$KO" ] && $OBJCOPY --dump-section .BTF="$T/mod.btf" "$KO" "$T/ko.o" 2>/dev/null; then
	python3 - "$T/mod.btf" "$T/mod_trunc.btf" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
magic, ver, flags, hl, to, tl, so, sl = struct.unpack_from('<HBBIIIII', d, 0)
types = d[hl + to:hl + to + tl]
strs = d[hl + so:hl + so + sl]
elem = {4: 12, 5: 12, 6: 8, 13: 8, 15: 12, 19: 12}
extra = {1: 4, 3: 12, 14: 4, 17: 4}
off, n, maxs = 0, 0, 0
while off < len(types) and n < 24:
    name, info, _ = struct.unpack_from('<III', types, off)
    kind, vlen = (info >> 24) & 0x1f, info & 0xffff
    sz = 12 + extra.get(kind, 0) + vlen * elem.get(kind, 0)
    names = [name]
    if kind in (4, 5, 6, 13, 19):
        step = elem[kind]
        names += [struct.unpack_from('<I', types, off + 12 + i * step)[0] for i in range(vlen)]
    maxs = max([maxs] + names)
    off += sz
    n += 1
types = types[:off]
end = strs.index(b'\0', maxs) + 1 if maxs < len(strs) else len(strs)
strs = strs[:end]
hdr = struct.pack('<HBBIIIII', magic, ver, flags, 24, 0, len(types), len(types), len(strs))
open(sys.argv[2], 'wb').write(hdr + types + strs)
PY
	seed btf_split module_crc8_trunc "$T/mod_trunc.btf"
	seed btf_raw module_crc8_trunc "$T/mod_trunc.btf"
fi

# ---- seeds that reproduced a finding keep its name (regress-F<n>-*, see docs/robustness.md)
for f in "$OUT"/btf_raw/seed-k_hdr2[56]_*; do  # F1: odd header lengths
	[ -f "$f" ] && mv "$f" "$OUT/btf_raw/regress-F1-${f##*/seed-}"
done
du -sb "$OUT" | awk '{ printf "fuzz/corpus: %d bytes\n", $1 }'
for d in "$OUT"/*/; do printf '  %-10s %3d files\n' "$(basename "$d")" "$(ls "$d" | wc -l)"; done
