"""Load on ``POST /api/ask``: throughput and latency at 1, 8 and 32 concurrent clients.

Starts ``app.py`` on a free loopback port (offline mode, rate limit off, its own
temporary log), then for each concurrency level runs keep-alive clients that
each send varied questions from the gold and held-out sets (no two clients
start at the same question) for a bounded time and request count. Prints
answered questions per second, p50/p95/p99 latency and errors. Loopback only.

Run: python benchmarks/load.py [--seconds 15] [--max-requests 5000] [--levels 1,8,32]
     python benchmarks/load.py --url http://127.0.0.1:7860   # a server already running
     python benchmarks/load.py --url http://127.0.0.1:7861 --url http://127.0.0.1:7862   # clients split over both
     python benchmarks/load.py --unique --levels 32 --rounds 3 --baseline DIR   (DIR: an older checkout)

``--baseline DIR`` runs another checkout's app.py (e.g. ``git archive <commit> | tar -x -C DIR``)
in turn with this one, round after round, so "before" and "after" share the machine's load. Each
round also measures the embedding floor: cores ÷ the CPU time of one question's query embedding
when the questions are embedded in batches of 16 on one thread (what no server can beat).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx  # only to wait for the server to come up

ROOT = Path(__file__).resolve().parents[1]


def questions() -> list[str]:
    out = []
    for name in ("questions.jsonl", "holdout.jsonl"):
        for line in (ROOT / "eval" / name).read_text("utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                if item.get("question"):
                    out.append(item["question"])
    random.Random(7).shuffle(out)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FLOOR_PROBE = """
import json, os, sys, time
from assistant.retrieval.embeddings import _model
from assistant.text import normalize
texts = [normalize(q) for q in json.load(sys.stdin)]
model = _model()
model.query(texts[:16])
t = time.process_time()
for i in range(0, len(texts), 16):
    model.query(texts[i:i + 16])
print((time.process_time() - t) / len(texts))
"""


def embedding_floor(pool: list[str]) -> tuple[float, float]:
    """(seconds of CPU a question in batches of 16 on one thread, cores ÷ that), in a fresh process."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", FLOOR_PROBE], input=json.dumps(pool), capture_output=True,
                         text=True, env=env, check=True).stdout
    per_question = float(out)
    return per_question, (os.cpu_count() or 1) / per_question


