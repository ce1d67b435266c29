"""bench/payoff/report.py: summary.csv (the contract), summary-<size>.csv, summary.md and the plots of
one payoff run (called by bench/payoff/run).
bench/payoff/run-java calls it for the Java server with `prefix="java-"` and its own variant roles."""
import csv
import os
import statistics
import sys

TARGETS = [  # (mode, concurrency, min L2 reduction vs best uncapped, min rps gain vs best uncapped)
    ("in-process", 1024, 0.90, 0.15),
    ("in-process", 4096, 0.90, 0.50),
    ("loopback", 4096, 0.50, 0.03),
]


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt_rps(x):
    return f"{x / 1000:.0f}k" if x == x else "–"


STYLE = {"glibc": ("tab:gray", "o", "-"), "jemalloc": ("tab:blue", "s", "-"),
         "mimalloc": ("tab:green", "^", "-"), "tcmalloc": ("tab:purple", "v", "-"),
         "stingy": ("tab:red", "D", "-"), "stingy-nocheck": ("tab:orange", "d", "--"),
         "best-capped": ("black", "x", ":"),
         # bench/payoff/run-java
         "plain": ("tab:gray", "o", "-"), "netty-pooled": ("tab:blue", "s", "-"), "plain-capped": ("black", "x", ":")}


