#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""
Differential check of btfx's CO-RE decisions against libbpf's.

    libbpf_diff.py NAME EXPLAIN.json LIBBPF.log [KNOWN]

EXPLAIN.json: `btftool core explain OBJ --target T --json` (one target).
LIBBPF.log:   output of tests/core/libbpf_load OBJ [--btf T] (libbpf's
              debug log as "LOG ..." lines, then "LOAD ok|fail E").
KNOWN:        optional file of documented differences, one per line:
              "PROG #N reason" (a relocation where libbpf 1.1 is known to
              decide differently from newer libbpf and btfx follows the
              newer one); such a relocation must differ, as documented.

libbpf numbers relocations per program section ("prog 'P': relo #N"), in
.BTF.ext order; btfx's JSON lists them in the same order, so relocation N
of a section is the N-th btfx relocation of that section.  For each one
the decision must be the same: the value patched (ALU imm compared as 32
bits, LDX/ST/STX offsets as 16, ldimm64 as 64), or poisoned, or a failed
relocation; the instruction index must be the same; and so must the
candidates libbpf reports as matching / non-matching (btfx's candidates
pruned by an earlier relocation are not reported by libbpf).  libbpf stops
at its first failing relocation: later ones are not compared.

Prints one "ok"/"not ok" line per object and one "not ok" line per
differing relocation.  Exit 1 on any difference.
"""
import json
import re
import sys

RELO = re.compile(r"^LOG libbpf: prog '([^']+)': relo #(\d+): (.*)$")


def parse_libbpf(path):
    """{(prog, n): {...}}, load result"""
    d, load = {}, None
    order = []
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        if line.startswith('LOAD '):
            load = line[5:]
            continue
        m = RELO.match(line)
        if not m:
            continue
        key = (m.group(1), int(m.group(2)))
        msg = m.group(3)
        r = d.get(key)
        if r is None:
            r = d[key] = {'cands': [], 'decision': None, 'insn': None, 'memsz': None, 'msgs': []}
            order.append(key)
        r['msgs'].append(msg)
        mm = re.match(r'^(non-)?matching candidate #(\d+) <\w+> \[(\d+)\]', msg)
        if mm:
            r['cands'].append((int(mm.group(3)), mm.group(1) is None))
            continue
        mm = re.match(r'^patched insn #(\d+) \(([^)]*)\) (imm64|imm|off|mem_sz) (\d+) -> (\d+)$', msg)
        if mm:
            if mm.group(3) == 'mem_sz':
                r['memsz'] = (int(mm.group(4)), int(mm.group(5)))
            else:
                r['insn'] = int(mm.group(1))
                r['decision'] = ('value', mm.group(3), int(mm.group(5)))
            continue
        mm = re.match(r'^substituting insn #(\d+) w/ invalid insn$', msg)
        if mm:
            r['insn'] = int(mm.group(1))
            r['decision'] = ('poison',)
            continue
        if msg.startswith('failed to relocate') or msg.startswith('failed to patch insn'):
            r['decision'] = ('error', msg)
    return d, order, load


def main():
    name, js, logp = sys.argv[1:4]
    known = {}
    if len(sys.argv) > 4:
        for line in open(sys.argv[4]):
            line = line.strip()
            if line and not line.startswith('#'):
                p, n, why = line.split(None, 2)
                known[(p, int(n.lstrip('#')))] = why
    doc = json.load(open(js))
    lib, order, load = parse_libbpf(logp)
    if not order:
        print('not ok %s: libbpf reported no CO-RE relocation (load: %s)' % (name, load))
        return 1
    # the error (if any) that stopped libbpf
    stop = next((k for k in order if lib[k]['decision'] and lib[k]['decision'][0] == 'error'), None)
    bad = 0
    compared = 0
    per_sec = {}
    for r in doc['relocations']:
        n = per_sec.get(r['section'], 0)
        per_sec[r['section']] = n + 1
        key = (r['program'], n)
        res = r['results'][0]
        where = '%s %s relo #%d (%s)' % (name, r['program'], n, r['local_spec'])
        lr = lib.get(key)
        if lr is None:
            if stop is not None:
                continue  # libbpf gave up before this one
            print('not ok %s: libbpf did not report it' % where)
            bad += 1
            continue
        dec = lr['decision']
        st = res['status']
        if dec is None:
            print('not ok %s: no decision in libbpf log: %s' % (where, ' | '.join(lr['msgs'])))
            bad += 1
            continue
        if dec[0] == 'value':
            width = {'imm': 32, 'off': 16, 'imm64': 64}[dec[1]]
            same = st == 'ok' and (res['new_val'] % (1 << width)) == dec[2] % (1 << width)
            libs = 'value %d (%s)' % (dec[2], dec[1])
        elif dec[0] == 'poison':
            same = st == 'poisoned'
            libs = 'poison'
        else:
            same = st == 'error'
            libs = 'error (%s)' % dec[1]
        btfxs = st if st != 'ok' else 'value %d' % res['new_val']
        if same and lr['insn'] is not None and lr['insn'] != r['insn']:
            same = False
            libs += ' at insn #%d, btfx insn #%d' % (lr['insn'], r['insn'])
        # candidate verdicts, except those btfx reports as pruned earlier
        bc = [(c['id'], c['matched']) for c in res.get('candidates', [])
              if c['matched'] or 'ruled out' not in c.get('why', '')]
        if same and lr['cands'] and bc != lr['cands']:
            same = False
            libs += ', candidates %s vs btfx %s' % (lr['cands'], bc)
        compared += 1
        if key in known:
            if same:
                print('not ok %s: documented libbpf 1.1 difference (%s) did not show: both %s' %
                      (where, known[key], btfxs))
                bad += 1
            else:
                print('# %s: libbpf 1.1 %s, btfx %s: documented: %s' % (where, libs, btfxs, known[key]))
            continue
        if not same:
            print('not ok %s: libbpf %s, btfx %s' % (where, libs, btfxs))
            bad += 1
    if not bad:
        print('ok %s (%d relocations agree with libbpf%s; load %s)' %
              (name, compared, ', libbpf stopped at relo #%d' % stop[1] if stop else '', load))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