def start_server(port: int, home: str, root: Path = ROOT, log: Path | None = None,
                 stderr=subprocess.PIPE) -> subprocess.Popen:
    env = {**os.environ, "ASSISTANT_HOME": os.environ.get("ASSISTANT_HOME", home), "PYTHONPATH": str(root)}
    proc = subprocess.Popen([sys.executable, str(root / "app.py"), "--port", str(port), "--rate-limit", "0",
                             "--log", str(log or Path(home) / "load-log.sqlite3")], env=env, cwd=root,
                            stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + 600  # a first run builds the index
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("server did not start")


class Connection:
    """One keep-alive HTTP/1.1 connection. The load generator shares the 2 cores with the server,
    so it is kept lean: httpx spent ~5 ms of CPU a request here, this spends well under 1 ms."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def post(self, path: str, payload: dict) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.writer.write(f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                          f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(int(line.split(b":", 1)[1]) for line in head.lower().split(b"\r\n")
                      if line.startswith(b"content-length:"))
        return status, await self.reader.readexactly(length)

    def close(self):
        if self.writer is not None:
            self.writer.close()


async def run_level(url: str | list[str], clients: int, seconds: float, max_requests: int, pool: list[str]) -> dict:
    """Clients on ``url`` (several: client k on the k-th, round robin); ``answered_by`` counts per URL."""
    urls = [url] if isinstance(url, str) else list(url)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    answered_by = dict.fromkeys(urls, 0)
    sent = 0
    stop_at = time.perf_counter() + seconds

    async def client(k: int):
        nonlocal sent
        mine = urls[k % len(urls)]
        host, port = mine.split("//", 1)[1].rstrip("/").rsplit(":", 1)
        conn = Connection(host, int(port))
        i = k * (len(pool) // clients) if clients > 1 else 0
        try:
            while time.perf_counter() < stop_at and sent < max_requests:
                sent += 1
                q = pool[i % len(pool)]
                i += 1
                t = time.perf_counter()
                try:
                    status, body = await conn.post("/api/ask", {"question": q})
                    if status == 200 and json.loads(body).get("text"):
                        latencies.append(time.perf_counter() - t)
                        answered_by[mine] += 1
                    else:
                        errors[str(status)] = errors.get(str(status), 0) + 1
                except (OSError, asyncio.IncompleteReadError, ValueError, StopIteration) as e:
                    errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
                    conn.close()
                    conn = Connection(host, int(port))
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    return {"clients": clients, "answered": len(latencies), "seconds": elapsed, "qps": len(latencies) / elapsed,
            "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99), "errors": errors, "answered_by": answered_by}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", action="append",
                    help="an already running server (default: start app.py on a free port); repeat it to split "
                         "the clients over several servers")
    ap.add_argument("--seconds", type=float, default=15.0, help="time per concurrency level (bounded)")
    ap.add_argument("--max-requests", type=int, default=5000, help="requests per level at most")
    ap.add_argument("--levels", default="1,8,32")
    ap.add_argument("--unique", action="store_true",
                    help="a new server for each level and every question asked once: no answer has been "
                         "computed before, no query vector is cached (the cold case)")
    ap.add_argument("--baseline", type=Path, help="another checkout to run in turn with this one (before/after)")
    ap.add_argument("--rounds", type=int, default=1, help="repeat every level this many times; medians at the end")
    args = ap.parse_args()
    pool = questions()
    if args.url and not all(u.startswith(("http://127.0.0.1", "http://localhost")) for u in args.url):
        raise SystemExit("load is for loopback only")
    if args.url and args.baseline:
        raise SystemExit("--baseline starts its own servers: leave out --url")
    levels = [int(x) for x in args.levels.split(",")]
    max_requests = len(pool) if args.unique else args.max_requests
    systems = {"this": ROOT, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    print(f"{len(pool)} different questions, {'each once' if args.unique else f'{args.seconds:g} s'} a level, "
          f"cpus {os.cpu_count()}, {args.rounds} round(s)")
    print(f"{'system':>8} {'clients':>7} {'answered':>8} {'q/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  errors")
    results: dict[tuple[str, int], list[dict]] = {}
    floors: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for rnd in range(args.rounds):
            per_question, floor = embedding_floor(pool)
            floors.append(floor)
            print(f"round {rnd + 1}: embedding floor {floor:.1f} q/s ({per_question * 1000:.1f} ms of CPU a question "
                  f"batched, {os.cpu_count()} cores)", flush=True)
            for name, root in systems.items():
                home = Path(tmp) / name
                home.mkdir(exist_ok=True)
                for n in levels:
                    r = _level(args, name, root, str(home), n, max_requests, pool)
                    results.setdefault((name, n), []).append(r)
                    print(f"{name:>8} {r['clients']:>7} {r['answered']:>8} {r['qps']:>7.1f} {r['p50']:>7.1f} "
                          f"{r['p95']:>7.1f} {r['p99']:>7.1f}  {sum(r['errors'].values())} {r['errors'] or ''}",
                          flush=True)
    if args.rounds > 1 or args.baseline:
        floor = statistics.median(floors)
        print(f"\nmedians over {args.rounds} round(s); embedding floor {floor:.1f} q/s")
        for (name, n), rs in results.items():
            qps = statistics.median(r["qps"] for r in rs)
            print(f"{name:>8} {n:>7} clients: {qps:7.1f} q/s ({qps / floor:.0%} of the floor), "
                  f"p50 {statistics.median(r['p50'] for r in rs):.0f} ms, "
                  f"p95 {statistics.median(r['p95'] for r in rs):.0f} ms, errors {sum(sum(r['errors'].values()) for r in rs)}")


def _level(args, name: str, root: Path, home: str, clients: int, max_requests: int, pool: list[str]) -> dict:
    """One measurement: a new server (always for --unique), a warm-up unless --unique, then the level."""
    proc = None
    try:
        if args.url:
            url = args.url
        else:
            port = free_port()
            proc = start_server(port, home, root)
            url = f"http://127.0.0.1:{port}"
            # one question outside the pool: the model is loaded before the clock starts
            httpx.post(f"{url}/api/ask", json={"question": "规划的总体目标是什么"}, timeout=120)
        if not args.unique:  # warm-up: every question of the pool asked once, so all of them recur
            asyncio.run(run_level(url, 8, 600, len(pool), pool))
        return asyncio.run(run_level(url, clients, 3600 if args.unique else args.seconds, max_requests, pool))
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
