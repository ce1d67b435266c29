#!/usr/bin/env python3
"""scg JSON with and without the system prelude, compared (bench/scg/README.md, "A system prelude").

    prelude_jsondiff.py WITHOUT.json WITH.json [--normalise-system-ids]

Timing fields (stats.parseMillis) are dropped; nothing else is normalised unless asked
(--normalise-system-ids replaces system-header paths in ids by @SYS, as the 2026 prototype needed).
Prints IDENTICAL or, per differing section, how many entries only one side has and in which files.
Exit status 0 when identical, 1 otherwise.
"""
import json
import re
import sys

SYS = re.compile(r'@/usr/(?:lib/gcc/[^"]*|include/[^"]*)')


def load(path, normalise):
    o = json.load(open(path))
    o.get('stats', {}).pop('parseMillis', None)
    if normalise:
        o = json.loads(SYS.sub('@SYS', json.dumps(o, sort_keys=True)))
    return o


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    normalise = '--normalise-system-ids' in sys.argv
    a, b = load(args[0], normalise), load(args[1], normalise)
    diff = 0
    for k in sorted(set(a) | set(b)):
        if a.get(k) == b.get(k):
            continue
        diff += 1
        if isinstance(a.get(k), list) and isinstance(b.get(k), list):
            sa = {json.dumps(x, sort_keys=True) for x in a[k]}
            sb = {json.dumps(x, sort_keys=True) for x in b[k]}
            only = sorted(sa - sb)[:3] + sorted(sb - sa)[:3]
            print(f'{k}: {len(sa - sb)} only without, {len(sb - sa)} only with the prelude'
                  f'{"" if sa != sb else " (same entries, other order)"}')
            for x in only:
                print('   ', x[:300])
        else:
            print(f'{k} differs: {str(a.get(k))[:200]} | {str(b.get(k))[:200]}')
    print('IDENTICAL (timing dropped)' if diff == 0 else f'{diff} sections differ')
    return 0 if diff == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
