"""Seconds to the first answer on a fresh install (an empty ASSISTANT_HOME), printed, not asserted.

- ``assistant ask``: a new process, empty home, until the answer is printed;
- ``python app.py``: a new server, empty home, until ``POST /api/ask`` has answered.

``--baseline DIR`` times another checkout the same way, alternating with this one, so both are
measured under the same load (the machine is shared); e.g. ``git archive <commit> | tar -x -C DIR``.

Run: python benchmarks/first_answer.py [--runs 3] [--baseline DIR]
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "科普人才队伍怎么建设"


def _env(root: Path, home: str) -> dict:
    return {**os.environ, "ASSISTANT_HOME": home, "PYTHONPATH": str(root)}


def cold_ask(root: Path) -> float:
    with tempfile.TemporaryDirectory() as home:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant", "ask", QUESTION], cwd=root, env=_env(root, home),
                       check=True, capture_output=True)
        return time.perf_counter() - t


def cold_app(root: Path) -> float:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as home:
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(root / "app.py"), "--port", str(port)], cwd=root,
                                env=_env(root, home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while proc.poll() is None:
                try:
                    r = httpx.post(f"http://127.0.0.1:{port}/api/ask", json={"question": QUESTION}, timeout=60)
                    if r.status_code == 200:
                        return time.perf_counter() - t
                except httpx.HTTPError:
                    time.sleep(0.2)
            raise SystemExit(f"app.py in {root} exited with {proc.returncode}")
        finally:
            proc.terminate()
            proc.wait(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline", type=Path, help="another checkout to time the same way, alternating")
    args = ap.parse_args()
    roots = {"this": ROOT, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.runs):
        for name, root in roots.items():
            for what, fn in (("assistant ask", cold_ask), ("app.py", cold_app)):
                times.setdefault((name, what), []).append(fn(root))
    print(f"first answer on an empty ASSISTANT_HOME, median of {args.runs} (cpus {os.cpu_count()}):")
    for (name, what), ts in times.items():
        print(f"  {name:<8} {what:<14} {statistics.median(ts):6.1f} s   ({', '.join(f'{t:.1f}' for t in ts)})")


if __name__ == "__main__":
    main()
