#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Compare `btftool dump --format json` with `bpftool -j btf dump file`.

usage: jsoncmp.py BTFTOOL_JSON BPFTOOL_JSON [--ids ID,...] [--names NAME,...]

Both documents are parsed (Python ints are unbounded, so 64-bit enum values
compare exactly) and compared as values: same keys, same values, same type
order.  With --ids/--names, the bpftool side is first reduced to the types
with those ids or names (the selection `btftool dump -t/--id` must make).

Prints one line and exits:
  0  equal
  1  values differ (the line names the first differing type)
  2  btftool's JSON is not valid JSON
  3  bpftool's JSON is not valid JSON (the comparison cannot be made)
  4  usage or I/O error
"""
import json
import sys


def load(path):
    with open(path, 'rb') as f:
        data = f.read()
    # bpftool writes names' bytes raw, so decode leniently only to report
    # the position; strict UTF-8 is part of "valid JSON".
    text = data.decode('utf-8')
    return json.loads(text)


def short(v, n=160):
    s = json.dumps(v, sort_keys=False)
    return s if len(s) <= n else s[:n] + '...'


def first_diff(a, b, path=''):
    """Path and values of the first difference between a and b."""
    if type(a) is not type(b):
        return path, a, b
    if isinstance(a, dict):
        for k in list(a.keys()) + [k for k in b.keys() if k not in a]:
            if k not in a or k not in b:
                return f'{path}.{k}', a.get(k, '<missing>'), b.get(k, '<missing>')
            d = first_diff(a[k], b[k], f'{path}.{k}')
            if d:
                return d
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, f'{path}[{i}]')
            if d:
                return d
        if len(a) != len(b):
            return f'{path}.length', len(a), len(b)
        return None
    return None if a == b else (path, a, b)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2])
        return 4
    ids = names = None
    rest = argv[3:]
    while rest:
        opt = rest.pop(0)
        if opt == '--ids' and rest:
            ids = {int(x) for x in rest.pop(0).split(',') if x}
        elif opt == '--names' and rest:
            names = {x for x in rest.pop(0).split(',') if x}
        else:
            print(f'jsoncmp: bad argument {opt!r}')
            return 4
    try:
        mine = load(argv[1])
    except (ValueError, UnicodeDecodeError) as e:
        print(f'btftool JSON is invalid: {e}')
        return 2
    try:
        ref = load(argv[2])
    except (ValueError, UnicodeDecodeError) as e:
        print(f'bpftool JSON is invalid: {e}')
        return 3
    if not isinstance(ref, dict) or not isinstance(ref.get('types'), list):
        print('bpftool JSON has no "types" array')
        return 3
    if not isinstance(mine, dict) or not isinstance(mine.get('types'), list):
        print(f'btftool JSON top level is not {{"types":[...]}}: {short(mine)}')
        return 1
    if ids is not None or names is not None:
        ref = {'types': [t for t in ref['types']
                         if (ids is not None and t.get('id') in ids)
                         or (names is not None and t.get('name') in names)]}
    if set(mine.keys()) != set(ref.keys()):
        print(f'top-level keys differ: btftool {sorted(mine)} bpftool {sorted(ref)}')
        return 1
    a, b = mine['types'], ref['types']
    for i, (x, y) in enumerate(zip(a, b)):
        d = first_diff(x, y)
        if d:
            p, va, vb = d
            tid = y.get('id') if isinstance(y, dict) else '?'
            print(f'type #{i} (bpftool id {tid}) differs at {p or "."}: '
                  f'btftool {short(va, 80)} bpftool {short(vb, 80)}; '
                  f'btftool type {short(x)}')
            return 1
    if len(a) != len(b):
        extra = a[len(b)] if len(a) > len(b) else b[len(a)]
        print(f'type count differs: btftool {len(a)} bpftool {len(b)}; first extra {short(extra)}')
        return 1
    print(f'equal ({len(a)} types)')
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv))
    except OSError as e:
        print(f'jsoncmp: {e}')
        sys.exit(4)
