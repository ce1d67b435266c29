#!/usr/bin/env python3
"""Go/no-go harness for a "system prelude" (issue 3; bench/scg/README.md), not a test.

For a compile database: runs `gcc -E -dD` on every unit (with its own flags) and finds
  - the system headers each unit's own files include directly (in order),
  - the macros the unit's own files define before its first system include (the "configuration").
Then builds one prelude for the codebase: `gcc -E -dD` of a synthetic file that defines the first
unit's configuration and includes the union of those headers, keeping only the lines that come from
system headers (macros and declarations, linemarkers dropped). Prints how many distinct
configurations and system-include lists the units have, and writes the prelude to OUT.

    prelude.py DB OUT.h
"""
import json
import os
import re
import shlex
import subprocess
import sys

SYSDIRS = None


def sysdirs():
    out = subprocess.run(["gcc", "-E", "-v", "-x", "c", "/dev/null"], capture_output=True, text=True).stderr
    dirs, on = [], False
    for line in out.splitlines():
        if line.startswith("#include <...> search starts here"):
            on = True
        elif line.startswith("End of search list"):
            on = False
        elif on:
            dirs.append(os.path.normpath(line.strip()))
    return dirs


def flags_of(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in ("-c",):
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a.startswith("-W") or a.startswith("-M") or a == entry["file"] or a.endswith(".c"):
            continue
        out.append(a)
    return out


MARK = re.compile(r'^# (\d+) "([^"]*)"((?: \d)*)$')


def is_sys(path):
    p = os.path.normpath(path)
    return any(p.startswith(d + "/") for d in SYSDIRS)


def spelling(path):
    p = os.path.normpath(path)
    for d in SYSDIRS:
        if p.startswith(d + "/"):
            return p[len(d) + 1:]
    return None


def scan_unit(entry):
    fl = flags_of(entry)
    res = subprocess.run(["gcc", "-E", "-dD"] + fl + [entry["file"]], cwd=entry["directory"],
                         capture_output=True, text=True)
    stack, cur = [], None
    config, includes, seen_sys = [], [], False
    for line in res.stdout.splitlines():
        m = MARK.match(line)
        if m:
            f, fl3 = m.group(2), m.group(3).split()
            if "1" in fl3:
                if cur is not None and not is_sys(cur) and not cur.startswith("<") and is_sys(f):
                    includes.append(spelling(f))
                    seen_sys = True
                stack.append(cur)
            elif "2" in fl3:
                stack.pop() if stack else None
            cur = f
            continue
        if not seen_sys and cur and not cur.startswith("<") and not is_sys(cur) and line.startswith("#define "):
            config.append(line)
    return fl, config, includes


def build(db, out):
    global SYSDIRS
    SYSDIRS = sysdirs()
    entries = json.load(open(db))
    configs, lists, union = {}, {}, []
    first = None
    for e in entries:
        fl, config, includes = scan_unit(e)
        # The configuration that can matter to system headers: flags and the macros defined before.
        key = (tuple(x for x in fl if not x.startswith("-I")), tuple(config))
        configs.setdefault(key, []).append(e["file"])
        lists.setdefault(tuple(includes), []).append(e["file"])
        for i in includes:
            if i not in union:
                union.append(i)
        if first is None:
            first = (e, fl, config)
    print(f"{db}: {len(entries)} units, {len(configs)} distinct configurations, "
          f"{len(lists)} distinct system-include lists, {len(union)} system headers in the union",
          file=sys.stderr)
    e, fl, config = first
    synth = os.path.join(os.path.dirname(os.path.abspath(out)), "prelude-synth.c")
    with open(synth, "w") as f:
        f.write("\n".join(config) + "\n")
        for i in union:
            f.write(f"#include <{i}>\n")
    res = subprocess.run(["gcc", "-E", "-dD"] + [x for x in fl if not x.startswith("-I")] + [synth],
                         capture_output=True, text=True, cwd=e["directory"])
    if res.returncode != 0:
        print(res.stderr, file=sys.stderr)
        sys.exit(1)
    cur, kept = None, []
    for line in res.stdout.splitlines():
        m = MARK.match(line)
        if m:
            cur = m.group(2)
            continue
        if cur and is_sys(cur):
            kept.append(line)
    with open(out, "w") as f:
        f.write("\n".join(kept) + "\n")
    print(f"prelude: {len(kept)} lines, {sum(1 for k in kept if k.startswith('#define'))} #define, "
          f"{sum(len(k) + 1 for k in kept)} bytes -> {out}", file=sys.stderr)


if __name__ == "__main__":
    build(sys.argv[1], sys.argv[2])
