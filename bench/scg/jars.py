#!/usr/bin/env python3
"""Two runnable jars side by side, as bin/broomstick runs them (not a test; not in CI).

Times the same commands with each jar, round by round (interleaved, so that a change of background
load hits both alike), each jar with its own AOT cache trained as the launcher trains it (scg on
the bundled example) and the launcher's JVM options. Prints per command and jar the median wall
seconds and the median CPU seconds (user + system, which the load distorts less), and the load
average.

    bench/scg/jars.py BASE.jar NEW.jar [--rounds N] [--db compile_commands.json ...]

A base jar from another commit: git worktree add /tmp/base REV && (cd /tmp/base && mvn -q -o
-DskipTests package) && cp /tmp/base/broomstick-cli/target/broomstick.jar /tmp/base.jar
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPTS = ["-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr",
        "-XX:+UseParallelGC", "-Xmn256m", "-XX:+UseTransparentHugePages", "-XX:TieredStopAtLevel=1"]


def java():
    for d in sorted(os.listdir("/usr/lib/jvm"), reverse=True):
        j = os.path.join("/usr/lib/jvm", d, "bin", "java")
        if "25" in d and os.access(j, os.X_OK):
            return j
    sys.exit("no JDK 25 under /usr/lib/jvm")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--db", action="append", default=[])
    a = ap.parse_args()
    jvm = java()
    work = tempfile.mkdtemp(prefix="broomstick-jars.")
    try:
        jars = {}
        for label, jar in (("base", a.base), ("new", a.new)):
            copy = os.path.join(work, label + ".jar")
            shutil.copy(jar, copy)
            aot = os.path.join(work, label + ".aot")
            subprocess.run([jvm, *OPTS, "-XX:AOTCacheOutput=" + aot, "-jar", copy, "scg", "-q", "--format", "json",
                            "-o", os.path.join(work, "train.json"), "-I", os.path.join(ROOT, "include"),
                            os.path.join(ROOT, "examples", "c")],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not os.path.exists(aot):
                sys.exit(f"could not make the AOT cache of {jar}")
            jars[label] = (copy, aot)
        commands = [("--version", ["--version"])]
        for db in a.db:
            name = os.path.basename(db).split(".")[0]
            commands.append((f"scg {name}", ["scg", "-q", "--compile-commands", db, "--format", "json",
                                             "-o", os.path.join(work, "out.json")]))
        times = {(c, j): [] for c, _ in commands for j in jars}
        for _ in range(a.rounds):
            for c, args in commands:
                for label, (jar, aot) in jars.items():
                    p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S", jvm, *OPTS, "-XX:AOTCache=" + aot, "-jar",
                                        jar, *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, text=True)
                    wall, user, sys_ = map(float, p.stderr.strip().splitlines()[-1].split())
                    times[(c, label)].append((wall, user + sys_))
        print(f"median of {a.rounds} rounds, JDK {jvm}")
        print(f"{'command':<16} {'jar':<5} {'wall s':>7} {'cpu s':>7}")
        for c, _ in commands:
            for label in jars:
                t = times[(c, label)]
                print(f"{c:<16} {label:<5} {statistics.median(x[0] for x in t):7.3f} "
                      f"{statistics.median(x[1] for x in t):7.3f}")
        with open("/proc/loadavg") as f:
            print("load average:", f.read().strip())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
