#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""
Malformed BPF objects for `btftool core explain`: robustness.md section 6,
items 32-40, derived from the seed object O built from
tests/bpf/core/bad_seed.bpf.c (little-endian ELF64).

    mkbad.py SEED.o OUTDIR

writes OUTDIR/<item>-<name>.o for every case and prints one line per case:
"<file> <what it breaks>".  Every case must make `btftool core explain`
fail with exit 2 and one line naming the file.

The seed's CO-RE records, in order: #0 type_size on an ALU immediate,
#1 byte_off on an LDX (field b), #2 enumval_value on an ldimm64, #3 (.text)
byte_off on an LDX.  .text holds two functions (two func_info records).
"""
import os
import struct
import subprocess
import sys

SHDR = struct.Struct('<IIQQQQIIQQ')
SYM = struct.Struct('<IBBHQQ')
SHT_NOBITS, SHT_SYMTAB, SHT_REL = 8, 2, 9


class Elf:
    def __init__(self, data):
        self.d = bytearray(data)
        assert self.d[:4] == b'\x7fELF' and self.d[4] == 2 and self.d[5] == 1
        self.shoff, = struct.unpack_from('<Q', self.d, 0x28)
        self.shnum, self.shstrndx = struct.unpack_from('<HH', self.d, 0x3c)
        self.sh = [list(SHDR.unpack_from(self.d, self.shoff + i * 64)) for i in range(self.shnum)]

    def name(self, i):
        st = self.sh[self.shstrndx]
        off = st[4] + self.sh[i][0]
        return bytes(self.d[off:self.d.index(b'\0', off)]).decode()

    def idx(self, name):
        for i in range(self.shnum):
            if self.name(i) == name:
                return i
        raise KeyError(name)

    def idx_type(self, t):
        return next(i for i in range(self.shnum) if self.sh[i][1] == t)

    def data(self, i):
        return bytes(self.d[self.sh[i][4]:self.sh[i][4] + self.sh[i][5]])

    def off(self, i):
        return self.sh[i][4]

    def set_data(self, i, data):
        """new contents for section i, appended at the end of the file"""
        while len(self.d) % 8:
            self.d.append(0)
        self.sh[i][4] = len(self.d)
        self.sh[i][5] = len(data)
        self.d += data

    def add_section(self, name, stype, data, align=4):
        st = self.shstrndx
        names = self.data(st)
        self.set_data(st, names + name.encode() + b'\0')
        while len(self.d) % 8:
            self.d.append(0)
        off = len(self.d)
        self.d += data
        self.sh.append([len(names), stype, 0, 0, off, len(data), 0, 0, align, 0])
        self.shnum += 1
        # the section header table moves to the end
        while len(self.d) % 8:
            self.d.append(0)
        self.shoff = len(self.d)
        self.d += b'\0' * (64 * self.shnum)

    def build(self):
        struct.pack_into('<Q', self.d, 0x28, self.shoff)
        struct.pack_into('<H', self.d, 0x3c, self.shnum)
        for i, s in enumerate(self.sh):
            SHDR.pack_into(self.d, self.shoff + i * 64, *s)
        return bytes(self.d)


class Ext:
    """.BTF.ext of the seed: header fields and record positions (section offsets)"""

    def __init__(self, data):
        self.d = bytearray(data)
        (self.magic, self.ver, self.flags, self.hdr_len, self.fo, self.fl, self.lo, self.ll, self.co,
         self.cl) = struct.unpack_from('<HBBIIIIIII', self.d, 0)

    def subsec(self, which):
        """[(rec_size, [(block_hdr_off, sec_name_off, num_info, [rec_off...])])]"""
        off, ln = {'func': (self.fo, self.fl), 'line': (self.lo, self.ll), 'core': (self.co, self.cl)}[which]
        base = self.hdr_len + off
        rec_size, = struct.unpack_from('<I', self.d, base)
        pos, end, blocks = base + 4, base + ln, []
        while pos < end:
            name_off, num = struct.unpack_from('<II', self.d, pos)
            recs = [pos + 8 + k * rec_size for k in range(num)]
            blocks.append((pos, name_off, num, recs))
            pos += 8 + num * rec_size
        return base, rec_size, blocks

    def recs(self, which):
        return [r for b in self.subsec(which)[2] for r in b[3]]


def btf_add_strings(btf, strs):
    """append strings to a raw .BTF blob; returns (new blob, [offsets])"""
    b = bytearray(btf)
    hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from('<IIIII', b, 4)
    end = hdr_len + str_off + str_len
    assert end == len(b), 'string section is not last'
    offs = []
    for s in strs:
        offs.append(len(b) - hdr_len - str_off)
        b += s.encode() + b'\0'
    struct.pack_into('<I', b, 20, len(b) - hdr_len - str_off)
    return bytes(b), offs


def nr_types(path):
    out = subprocess.run(['bpftool', 'btf', 'dump', 'file', path], capture_output=True, text=True,
                         check=True).stdout
    return max(int(l[1:l.index(']')]) for l in out.splitlines() if l.startswith('[')) + 1


def main():
    seed, outdir = sys.argv[1:3]
    raw = open(seed, 'rb').read()
    os.makedirs(outdir, exist_ok=True)
    cases = []

    def emit(name, what, mutate):
        e = Elf(raw)
        mutate(e)
        path = os.path.join(outdir, name + '.o')
        with open(path, 'wb') as f:
            f.write(e.build() if isinstance(e, Elf) else e)
        cases.append((path, what))

    def hdr(field_off, val, fmt='<I'):
        def m(e):
            struct.pack_into(fmt, e.d, field_off, val)
        return m

    def sh_field(secname, field, val):
        def m(e):
            i = e.idx(secname) if isinstance(secname, str) else secname(e)
            e.sh[i][field] = val
        return m

    def ext(f):
        """mutate the .BTF.ext bytes in place (same size) through f(e, ext, base)"""
        def m(e):
            i = e.idx('.BTF.ext')
            x = Ext(e.data(i))
            f(x)
            e.d[e.off(i):e.off(i) + len(x.d)] = x.d
        return m

    def ext_u32(getoff, val):
        return ext(lambda x: struct.pack_into('<I', x.d, getoff(x), val))

    # ---- 32: .BTF without data
    emit('32-btf-nobits', '.BTF is SHT_NOBITS', sh_field('.BTF', 1, SHT_NOBITS))
    emit('32-btf-past-eof', '.BTF sh_size runs past the end of the file', sh_field('.BTF', 5, len(raw)))

    # ---- 33: extended section numbering (e_shnum = 0, count in shdr[0].sh_size)
    def shnum0(count):
        def m(e):
            n = e.shnum
            e.build()
            struct.pack_into('<H', e.d, 0x3c, 0)
            SHDR.pack_into(e.d, e.shoff, 0, 0, 0, 0, 0, count(n), 0, 0, 0, 0)
            e.shnum = 0
            e.sh = []
            e.build = lambda: bytes(e.d)
        return m
    emit('33-shnum0-lie', 'e_shnum = 0 and shdr[0].sh_size = count + 1000 (past EOF)', shnum0(lambda n: n + 1000))
    emit('33-shnum0-lie-big', 'e_shnum = 0 and shdr[0].sh_size = 2^40', shnum0(lambda n: 1 << 40))

    # ---- 34: entry sizes
    emit('34-symtab-entsize0', 'symbol table with sh_entsize 0',
         sh_field(lambda e: e.idx_type(SHT_SYMTAB), 9, 0))
    emit('34-rel-entsize8', 'relocation section with sh_entsize 8 (not 16)',
         sh_field('.reltp_btf/sys_enter', 9, 8))

    # ---- 35: program symbol value overflows
    def bad_sym(e):
        i = e.idx_type(SHT_SYMTAB)
        strtab = e.sh[e.sh[i][6]]
        for k in range(e.sh[i][5] // 24):
            so = e.off(i) + 24 * k
            nm, info, other, shndx, val, size = SYM.unpack_from(e.d, so)
            no = strtab[4] + nm
            if bytes(e.d[no:no + 5]) == b'seed\0':
                SYM.pack_into(e.d, so, nm, info, other, shndx, 0xffffffffffffffb8, size)
                return
        raise SystemExit('no symbol seed')
    emit('35-sym-value-overflow', "program symbol st_value 0xffffffffffffffb8", bad_sym)

    # ---- 36: .BTF.ext framing
    emit('36-ext-hdrlen16', '.BTF.ext hdr_len 16', ext_u32(lambda x: 4, 16))
    emit('36-ext-funcoff2', '.BTF.ext func_info_off 2 (unaligned)', ext(lambda x: struct.pack_into('<I', x.d, 8, x.fo + 2)))
    emit('36-ext-recsize4', '.BTF.ext func_info rec_size 4', ext_u32(lambda x: x.subsec('func')[0], 4))
    emit('36-ext-numinfo0', '.BTF.ext func_info num_info 0',
         ext_u32(lambda x: x.subsec('func')[2][0][0] + 4, 0))
    emit('36-ext-numinfo-huge', '.BTF.ext core_relo num_info 0x40000000',
         ext_u32(lambda x: x.subsec('core')[2][0][0] + 4, 0x40000000))
    emit('36-ext-corelen-past-end', '.BTF.ext core_relo_len past the end',
         ext_u32(lambda x: 28, 0x10000))
    emit('36-ext-hdrlen28', '.BTF.ext hdr_len 28 (half a core_relo header)', ext_u32(lambda x: 4, 28))

    # ---- 37: record instruction offsets
    emit('37-func-insnoff-unaligned', 'second .text func_info insn_off not a multiple of 8',
         ext(lambda x: struct.pack_into('<I', x.d, x.recs('func')[2],
                                         struct.unpack_from('<I', x.d, x.recs('func')[2])[0] + 4)))
    emit('37-func-not-increasing', 'second .text func_info insn_off 0 (not increasing)',
         ext_u32(lambda x: x.recs('func')[2], 0))
    emit('37-func-first-not-0', 'first func_info of a section at insn_off 8',
         ext_u32(lambda x: x.recs('func')[0], 8))

    def line_into_ldimm64(x):
        core = x.recs('core')
        ld = struct.unpack_from('<I', x.d, core[2])[0]       # byte offset of the ldimm64
        for r in x.recs('line'):
            if struct.unpack_from('<I', x.d, r)[0] == ld + 16:  # the line record just after it
                struct.pack_into('<I', x.d, r, ld + 8)
                return
        raise SystemExit('no line_info after the ldimm64')
    emit('37-line-ldimm64-half', 'line_info on the second half of an ldimm64', ext(line_into_ldimm64))

    # ---- 38: CO-RE record contents
    def access(rec, s):
        def m(e):
            bi = e.idx('.BTF')
            btf, (off,) = btf_add_strings(e.data(bi), [s])
            e.set_data(bi, btf)
            i = e.idx('.BTF.ext')
            x = Ext(e.data(i))
            struct.pack_into('<I', x.d, x.recs('core')[rec] + 8, off)
            e.d[e.off(i):e.off(i) + len(x.d)] = x.d
        return m
    for tag, s in [('empty', ''), ('colon0', ':0'), ('double-colon', '0::1'), ('trailing-colon', '0:'),
                   ('negative', '-1'), ('plus', '0:+1'), ('space', ' 0'), ('overflow', '0:99999999999'),
                   ('65-accessors', ':'.join(['0'] * 65)), ('letters', '0:a')]:
        emit('38-access-' + tag, 'byte_off access string "%s"' % (s if len(s) < 20 else s[:16] + '...'),
             access(1, s))
    emit('38-access-type-1', 'type_size access string "1"', access(0, '1'))
    emit('38-kind-13', 'CO-RE relocation kind 13', ext_u32(lambda x: x.recs('core')[0] + 12, 13))
    ntypes = nr_types(seed)
    emit('38-typeid-nr-types', 'CO-RE type_id = number of types (%d)' % ntypes,
         ext_u32(lambda x: x.recs('core')[0] + 4, ntypes))
    emit('38-insnoff-unaligned', 'CO-RE insn_off not a multiple of 8',
         ext(lambda x: struct.pack_into('<I', x.d, x.recs('core')[1],
                                         struct.unpack_from('<I', x.d, x.recs('core')[1])[0] + 4)))
    emit('38-insnoff-past-end', 'CO-RE insn_off past the end of its section',
         ext_u32(lambda x: x.recs('core')[1], 0x10000))

    # ---- 39: CO-RE record on an instruction that cannot be patched
    def insn_code(rec, delta, code):
        def m(e):
            x = Ext(e.data(e.idx('.BTF.ext')))
            ioff = struct.unpack_from('<I', x.d, x.recs('core')[rec])[0]
            e.d[e.off(e.idx('tp_btf/sys_enter')) + ioff + 8 * delta] = code
        return m
    emit('39-relo-on-ja', 'CO-RE byte_off record on a JA instruction', insn_code(1, 0, 0x05))
    emit('39-relo-on-call', 'CO-RE type_size record on a CALL instruction', insn_code(0, 0, 0x85))
    emit('39-ldimm64-bad-second', 'CO-RE record on an ldimm64 whose second slot has code 0x07',
         insn_code(2, 1, 0x07))

    # ---- 40: distilled base plus a malformed .BTF.ext
    def with_base(e):
        e.add_section('.BTF.base', 1, e.data(e.idx('.BTF')))
        i = e.idx('.BTF.ext')
        x = Ext(e.data(i))
        struct.pack_into('<I', x.d, x.subsec('func')[0], 4)
        e.d[e.off(i):e.off(i) + len(x.d)] = x.d
    emit('40-btf-base-bad-ext', '.BTF.base section and a .BTF.ext with func_info rec_size 4', with_base)

    for path, what in cases:
        print('%s\t%s' % (path, what))


if __name__ == '__main__':
    main()