def write(out, runs, misses, modes, sizes, concs, variants, general, cap, best, pilot, machine,
          miss_source, alloc_txt, reps, rtt_ref_us, header, quick, prefix="", server="minihttpd",
          optimized="stingy", capped="best-capped", setup_md=None, extra_cols=(), extra_md="", panel2=None):
    """The C runner's call is the default; the Java runner names its files `prefix`-*, its server,
    the variants in the optimized and control roles, replaces the C setup paragraphs with
    `setup_md`, appends `extra_cols` (keys of the summary rows, e.g. p50_us) to its CSV header and
    `extra_md` to its summary, and plots `panel2` = (key of the runs, label), its medians, beside the
    throughput where there are no miss counts."""
    def sel(mode, size, v, n):
        return [r for r in runs if r["mode"] == mode and r["size"] == size and r["variant"] == v
                and r["concurrency"] == n]

    rows = {}  # (mode, size) -> list of summary dicts
    for mode in modes:
        for size in sizes:
            lst = []
            for n in concs:
                for v in variants:
                    rs = sel(mode, size, v, n)
                    if not rs:
                        continue
                    rps = [r["rps"] for r in rs]
                    m = misses.get((mode, size, v, n))
                    lst.append({
                        "mode": mode, "variant": v, "concurrency": n, "rps_median": med(rps),
                        "rps_min": min(rps), "rps_max": max(rps),
                        "l2_miss_per_req": m["l2_miss_per_req"] if m else "",
                        "llc_miss_per_req": m["llc_miss_per_req"] if m else "",
                        "peak_rss_kb": int(med([r["peak_rss_kb"] for r in rs])),
                        "cap": cap if v in (optimized, capped) else 0,
                        "miss_source": miss_source if m or miss_source == "n/a" else "",
                        "instr_per_req": m["instr_per_req"] if m else "",
                        "p50_us": med([r["p50_us"] for r in rs if r["p50_us"] != ""]),
                        "p99_us": med([r["p99_us"] for r in rs if r["p99_us"] != ""]),
                        "load_min": min(r["load1"] for r in rs), "load_max": max(r["load1"] for r in rs),
                        "rounds": {r["round"]: r["rps"] for r in rs},
                        "panel2": med([r[panel2[0]] for r in rs if r[panel2[0]] != ""]) if panel2 else "",
                    })
            rows[(mode, size)] = lst

    def csv_out(name, size):
        with open(os.path.join(out, name), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(list(header) + list(extra_cols))
            for mode in modes:
                for r in rows.get((mode, size), []):
                    w.writerow([r["mode"], r["variant"], r["concurrency"], "%.1f" % r["rps_median"],
                                "%.1f" % r["rps_min"], "%.1f" % r["rps_max"],
                                "%.2f" % r["l2_miss_per_req"] if r["l2_miss_per_req"] != "" else "",
                                "%.3f" % r["llc_miss_per_req"] if r["llc_miss_per_req"] != "" else "",
                                r["peak_rss_kb"], r["cap"], r["miss_source"]] +
                               ["%.0f" % r[c] if r[c] == r[c] else "" for c in extra_cols])
    for size in sizes:
        csv_out(f"{prefix}summary-{size}.csv", size)
    main_size = "large" if "large" in sizes else sizes[0]
    csv_out(f"{prefix}summary.csv", main_size)

    # ---- Markdown ----
    md = []
    md.append(f"# Payoff benchmark{'' if server == 'minihttpd' else ' (' + server + ')'}: "
              f"{'quick run' if quick else 'full run'}\n")
    md.append(f"Machine: {machine['cpu']}, {machine['cores']} cores, L2 {machine['l2'] // 1024} KiB, "
              f"L3 {machine['l3'] // 1048576} MiB, Linux {machine['kernel']}. Load average (1/5/15 min) "
              f"at start {' '.join(machine['load_start'])}, at end {' '.join(machine.get('load_end', []))}; "
              f"each row gives the 1-minute load average during its runs (the benchmark itself keeps about "
              f"one core busy in-process and two in loopback mode; anything above that is other work)."
              + (f" {machine['note']}" if machine.get("note") else "") + "\n")
    if setup_md is not None:
        md.append(setup_md)
    else:
        md.append(f"{reps} interleaved rounds per point after one warm-up round (every variant once per round, "
              f"order rotated), medians with [min..max]. Cap K = {cap} (the plan's admission line in "
              f"memory-map.txt). best-capped = {best} + `--max-conns {cap}`" +
              (f" (pilot at 1024 tasks: " + ", ".join(f"{a} {v / 1000:.0f}k" for a, v in pilot.items()) + ")"
               if pilot else "") + f". Misses per request: {machine.get('miss_counter', miss_source + ' (D1 = L2, LL = L3')}, "
              f"difference of two request counts; " +
              ("in-process deterministic; loopback: the server's user space only, the kernel is not simulated)"
               if miss_source == "cachegrind" else "the server's user space only)")
              + (f", taken from the earlier run {machine['misses_from']} of the same build" if machine.get("misses_from") else "")
              + ".\n")
        md.append("malloc really provided by (bench/payoff/build/whichmalloc under each LD_PRELOAD):\n\n```\n" +
                  alloc_txt.strip() + "\n```\n")
    verdict = []
    for mode in modes:
        for size in sizes:
            lst = rows[(mode, size)]
            if not lst:
                continue
            md.append(f"\n## {mode}, {size} responses\n")
            md.append(f"![{mode} {size}]({prefix}payoff-{mode}-{size}.png)\n")
            lat = mode == "loopback"
            md.append("| tasks | variant | req/s median [min..max] | vs best uncapped (paired) | L2 miss/req | "
                      "LLC miss/req | instr/req | " + ("p50 / p99 µs | " if lat else "") +
                      "peak RSS KiB | load |")
            md.append("|---:|:---|---:|---:|---:|---:|---:|" + ("---:|" if lat else "") + "---:|:---|")
            for n in concs:
                pts = [r for r in lst if r["concurrency"] == n]
                gen = [r for r in pts if r["variant"] in general]
                if not gen:
                    continue
                bu = max(gen, key=lambda r: r["rps_median"])
                for r in pts:
                    ratios = [r["rounds"][k] / bu["rounds"][k] for k in r["rounds"] if k in bu["rounds"]]
                    rr = (f"{(med(ratios) - 1) * 100:+.0f}% [{(min(ratios) - 1) * 100:+.0f}..{(max(ratios) - 1) * 100:+.0f}]"
                          if r is not bu else f"best: {bu['variant']}")
                    l2 = f"{r['l2_miss_per_req']:.1f}" if r["l2_miss_per_req"] != "" else "–"
                    llc = f"{r['llc_miss_per_req']:.2f}" if r["llc_miss_per_req"] != "" else "–"
                    ins = f"{r['instr_per_req']:.0f}" if r["instr_per_req"] != "" else "–"
                    md.append(f"| {n} | {r['variant']} | {fmt_rps(r['rps_median'])} [{fmt_rps(r['rps_min'])}.."
                              f"{fmt_rps(r['rps_max'])}] | {rr} | {l2} | {llc} | {ins} | " +
                              (f"{r['p50_us']:.0f} / {r['p99_us']:.0f} | " if lat else "") +
                              f"{r['peak_rss_kb']} | {r['load_min']:.2f}–{r['load_max']:.2f} |")
                st = next((r for r in pts if r["variant"] == optimized), None)
                bc = next((r for r in pts if r["variant"] == capped), None)
                if st:
                    svc_us = 1e6 / st["rps_median"]
                    md.append(f"| | *Little* | K={cap}: ≤ {fmt_rps(cap / ((svc_us + rtt_ref_us) / 1e6))} req/s "
                              f"with {svc_us:.1f} µs service + {rtt_ref_us:.0f} µs round trip | | | | |" +
                              (" |" if lat else "") + " | |")
                for tm, tn, tl2, trps in TARGETS:
                    if tm == mode and tn == n and st:
                        r1 = [st["rounds"][k] / bu["rounds"][k] for k in st["rounds"] if k in bu["rounds"]]
                        r2 = [st["rounds"][k] / bc["rounds"][k] for k in st["rounds"] if bc and k in bc["rounds"]]
                        l2red = (1 - st["l2_miss_per_req"] / bu["l2_miss_per_req"]
                                 if st["l2_miss_per_req"] != "" and bu["l2_miss_per_req"] else None)
                        verdict.append((mode, size, n, bu["variant"], l2red, tl2, med(r1) - 1, trps,
                                        med(r2) - 1 if r2 else None, st["load_min"], st["load_max"]))
    md.append(f"\n## Verdict against the targets ({optimized} vs the best uncapped of {', '.join(general)}, "
              f"paired medians)\n")
    md.append(f"| mode | size | tasks | best uncapped | L2 misses/req | target | req/s | target | vs {capped} "
              "(target ≥ 0%, stretch +5%) | load |")
    md.append("|:---|:---|---:|:---|---:|---:|---:|---:|---:|:---|")
    for mode, size, n, bu, l2red, tl2, g, trps, gc, lo, hi in verdict:
        ok = lambda x, t: "✅" if x is not None and x >= t else "❌"
        md.append(f"| {mode} | {size} | {n} | {bu} | " +
                  (f"{-l2red * 100:+.0f}% {ok(l2red, tl2)}" if l2red is not None else "not measured") +
                  f" | −{tl2 * 100:.0f}% | {g * 100:+.0f}% {ok(g, trps)} | +{trps * 100:.0f}% | " +
                  (f"{gc * 100:+.0f}% {ok(gc, 0)}" if gc is not None else "–") + f" | {lo:.2f}–{hi:.2f} |")
    if extra_md:
        md.append(extra_md)
    open(os.path.join(out, f"{prefix}summary.md"), "w").write("\n".join(md) + "\n")

    # ---- plots (thesis figure 7.7: throughput and misses against concurrency, a line per variant) ----
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report: matplotlib missing, no plots", file=sys.stderr)
        return
    for mode in modes:
        for size in sizes:
            lst = rows[(mode, size)]
            if not lst:
                continue
            have_miss = any(r["l2_miss_per_req"] != "" for r in lst)
            two = have_miss or panel2 is not None
            fig, axes = plt.subplots(1, 2 if two else 1, figsize=(11 if two else 6, 4.2))
            axes = axes if two else [axes]
            for v in variants:
                pts = sorted((r for r in lst if r["variant"] == v), key=lambda r: r["concurrency"])
                if not pts:
                    continue
                c, mk, ls = STYLE[v]
                xs = [r["concurrency"] for r in pts]
                ys = [r["rps_median"] / 1000 for r in pts]
                err = [[y - r["rps_min"] / 1000 for y, r in zip(ys, pts)],
                       [r["rps_max"] / 1000 - y for y, r in zip(ys, pts)]]
                axes[0].errorbar(xs, ys, yerr=err, color=c, marker=mk, linestyle=ls, capsize=3, label=v)
                if two:
                    axes[1].plot(xs, [r["l2_miss_per_req" if have_miss else "panel2"] for r in pts], color=c,
                                 marker=mk, linestyle=ls, label=v)
            axes[0].set_ylabel("requests/s (thousands), median [min..max]")
            axes[0].set_title(f"throughput, {mode}, {size} responses")
            if have_miss:
                axes[1].set_ylabel(f"L2 data misses per request ({miss_source})")
                axes[1].set_title("L2 misses (L2 = cachegrind D1)" if miss_source == "cachegrind" else
                                  "L2 misses (hardware counters, user space)")
            elif two:
                axes[1].set_ylabel(panel2[1] + ", median")
                axes[1].set_title(panel2[1])
            for ax in axes:
                ax.set_xscale("log", base=2)
                ax.set_xticks(concs)
                ax.set_xticklabels([str(x) for x in concs])
                ax.set_xlabel("concurrent tasks (connections)")
                ax.grid(alpha=0.3)
            axes[0].legend(fontsize=8)
            fig.suptitle(f"{server} payoff, {machine['cpu']}, L2 {machine['l2'] // 1024} KiB; load "
                         f"{' '.join(machine['load_start'])} → {' '.join(machine.get('load_end', []))}", fontsize=9)
            fig.tight_layout()
            fig.savefig(os.path.join(out, f"{prefix}payoff-{mode}-{size}.png"), dpi=110)
            plt.close(fig)
