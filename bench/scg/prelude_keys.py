#!/usr/bin/env python3
"""How many distinct system-prelude configurations a compile database needs (issue 3), not a test.

A unit's configuration, as far as system headers can tell: its flags other than -I, and the values of
those macros its own files define before its first system include that the system headers expand or
test (`gcc -dU` of a file including the union of the units' system headers). Prints the count of
distinct configurations with the naive key (all macros defined before the first system include) and
with this one, and what tells the configurations apart.

    prelude_keys.py DB
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prelude as P  # noqa: E402

P.SYSDIRS = P.sysdirs()
entries = json.load(open(sys.argv[1]))
scans = [(e,) + P.scan_unit(e) for e in entries]
union = []
for _, _, _, inc in scans:
    union += [i for i in inc if i not in union]
synth = "/tmp/prelude-keys-synth.c"
with open(synth, "w") as f:
    f.write("".join(f"#include <{i}>\n" for i in union))
used = set()
for e, fl, config, _ in scans[:1]:
    out = subprocess.run(["gcc", "-E", "-dU"] + [x for x in fl if not x.startswith("-I")] + [synth],
                         capture_output=True, text=True, cwd=e["directory"]).stdout
    used |= set(re.findall(r"^#(?:define|undef) ([A-Za-z_]\w*)", out, re.M))
naive, tested = {}, {}
for e, fl, config, _ in scans:
    flags = tuple(x for x in fl if not x.startswith("-I"))
    naive.setdefault((flags, tuple(sorted(config))), []).append(os.path.basename(e["file"]))
    relevant = tuple(sorted(c for c in config if c.split()[1].split("(")[0] in used))
    tested.setdefault((flags, relevant), []).append(os.path.basename(e["file"]))
print(f"{sys.argv[1]}: {len(entries)} units, {len(union)} system headers in the union, "
      f"{len(used)} macros the system headers use; configurations: {len(naive)} naive, {len(tested)} by the -dU key")
for (flags, rel), files in tested.items():
    print(f"  {len(files):3d} units  flags {' '.join(f for f in flags if f.startswith(('-D', '-U', '-std', '-pthread', '-m')))}"
          f"  macros {' '.join(r.split()[1] for r in rel) or '-'}  e.g. {', '.join(files[:3])}")
