#!/usr/bin/env python3
"""Project against PyTorch, side by side: runs `bilevel bench` and the PyTorch peer script of each chosen workload in
interleaved rounds (the order alternating from round to round), with the same thread count on both sides, and prints
the per-round ratios project / peer of the two medians and their median.

Standard library only; the peers need PyTorch for the Python given by --python (Debian: apt-get install python3-torch
libopenblas0, for /usr/bin/python3).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# workload key: (project bench name, peer script)
WORKLOADS = {
    "w1": ("hypergradient", "w1_hypergradient.py"),
    "w2": ("meta-learning", "w2_meta_learning.py"),
    "w5": ("horizon", "w5_horizon.py"),
}

BLAS_PROBE = r"""
import json, torch
a = torch.rand(256, 256)
(a @ a).sum()
libs = sorted({l.split()[-1] for l in open('/proc/self/maps')
               if any(k in l.lower() for k in ('blas', 'lapack', 'mkl', 'blis', 'atlas'))})
print(json.dumps({"version": torch.__version__, "config": torch.__config__.show(), "libs": libs}))
"""


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def blas_info(python, env):
    """(summary, is_openblas): BLAS_INFO from torch.__config__.show(), and the BLAS library actually loaded (a
    'generic' build, as Debian's, calls whatever libblas.so.3 points to)."""
    r = subprocess.run([python, "-c", BLAS_PROBE], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        return "PyTorch not importable by %s: %s" % (python, r.stderr.strip().splitlines()[-1:]), False, "?"
    info = json.loads(r.stdout.strip().splitlines()[-1])
    m = re.search(r"BLAS_INFO=([^,\s]+)", info["config"])
    blas_flag = m.group(1) if m else "?"
    libs = info["libs"]
    joined = " ".join(libs).lower()
    if "openblas" in joined:
        actual = "OpenBLAS"
    elif "mkl" in joined:
        actual = "MKL"
    elif "blis" in joined:
        actual = "BLIS"
    elif "atlas" in joined:
        actual = "ATLAS"
    elif "libblas.so" in joined:
        actual = "reference BLAS (netlib)"
    else:
        actual = "unknown (no BLAS library mapped)"
    names = ", ".join(os.path.basename(l) for l in libs if "blas" in l.lower() or "mkl" in l.lower()) or "none"
    summary = "BLAS_INFO=%s; loaded: %s (%s)" % (blas_flag, actual, names)
    return summary, actual == "OpenBLAS", info["version"]


def json_lines(text):
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return rows


def run(cmd, env, label, retries, verbose):
    """Runs cmd until it exits 0 (at most retries + 1 times, a minute apart); returns its JSON rows."""
    for attempt in range(retries + 1):
        if verbose:
            print("  $ " + " ".join(cmd), flush=True)
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
        rows = json_lines(r.stdout)
        if r.returncode == 0 and rows:
            if verbose:
                for row in rows:
                    print("    " + json.dumps(row), flush=True)
            return rows
        tail = "\n".join((r.stderr or r.stdout).strip().splitlines()[-5:])
        print("  %s failed (exit %d)%s:\n%s" % (label, r.returncode, "; retrying in 60 s" if attempt < retries
                                                 else "", tail), file=sys.stderr, flush=True)
        if attempt < retries:
            time.sleep(60)
    sys.exit("%s failed %d time(s); giving up" % (label, retries + 1))


def pick_project(key, rows, horizons):
    """{measure name: (median ms, row)} from `bilevel bench --json` rows."""
    out = {}
    for r in rows:
        if r.get("unit") != "ms":
            continue
        v = r.get("variant", "")
        if key == "w1" and v == "T=100 reverse mode, store=states":
            out["W1 T=100 reverse"] = (r["median"], r)
        elif key == "w2" and r.get("workload") == "W2 meta-learning":
            # not the "W2 probe" rows (dense products and convolutions) that follow it
            out["W2 meta-batch 4, T=5"] = (r["median"], r)
        elif key == "w5":
            m = re.match(r"T=(\d+) reverse", v)
            if m and int(m.group(1)) in horizons:
                out["W5 T=%s reverse" % m.group(1)] = (r["median"], r)
    return out


def pick_peer(key, rows, horizons):
    out = {}
    for r in rows:
        v = r.get("variant", "")
        if key == "w1" and v.startswith("T=100 reverse mode") and "+lr" not in v:
            out["W1 T=100 reverse"] = (r["median"], r)
        elif key == "w2":
            out["W2 meta-batch 4, T=5"] = (r["median"], r)
        elif key == "w5" and r.get("horizon") in horizons:
            out["W5 T=%d reverse" % r["horizon"]] = (r["median"], r)
    return out


def memory(side, row):
    if side == "peer":
        return "RSS %.0f MB" % row.get("peak_rss_mb", 0)
    m = re.search(r"peak RSS (\d+) MB", row.get("variant", ""))
    if m:
        return "RSS %s MB" % m.group(1)
    return "native %.1f MB" % (row.get("peak_native_bytes", 0) / 1e6)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5, at least 5 advised)")
    p.add_argument("--threads", type=int, default=2, help="compute threads on both sides (default 2)")
    p.add_argument("--workloads", default="w1,w2,w5", help="comma-separated, of w1, w2, w5 (default all)")
    p.add_argument("--repeats", type=int, default=3,
                   help="timed runs per side per round, after each side's 2 warm-up runs (default 3)")
    p.add_argument("--horizons", default="2000", help="W5's horizons T, comma-separated (default 2000)")
    p.add_argument("--backend", help="the project's backend (default: the project's own choice)")
    p.add_argument("--python", default="/usr/bin/python3", help="Python with PyTorch (default /usr/bin/python3)")
    p.add_argument("--bilevel", default=str(ROOT / "bilevel"), help="the project's launcher (default ./bilevel)")
    p.add_argument("--retries", type=int, default=1, help="reruns of a failed command, a minute apart (default 1)")
    p.add_argument("-v", "--verbose", action="store_true", help="print every command and JSON row")
    args = p.parse_args()

    keys = [k.strip().lower() for k in args.workloads.split(",") if k.strip()]
    for k in keys:
        if k not in WORKLOADS:
            sys.exit("unknown workload %r; choose from %s" % (k, ", ".join(WORKLOADS)))
    horizons = [int(t) for t in args.horizons.split(",")]
    if sorted(horizons) != horizons:
        sys.exit("--horizons must be ascending")
    if args.rounds < 5:
        print("note: %d round(s); at least 5 give a median ratio worth quoting" % args.rounds, flush=True)

    peer_env = dict(os.environ)
    peer_env.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # the project's launcher does the same for its side
    project_env = dict(os.environ)

    blas, is_openblas, torch_version = blas_info(args.python, peer_env)
    print("CPU: %s, %d logical cores; load average %s" % (cpu_model(), os.cpu_count() or 0,
                                                         " ".join("%.2f" % x for x in os.getloadavg())))
    print("PyTorch %s (%s): %s" % (torch_version, args.python, blas))
    if not is_openblas:
        bar = "!" * 78
        print("%s\nWARNING: PyTorch is NOT using OpenBLAS. With the reference BLAS its matrix products are many "
              "times\nslower and the comparison means nothing. On Debian: apt-get install libopenblas0\n%s"
              % (bar, bar), flush=True)
    print("threads %d on both sides, %d round(s), %d timed run(s) per side per round after 2 warm-up runs; "
          "OMP_WAIT_POLICY=%s for the peer" % (args.threads, args.rounds, args.repeats, peer_env["OMP_WAIT_POLICY"]),
          flush=True)

    # results[measure] = list of (round, order, project ms, peer ms, project row, peer row)
    results = {}
    for rnd in range(args.rounds):
        project_first = rnd % 2 == 0
        for key in keys:
            bench, script = WORKLOADS[key]
            project_cmd = [args.bilevel, "bench", bench, "--threads", str(args.threads), "--repeats",
                           str(args.repeats), "--json"]
            peer_cmd = [args.python, str(HERE / script), "--threads", str(args.threads), "--repeats",
                        str(args.repeats)]
            if key == "w5":
                project_cmd += ["--horizons", ",".join(map(str, horizons))]
                peer_cmd += ["--horizons", ",".join(map(str, horizons))]
            if args.backend:
                project_cmd += ["--backend", args.backend]
            sides = [("project", project_cmd, project_env, pick_project),
                     ("peer", peer_cmd, peer_env, pick_peer)]
            if not project_first:
                sides.reverse()
            got = {}
            for side, cmd, env, pick in sides:
                print("round %d/%d, %s: %s" % (rnd + 1, args.rounds, key, side), flush=True)
                got[side] = pick(key, run(cmd, env, "%s %s" % (side, key), args.retries, args.verbose), horizons)
            for name, (pm, prow) in got["project"].items():
                if name not in got["peer"]:
                    continue
                qm, qrow = got["peer"][name]
                results.setdefault(name, []).append((rnd + 1, "project first" if project_first else "peer first",
                                                     pm, qm, prow, qrow))

    print()
    for name, rows in results.items():
        backend = rows[0][4].get("backend", "?")
        print("%s   (project backend %s; medians of %d run(s) per round, ms)" % (name, backend, args.repeats))
        print("  %-5s %-13s %12s %12s %9s   %s" % ("round", "order", "project", "pytorch", "ratio", "memory"))
        ratios = []
        for rnd, order, pm, qm, prow, qrow in rows:
            ratio = pm / qm
            ratios.append(ratio)
            print("  %-5d %-13s %12.1f %12.1f %9.3f   project %s, pytorch %s"
                  % (rnd, order, pm, qm, ratio, memory("project", prow), memory("peer", qrow)))
        extra = ""
        sanity = rows[-1][5].get("hypergradient_norm")
        if sanity is not None:
            extra = "; pytorch hypergradient norm %.6g" % sanity
        print("  median ratio project/pytorch: %.3f (min %.3f, max %.3f; >1: the project is slower)%s\n"
              % (statistics.median(ratios), min(ratios), max(ratios), extra))
    if not is_openblas:
        print("WARNING (again): PyTorch did not load OpenBLAS; see above.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
