"""Durability under faults: kill -9 during load, a full disk, and immutable log files.

``kill`` trials: start ``app.py --no-ui`` (offline, rate limit off, its own log), run 32 keep-alive
clients mixing /api/ask, /api/chat and /api/feedback (each feedback with a unique comment) for a
random 2–5 s, SIGKILL the server mid-load, then count the acknowledged rows (answers whose id came
back with a 200, feedback answered 200) missing from the log. Prints acknowledged/s per trial too.

``disk-full``: the log on a small tmpfs (needs root), load, fill the filesystem, keep the load on:
prints feedback 503s, /api/health, the server's RSS before and after, the SIGTERM-to-exit time with the
disk still full, and the acknowledged rows missing once space is back.

``immutable``: the same with the log's files made immutable (``chattr +i``, needs root on a file system
that has the flag) instead of a full disk. Under SQLite's WAL this killed the server with SIGBUS (its
memory-mapped -shm file); the log now uses a rollback journal and no memory mapping.

Run: python benchmarks/faults.py [--trials 10] [--clients 32] [--skip-disk-full] [--skip-immutable]
Loopback only; every step is bounded in time.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import Connection, free_port, questions  # noqa: E402
from load import start_server as _start  # noqa: E402


def start_server(port: int, home: str, log: Path):
    """app.py with its stderr in a file: nobody reads a pipe during the load, and a full pipe would
    stall the server (its next logging call blocks)."""
    return _start(port, home, log=log, stderr=open(Path(home) / f"server-{port}.stderr", "w"))


async def mixed_load(port: int, clients: int, seconds: float, pool: list[str], acked: dict) -> None:
    """32 clients: ask, chat, feedback on an answer this client got; acks recorded as they arrive."""
    stop_at = time.perf_counter() + seconds

    async def client(k: int):
        conn = Connection("127.0.0.1", port)
        mine: list[str] = []
        i = k * 13
        try:
            while time.perf_counter() < stop_at:
                i += 1
                kind = ("ask", "chat", "feedback")[i % 3] if mine else "ask"
                try:
                    if kind == "feedback":
                        comment = f"c{k}-{i}"
                        status, _ = await conn.post("/api/feedback", {"answer_id": random.choice(mine),
                                                                      "rating": "up", "comment": comment})
                        if status == 200:
                            acked["feedback"].add(comment)
                    else:
                        path = "/api/ask" if kind == "ask" else "/api/chat"
                        key = "question" if kind == "ask" else "message"
                        status, body = await conn.post(path, {key: pool[i % len(pool)]})
                        if status == 200:
                            answer = json.loads(body)
                            if answer.get("logged", True):  # served unlogged (disk full) says so
                                acked["answers"].add(answer["id"])
                            else:
                                acked["unlogged"] = acked.get("unlogged", 0) + 1
                            mine.append(answer["id"])
                    acked["statuses"][status] = acked["statuses"].get(status, 0) + 1
                except (OSError, asyncio.IncompleteReadError, ValueError, StopIteration):
                    return  # the server is gone
        finally:
            conn.close()

    await asyncio.gather(*(client(k) for k in range(clients)))


def missing(log: Path, acked: dict) -> tuple[int, int]:
    db = sqlite3.connect(log)
    answers = {r[0] for r in db.execute("SELECT id FROM answers")}
    comments = {r[0] for r in db.execute("SELECT comment FROM feedback")}
    db.close()
    return len(acked["answers"] - answers), len(acked["feedback"] - comments)


def kill_trials(trials: int, clients: int, pool: list[str], home: str) -> None:
    print(f"kill -9 during {clients}-client load (ask/chat/feedback):")
    print(f"{'trial':>5} {'load s':>6} {'acked answers':>13} {'acked feedback':>14} {'acked/s':>8} "
          f"{'missing answers':>15} {'missing feedback':>16}")
    total_missing = 0
    for t in range(1, trials + 1):
        log = Path(home) / f"kill-{t}.sqlite3"
        port = free_port()
        proc = start_server(port, home, log)
        acked = {"answers": set(), "feedback": set(), "statuses": {}}
        seconds = random.Random(t).uniform(2, 5)

        async def trial():
            load = asyncio.create_task(mixed_load(port, clients, 60, pool, acked))
            await asyncio.sleep(seconds)
            proc.send_signal(signal.SIGKILL)  # mid-load, no warning
            await asyncio.wait_for(load, 30)

        started = time.perf_counter()
        asyncio.run(trial())
        elapsed = time.perf_counter() - started
        proc.wait(10)
        lost_a, lost_f = missing(log, acked)
        total_missing += lost_a + lost_f
        n = len(acked["answers"]) + len(acked["feedback"])
        print(f"{t:>5} {seconds:>6.1f} {len(acked['answers']):>13} {len(acked['feedback']):>14} "
              f"{n / elapsed:>8.0f} {lost_a:>15} {lost_f:>16}", flush=True)
    print(f"acknowledged rows missing over {trials} trials: {total_missing}")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def disk_full(clients: int, pool: list[str], home: str) -> None:
    mnt = Path(home) / "tiny"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"disk full: skipped (cannot mount a tmpfs: {r.stderr.strip()})")
        return
    filler = mnt / "filler"

    def fill():
        with filler.open("wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
            except OSError:
                pass

    try:
        fault_under_load("disk full (4 MB tmpfs)", mnt / "log.sqlite3", fill, filler.unlink, clients, pool, home)
    finally:
        subprocess.run(["umount", "-l", str(mnt)])


def immutable(clients: int, pool: list[str], home: str) -> None:
    """The log's files made immutable (chattr +i, root on ext4/xfs/btrfs) while the server writes them."""
    folder = Path(home) / "immutable"
    folder.mkdir()
    log = folder / "log.sqlite3"
    files = lambda: [str(f) for f in folder.glob("log.sqlite3*")]  # noqa: E731
    probe = folder / "probe"
    probe.touch()
    r = subprocess.run(["chattr", "+i", str(probe)], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"immutable files: skipped (chattr +i: {r.stderr.strip()})")
        return
    subprocess.run(["chattr", "-i", str(probe)])
    try:
        fault_under_load("immutable files (chattr +i on the log and its journal)", log,
                         lambda: subprocess.run(["chattr", "+i", *files()], check=True),
                         lambda: subprocess.run(["chattr", "-i", *files()], check=True), clients, pool, home)
    finally:
        subprocess.run(["chattr", "-i", *files()])


