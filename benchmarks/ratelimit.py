"""What a rate-limit check costs: the in-process token bucket vs the one shared through a SQLite file
(assistant.web.guard.SharedTokenBucket, what processes sharing a SQLite log use), in one process and in two
processes taking from the same file at once. Prints wall and CPU microseconds a check.

Run: python benchmarks/ratelimit.py [--n 3000]
"""
from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from assistant.web.guard import SharedTokenBucket, TokenBucket  # noqa: E402


def _takes(bucket, n: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        bucket.take(f"ip:10.0.{i % 50}.1")
    return (time.perf_counter() - wall) / n * 1e6, (time.process_time() - cpu) / n * 1e6


def _shared(path: str, n: int, out) -> None:
    out.put(_takes(SharedTokenBucket(Path(path), 1e6, 30), n))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=3000, help="checks a process")
    args = ap.parse_args()
    wall, cpu = _takes(TokenBucket(1e6, 30), args.n)
    print(f"in process:        {wall:7.1f} us wall, {cpu:6.1f} us CPU a check")
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        for procs in (1, 2):
            out = ctx.Queue()
            path = str(Path(tmp) / f"rate-{procs}")
            workers = [ctx.Process(target=_shared, args=(path, args.n, out)) for _ in range(procs)]
            for w in workers:
                w.start()
            results = [out.get(timeout=600) for _ in workers]
            for w in workers:
                w.join()
            print(f"shared, {procs} process{'es' if procs > 1 else '  '}: "
                  f"{sum(r[0] for r in results) / procs:7.1f} us wall, {sum(r[1] for r in results) / procs:6.1f} us CPU a check")


if __name__ == "__main__":
    main()
