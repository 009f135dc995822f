"""Shared plumbing for the PyTorch peer scripts: options, thread settings, timing, JSON rows, and a copy of
java.util.Random so that the peers can build the same data as the project's workloads.

Import this module before torch: `setup()` fixes the thread environment that the BLAS library reads when it loads.
"""

import argparse
import json
import os
import resource
import sys
import time

_torch = None


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--threads", type=int, default=1,
                   help="compute threads (default 1; 0: all cores), as the project's --threads")
    p.add_argument("--repeats", type=int, default=5, help="timed runs after warm-up (default 5)")
    p.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2, as the project)")
    return p


def setup(args):
    """Fixes the thread counts and imports torch; returns the torch module."""
    global _torch
    if args.repeats < 1:
        sys.exit("--repeats must be >= 1")
    threads = args.threads if args.threads > 0 else (os.cpu_count() or 1)
    args.threads = threads
    # Debian's PyTorch calls the system BLAS (libblas.so.3), which with OpenBLAS keeps its own thread pool: read
    # from the environment when the library loads, so it is set before torch is imported.
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the project's launcher does for its OpenMP threads
    import torch
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already fixed: only possible before the first parallel work
    _torch = torch
    return torch


def peak_rss_mb():
    """The process's peak resident memory so far, in MB of 10^6 bytes (as the project's figures)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def measure(body, repeats, warmup=2, before=None):
    """Runs body() `warmup` times, then `repeats` times timed; before(), if given, runs untimed before each run.
    Returns (times in ms in run order, the last run's result)."""
    result = None
    for _ in range(warmup):
        if before:
            before()
        result = body()
    times = []
    for _ in range(repeats):
        if before:
            before()
        start = time.perf_counter_ns()
        result = body()
        times.append((time.perf_counter_ns() - start) / 1e6)
    return times, result


def emit(workload, variant, times, threads, **extra):
    """Prints one JSON line: median as the project takes it (the upper middle of the sorted times), min, max."""
    t = sorted(times)
    row = {
        "workload": workload,
        "framework": "pytorch " + (_torch.__version__ if _torch else "?"),
        "variant": variant,
        "unit": "ms",
        "median": t[len(t) // 2],
        "min": t[0],
        "max": t[-1],
        "threads": threads,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    row.update(extra)
    print(json.dumps(row), flush=True)


class JavaRandom:
    """java.util.Random: the same 48-bit linear congruential generator, so the same seed gives the same numbers
    (nextGaussian up to the last bit of log/sqrt, which Java takes from StrictMath)."""

    MULT = 0x5DEECE66D
    ADD = 0xB
    MASK = (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ self.MULT) & self.MASK
        self._next_gaussian = None

    def _next(self, bits):
        self.seed = (self.seed * self.MULT + self.ADD) & self.MASK
        r = self.seed >> (48 - bits)
        if r >= 1 << 31:  # (int) cast
            r -= 1 << 32
        return r

    def next_double(self):
        return ((self._next(26) << 27) + self._next(27)) * (1.0 / (1 << 53))

    def next_int(self, bound):
        r = self._next(31)
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        while True:
            r = u % bound
            if u - r + m < 1 << 31:  # no int overflow
                return r
            u = self._next(31)

    def next_gaussian(self):
        import math
        if self._next_gaussian is not None:
            g, self._next_gaussian = self._next_gaussian, None
            return g
        while True:
            v1 = 2 * self.next_double() - 1
            v2 = 2 * self.next_double() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                break
        multiplier = math.sqrt(-2 * math.log(s) / s)
        self._next_gaussian = v2 * multiplier
        return v1 * multiplier

    def next_doubles(self, count):
        """`count` calls of nextDouble() at once (numpy float64 array): the generator's states are computed in
        blocks by jumping ahead, since s[k + B] = A_B s[k] + C_B mod 2^48."""
        import numpy as np
        steps = 2 * count
        block = min(4096, steps)
        first = np.empty(block, dtype=np.uint64)
        s = self.seed
        for i in range(block):
            s = (s * self.MULT + self.ADD) & self.MASK
            first[i] = s
        a_b, c_b = 1, 0  # the map s -> a_b s + c_b of `block` steps
        for _ in range(block):
            a_b, c_b = (a_b * self.MULT) & self.MASK, (c_b * self.MULT + self.ADD) & self.MASK
        blocks = [first]
        done = block
        cur = first
        a, c, mask = np.uint64(a_b), np.uint64(c_b), np.uint64(self.MASK)
        with np.errstate(over="ignore"):
            while done < steps:
                cur = (cur * a + c) & mask  # wraps mod 2^64, of which 2^48 is a divisor
                blocks.append(cur)
                done += block
        states = np.concatenate(blocks)[:steps]
        self.seed = int(states[-1])
        hi = (states[0::2] >> np.uint64(48 - 26)).astype(np.float64)
        lo = (states[1::2] >> np.uint64(48 - 27)).astype(np.float64)
        return (hi * float(1 << 27) + lo) * (1.0 / (1 << 53))