def fault_under_load(name: str, log: Path, breaks, repairs, clients: int, pool: list[str], home: str) -> None:
    """3 s of load, ``breaks()``, 10 s more load with the fault on; then health, RSS, SIGTERM to exit with
    the fault still on, ``repairs()`` and the acknowledged rows missing from the log."""
    port = free_port()
    proc = start_server(port, home, log)
    acked = {"answers": set(), "feedback": set(), "statuses": {}}
    asyncio.run(mixed_load(port, clients, 3, pool, acked))
    rss_before = rss_kb(proc.pid)
    breaks()
    before = dict(acked["statuses"])
    asyncio.run(mixed_load(port, clients, 10, pool, acked))
    if proc.poll() is not None:
        repairs()
        lost_a, lost_f = missing(log, acked)
        print(f"{name}: THE SERVER DIED (exit {proc.returncode}); missing {lost_a} answers, {lost_f} feedback")
        return
    during = {s: n - before.get(s, 0) for s, n in acked["statuses"].items()}
    health = json.loads(asyncio.run(_get(port, "/api/health")))
    rss_after = rss_kb(proc.pid)
    t = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
        stop_s = f"{time.perf_counter() - t:.1f}"
    except subprocess.TimeoutExpired:
        proc.kill()
        stop_s = "> 30 (killed)"
    repairs()
    lost_a, lost_f = missing(log, acked)
    print(f"{name}, after 3 s of load, then 10 s more load:")
    print(f"  statuses with the fault on: {during}")
    print(f"  health: {health['status']}, log {health['log']}")
    print(f"  server RSS: {rss_before / 1024:.0f} MB before, {rss_after / 1024:.0f} MB after")
    print(f"  SIGTERM to exit with the fault still on: {stop_s} s")
    print(f"  answers served unlogged (\"logged\": false): {acked.get('unlogged', 0)}")
    print(f"  acknowledged: {len(acked['answers'])} answers, {len(acked['feedback'])} feedback; "
          f"missing once repaired: {lost_a} answers, {lost_f} feedback")


async def _get(port: int, path: str) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    data = await reader.read()
    writer.close()
    return data.split(b"\r\n\r\n", 1)[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--skip-disk-full", action="store_true")
    ap.add_argument("--skip-immutable", action="store_true")
    args = ap.parse_args()
    pool = questions()
    with tempfile.TemporaryDirectory() as home:
        kill_trials(args.trials, args.clients, pool, home)
        if not args.skip_disk_full:
            disk_full(args.clients, pool, home)
        if not args.skip_immutable:
            immutable(args.clients, pool, home)


if __name__ == "__main__":
    main()
