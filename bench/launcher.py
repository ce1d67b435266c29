#!/usr/bin/env python3
"""Measures the JVM start-up choices of bin/broomstick (figures in bench/launcher.md). Not a test.

Runs `java [options] -jar broomstick.jar ARGS` for each configuration (JDK 17 / JDK 25, defaults /
the launcher's flags, with / without an AOT cache) and `bin/broomstick ARGS`, interleaved round by
round so that a change of background load hits every configuration alike, and prints the median,
min and max wall seconds and the peak RSS. Each AOT cache is trained first with its own flags on
`scg` over the bundled example (as the launcher does).

Usage: bench/launcher.py [--rounds N] [--only NAME,...] -- ARGS...
Environment: JAVA17, JAVA25 (java executables).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
JAR = os.path.join(ROOT, "broomstick-cli", "target", "broomstick.jar")
J17 = os.environ.get("JAVA17", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java")
J25 = os.environ.get("JAVA25", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
FLAGS = ["-XX:+UseSerialGC", "-XX:+UseTransparentHugePages", "-XX:TieredStopAtLevel=1"]
SERIAL_C2 = ["-XX:+UseSerialGC", "-XX:+UseTransparentHugePages"]


def run(cmd):
    """Wall seconds, peak RSS in MiB and exit code of one run (output discarded)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--only", default="")
    ap.add_argument("args", nargs="*")
    a = ap.parse_args()
    args = a.args or ["--version"]
    subprocess.run([os.path.join(ROOT, "bin", "broomstick"), "--version"], check=True,
                   stdout=subprocess.DEVNULL)  # builds the jar and the launcher's cache if needed
    tmp = tempfile.mkdtemp()
    try:
        train = ["scg", "-q", "--format", "json", "-o", os.path.join(tmp, "train.json"),
                 "-I", os.path.join(ROOT, "include"), os.path.join(ROOT, "examples", "c")]

        def aot(name, java, opts):
            path = os.path.join(tmp, name + ".aot")
            subprocess.run([java, *opts, "-XX:AOTCacheOutput=" + path, "-jar", JAR, *train],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not os.path.exists(path):
                sys.exit("no AOT cache made for " + name)
            return ["-XX:AOTCache=" + path]

        configs = {
            "jdk17 defaults": [J17],
            "jdk17 +flags": [J17, *FLAGS],
            "jdk25 defaults": [J25],
            "jdk25 +AOT": [J25, *aot("default", J25, [])],
            "jdk25 +flags": [J25, *FLAGS],
            "jdk25 +flags +AOT": [J25, *FLAGS, *aot("flags", J25, FLAGS)],
            "jdk25 serial+THP (C2 on) +AOT": [J25, *SERIAL_C2, *aot("serial", J25, SERIAL_C2)],
        }
        cmds = {k: v + ["-jar", JAR, *args] for k, v in configs.items()}
        cmds["bin/broomstick"] = [os.path.join(ROOT, "bin", "broomstick"), *args]
        if a.only:
            keep = a.only.split(",")
            cmds = {k: v for k, v in cmds.items() if k in keep}
        results = {k: [] for k in cmds}
        codes = {k: set() for k in cmds}
        for k in cmds:  # one warm-up each (page cache)
            run(cmds[k])
        for r in range(a.rounds):
            for k, c in cmds.items():
                wall, rss, rc = run(c)
                results[k].append((wall, rss))
                codes[k].add(rc)
            print(f"round {r + 1}/{a.rounds} done, load {os.getloadavg()[0]:.2f}", file=sys.stderr)
        print(f"ARGS: {' '.join(args)}  ({a.rounds} interleaved rounds; load average now "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})")
        print("| configuration | median s | min s | max s | peak RSS MiB | exit codes |")
        print("|:---|---:|---:|---:|---:|---:|")
        for k, v in results.items():
            walls = [w for w, _ in v]
            print(f"| {k} | {statistics.median(walls):.3f} | {min(walls):.3f} | {max(walls):.3f} "
                  f"| {max(m for _, m in v):.0f} | {','.join(map(str, sorted(codes[k])))} |")
        print()
        print("Commands (JAR = broomstick-cli/target/broomstick.jar):")
        for k, c in cmds.items():
            print(f"- {k}: `{' '.join(c).replace(JAR, 'JAR').replace(tmp, 'TMP').replace(ROOT + '/', '')}`")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
