#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""
Compare `btftool core explain OBJ --target T1 --target T2 ... --json` with
the expectations the corpus targets print (tests/core/expect.h).

    check_expect.py NAME EXPLAIN.json LOCAL.o GROUP TARGET.o=EXPECT.txt ... [--rc N]

For every relocation of the object and every target: the relocation's
local spec (type id and raw part stripped) must have an expectation in the
target's GROUP section, and btfx's result must equal it (a value, poison or
error).  Type ids ("tid:KIND:NAME" / "lid:KIND:NAME") are looked up in the
target / local BTF with bpftool, not with btfx.

--rc N: explain's exit status, which must be 1 if any result is not "ok"
(poisoned or error) and 0 otherwise.

Prints "ok NAME/TARGET (N relocations)" or one "not ok NAME/TARGET#I: ..."
line per wrong relocation; exits 1 if anything was wrong.
"""
import json
import re
import subprocess
import sys

SPEC_RE = re.compile(r'^<(\w+)> \[\d+\] (.*?)(?: \(.*\))?$')


def spec_key(local_spec):
    m = SPEC_RE.match(local_spec)
    if not m:
        return None
    kind, rest = m.group(1), m.group(2)
    # enum kinds: "enum e::A = 1" -> "enum e::A"
    rest = re.sub(r' = -?\d+$', '', rest)
    return '<%s> %s' % (kind, rest)


def load_expect(path, group):
    exp, cur = {}, None
    with open(path) as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('@'):
                cur = line[1:]
                continue
            if cur != group or not line:
                continue
            key, val = line.split('\t')
            if key in exp and exp[key] != val:
                raise SystemExit('%s: conflicting expectations for %s' % (path, key))
            exp[key] = val
    return exp


_ids = {}


def btf_ids(path):
    """{(KIND, name): [ids]} from bpftool's raw dump"""
    if path not in _ids:
        out = subprocess.run(['bpftool', 'btf', 'dump', 'file', path], capture_output=True, text=True,
                             check=True).stdout
        d = {}
        for line in out.splitlines():
            m = re.match(r"^\[(\d+)\] (\w+) '([^']*)'", line)
            if m:
                d.setdefault((m.group(2), m.group(3)), []).append(int(m.group(1)))
        _ids[path] = d
    return _ids[path]


def resolve(val, local, target):
    m = re.match(r'^(tid|lid):(\w+):(.*)$', val)
    if not m:
        return val
    ids = btf_ids(target if m.group(1) == 'tid' else local).get((m.group(2), m.group(3)), [])
    if len(ids) != 1:
        raise SystemExit('%s: %d types %s %s' % (target if m.group(1) == 'tid' else local, len(ids),
                                                 m.group(2), m.group(3)))
    return str(ids[0])


def main():
    name, js, local, group = sys.argv[1:5]
    rest, rc = sys.argv[5:], None
    if '--rc' in rest:
        i = rest.index('--rc')
        rc = int(rest[i + 1])
        rest = rest[:i] + rest[i + 2:]
    pairs = [a.split('=', 1) for a in rest]
    doc = json.load(open(js))
    bad = 0
    if rc is not None:
        anyfail = any(res['status'] != 'ok' for r in doc['relocations'] for res in r['results'])
        if rc != (1 if anyfail else 0):
            print('not ok %s: core explain exit %d, expected %d' % (name, rc, 1 if anyfail else 0))
            bad += 1
    for ti, (tpath, epath) in enumerate(pairs):
        exp = load_expect(epath, group)
        tname = tpath.rsplit('/', 1)[-1]
        n = 0
        bad0 = bad
        for r in doc['relocations']:
            res = r['results'][ti]
            if res['target'] != tpath:
                raise SystemExit('target order: %s != %s' % (res['target'], tpath))
            key = spec_key(r['local_spec'])
            where = '%s/%s#%d' % (name, tname, r['index'])
            if key not in exp:
                print('not ok %s: no expectation for "%s" (access %s)' % (where, key or r['local_spec'],
                                                                           r['access']))
                bad += 1
                continue
            want = resolve(exp[key], local, tpath)
            st = res['status']
            if want == 'poison':
                okay = st == 'poisoned'
            elif want == 'error':
                okay = st == 'error'
            else:
                okay = st == 'ok' and res.get('new_val') == int(want) % (1 << 64)
            if not okay:
                got = st if st != 'ok' else 'value %d' % res['new_val']
                print('not ok %s: %s: expected %s, btfx says %s%s' %
                      (where, key, want, got, (' (' + res['reason'] + ')') if res.get('reason') else ''))
                bad += 1
            n += 1
        if bad == bad0:
            print('ok %s/%s (%d relocations)' % (name, tname, n))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
