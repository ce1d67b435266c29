"""Helpers of bench/scg/run.sh: the compile database given to both tools, and the gcc side."""
import json, os, shlex, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

def load(path):
    with open(path) as f:
        return json.load(f)

def args_of(e):
    return list(e["arguments"]) if "arguments" in e else shlex.split(e["command"])

def unique(src, dst):
    seen, out = set(), []
    for e in load(src):
        f = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if not f.endswith(".c") or f in seen:
            continue
        seen.add(f)
        out.append(e)
    with open(dst, "w") as fh:
        json.dump(out, fh, indent=1)
    print(len(load(src)), len(out))

# Flags that write files (-o, dependency files) go; -fsyntax-only replaces -c.
DROP1 = {"-c", "-MD", "-MMD", "-MP", "-fsyntax-only"}
DROP2 = {"-o", "-MF", "-MT", "-MQ"}

def syntax_cmd(e):
    a, out, skip = args_of(e), [], False
    for x in a:
        if skip:
            skip = False
            continue
        if x in DROP2:
            skip = True
            continue
        if x in DROP1 or x.startswith("-Wp,-MD") or x.startswith("-Wp,-MMD"):
            continue
        out.append(x)
    return out[:1] + ["-fsyntax-only"] + out[1:]

def gcc(db, jobs):
    entries = load(db)
    def one(e):
        p = subprocess.run(syntax_cmd(e), cwd=e["directory"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        return p.returncode, e["file"], p.stderr
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        results = list(ex.map(one, entries))
    wall = time.monotonic() - t0
    failed = [f for rc, f, _ in results if rc != 0]
    print(f"{wall:.3f} {len(failed)}")
    for rc, f, err in results:
        if rc != 0:
            sys.stderr.write(f"gcc failed on {f}:\n{err[:500]}\n")

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "unique":
        unique(sys.argv[2], sys.argv[3])
    elif cmd == "gcc":
        gcc(sys.argv[2], int(sys.argv[3]))
