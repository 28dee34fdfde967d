#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""
The instructions `btftool core reloc OBJ --target T -o R.o` writes, against
the patches libbpf logs for the same object and target.

    reloc_vs_libbpf.py NAME R.o LIBBPF.log

For every relocation libbpf decided (tests/core/libbpf_load output):
  "patched insn #I (ALU/ALU64) imm A -> B"     R.o's insn I has imm B
  "patched insn #I (LDX/ST/STX) off A -> B"    insn I has off B
  "patched insn #I (LDX/ST/STX) mem_sz A -> B" insn I accesses B bytes
  "patched insn #I (LDIMM64) imm64 A -> B"     insns I, I+1 hold B
  "substituting insn #I w/ invalid insn"       insn I is call 0xbad2310
I is relative to the program (its ELF symbol gives the start in its
section).  Prints "ok NAME (N instructions)" or "not ok NAME: ..." per
mismatch; exit 1 on any.
"""
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkbad  # noqa: E402  (the ELF reader)

RELO = re.compile(r"^LOG libbpf: prog '([^']+)': relo #(\d+): (.*)$")
SIZES = {0x00: 4, 0x08: 2, 0x10: 1, 0x18: 8}


def prog_insns(elf):
    """{prog name: (section index, first byte offset)}"""
    st = elf.idx_type(mkbad.SHT_SYMTAB)
    strtab = elf.sh[elf.sh[st][6]]
    out = {}
    data = elf.data(st)
    for k in range(len(data) // 24):
        nm, info, _other, shndx, val, _size = mkbad.SYM.unpack_from(data, 24 * k)
        if info & 0xf != 2:  # STT_FUNC
            continue
        no = strtab[4] + nm
        name = bytes(elf.d[no:elf.d.index(b'\0', no)]).decode()
        out[name] = (shndx, val)
    return out


def main():
    name, robj, logp = sys.argv[1:4]
    elf = mkbad.Elf(open(robj, 'rb').read())
    progs = prog_insns(elf)
    bad, n = [], 0
    for line in open(logp, errors='replace'):
        m = RELO.match(line.rstrip('\n'))
        if not m:
            continue
        prog, idx, msg = m.group(1), int(m.group(2)), m.group(3)
        pm = re.match(r'^patched insn #(\d+) \(([^)]*)\) (imm64|imm|off|mem_sz) (\d+) -> (\d+)$', msg)
        sm = re.match(r'^substituting insn #(\d+) w/ invalid insn$', msg)
        if not pm and not sm:
            continue
        if prog not in progs:
            bad.append('%s relo #%d: no program symbol %s' % (prog, idx, prog))
            continue
        sec, start = progs[prog]
        i = int((pm or sm).group(1))
        base = elf.off(sec) + start + 8 * i
        code = elf.d[base]
        off, imm = struct.unpack_from('<hi', elf.d, base + 2)
        where = '%s relo #%d insn #%d' % (prog, idx, i)
        n += 1
        if sm:
            if code != 0x85 or imm != 0xbad2310:
                bad.append('%s: libbpf poisons it, R.o has code 0x%02x imm %d' % (where, code, imm))
            continue
        what, val = pm.group(3), int(pm.group(5))
        if what == 'imm' and imm % (1 << 32) != val % (1 << 32):
            bad.append('%s: imm %d, libbpf %d' % (where, imm, val))
        elif what == 'off' and off % (1 << 16) != val % (1 << 16):
            bad.append('%s: off %d, libbpf %d' % (where, off, val))
        elif what == 'mem_sz' and SIZES.get(code & 0x18) != val:
            bad.append('%s: access size %s, libbpf %d' % (where, SIZES.get(code & 0x18), val))
        elif what == 'imm64':
            hi, = struct.unpack_from('<i', elf.d, base + 12)
            v = (imm % (1 << 32)) | ((hi % (1 << 32)) << 32)
            if v != val:
                bad.append('%s: imm64 %d, libbpf %d' % (where, v, val))
    for b in bad:
        print('not ok %s: %s' % (name, b))
    if not bad:
        if n == 0:
            print('not ok %s: no patch in the libbpf log' % name)
            return 1
        print('ok %s (%d patched instructions equal libbpf\'s)' % (name, n))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
