import json, re, sys
# scg JSON with and without the prelude (prelude_ab.sh), run in /tmp/sp: python3 prelude_jsondiff.py memcached libevent
# scg JSON of two runs, compared after replacing system-header paths in ids with @SYS and dropping timing fields.
SYS = re.compile(r'@/usr/(?:lib/gcc/x86_64-linux-gnu/12/include/__broomstick_prelude__\.h|include/[^"]*)')
def norm(o):
    s = json.dumps(o, sort_keys=True)
    return json.loads(SYS.sub('@SYS', s))
for n in sys.argv[1:]:
    a = norm(json.load(open(f'{n}.base.json'))); b = norm(json.load(open(f'{n}.prelude.json')))
    for d in (a, b):
        d['stats'].pop('parseMillis', None)
    diff = 0
    for k in a:
        if a[k] == b[k]:
            continue
        if isinstance(a[k], list):
            sa = {json.dumps(x, sort_keys=True) for x in a[k]}; sb = {json.dumps(x, sort_keys=True) for x in b[k]}
            files = sorted({re.sub(r'.*/', '', json.loads(x).get('file') or json.loads(x).get('id', '?')) for x in sa ^ sb})
            print(f'{n}: {k}: {len(sa - sb)} only without, {len(sb - sa)} only with the prelude; files: {files[:8]}')
            diff += 1
        else:
            print(f'{n}: {k} differs: {str(a[k])[:150]} | {str(b[k])[:150]}'); diff += 1
    print(f'{n}: {"IDENTICAL (system ids normalised, timing dropped)" if diff == 0 else str(diff) + " sections differ"}')
