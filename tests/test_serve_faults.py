"""``python app.py`` as a real process under faults: spoofed proxy headers, a bad or corrupt log, a full
disk (a small tmpfs, when we may mount one), SIGTERM, damaged index files and two servers building
one index. Slower than the API tests (each case starts a server process); bounded in time."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.store import Log
from live_server import free_port

REPO = Path(__file__).resolve().parents[1]
QUESTION = "第19项任务要求什么？"


class App:
    """``python app.py --no-ui`` on a free loopback port."""

    def __init__(self, env: dict, *args: str, wait: float = 300):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--no-ui", "--port", str(self.port),
                                      *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + wait
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"app.py exited {self.proc.returncode}: {self.proc.stderr.read()[-3000:]}")
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "app.py did not start"
            time.sleep(0.3)

    def stop(self, timeout: float = 10) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=timeout)  # TimeoutExpired if SIGTERM hangs
        return self.proc.returncode, err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture
def env(subprocess_env, tmp_path):
    return {**subprocess_env, "ASSISTANT_LOG": str(tmp_path / "log.sqlite3"), "OMP_NUM_THREADS": "1"}


def test_spoofed_forwarded_for_neither_escapes_the_rate_limit_nor_reaches_the_log(env, tmp_path):
    app = App(env, "--rate-limit", "6")
    try:
        codes = [httpx.post(app.url + "/api/ask", json={"question": QUESTION}, timeout=30,
                            headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(40)]
        assert codes.count(200) <= 31 and 429 in codes  # the burst of 30, then the limit: one client
    finally:
        app.stop()
    clients = {r[0] for r in sqlite3.connect(tmp_path / "log.sqlite3").execute("SELECT client FROM answers")}
    assert clients == {"127.0.0.1"}


def test_the_rate_limit_is_one_limit_for_every_worker(env, tmp_path):
    """Two workers sharing the SQLite log share the rate limit too (a file beside the log): counted
    per process, a client could get the burst of 30 from each."""
    from concurrent.futures import ThreadPoolExecutor

    app = App(env, "--rate-limit", "6", "--workers", "2")
    try:
        def ask(i):  # a new connection each time, 8 at once: both workers take some
            return httpx.post(app.url + "/api/ask", json={"question": QUESTION}, timeout=60).status_code

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(ask, range(64)))
    finally:
        app.stop(timeout=30)
    assert 28 <= codes.count(200) <= 32 and codes.count(429) == 64 - codes.count(200), codes
    rows = sqlite3.connect(tmp_path / "log.sqlite3-ratelimit").execute("SELECT client FROM buckets").fetchall()
    assert rows == [("ip:127.0.0.1",)]


def test_a_trusted_proxy_supplies_the_client_address(env, tmp_path):
    app = App(env, "--rate-limit", "0", "--trusted-proxy", "127.0.0.1")
    try:
        r = httpx.post(app.url + "/api/ask", json={"question": QUESTION}, headers={"X-Forwarded-For": "203.0.113.9"})
        assert r.status_code == 200
    finally:
        app.stop()
    clients = {r[0] for r in sqlite3.connect(tmp_path / "log.sqlite3").execute("SELECT client FROM answers")}
    assert clients == {"203.0.113.9"}


@pytest.mark.parametrize("make_bad", ["directory", "parent_is_a_file"])
def test_a_bad_log_path_is_one_line_and_exit_2(subprocess_env, tmp_path, make_bad):
    if make_bad == "directory":
        bad = tmp_path / "a-dir"
        bad.mkdir()
    else:
        (tmp_path / "file").write_text("x")
        bad = tmp_path / "file" / "log.sqlite3"
    r = subprocess.run([sys.executable, str(REPO / "app.py"), "--no-ui", "--port", str(free_port()), "--log", str(bad)],
                       env=subprocess_env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "日志" in r.stderr and str(bad) in r.stderr
    assert len([line for line in r.stderr.splitlines() if line.startswith("错误")]) == 1


def test_a_corrupt_log_is_moved_aside_and_a_fresh_one_started(env, tmp_path, caplog):
    path = tmp_path / "log.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    app = App(env)
    try:
        a = httpx.post(app.url + "/api/ask", json={"question": QUESTION}, timeout=30).json()
        assert httpx.post(app.url + "/api/feedback", json={"answer_id": a["id"], "rating": "up"}).status_code == 200
    finally:
        _, err = app.stop()
    assert "DAMAGED" in err
    aside = list(tmp_path.glob("log.sqlite3.corrupt-*"))
    assert aside and aside[0].read_bytes().startswith(b"this is not a database")
    assert [r["id"] for r in Log(path).rows("answers")] == [a["id"]]


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MB tmpfs (needs root); skipped where mounting is not allowed."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        if os.environ.get("CI"):  # CI runs as root: a disk-full test that cannot run there is a failure
            pytest.fail(f"cannot mount a tmpfs in CI: {r.stderr.decode().strip()}")
        pytest.skip(f"cannot mount a tmpfs here (needs root): {r.stderr.decode().strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)])


def _fill(mnt: Path) -> Path:
    filler = mnt / "filler"
    # unbuffered: a buffered file would keep the bytes that did not fit and fail again on close
    with filler.open("wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError:
            pass
    return filler


def test_disk_full_feedback_503_health_degraded_answers_go_on_sigterm_in_time(env, tiny_disk):
    log = tiny_disk / "log.sqlite3"
    app = App({**env, "ASSISTANT_LOG": str(log)}, "--rate-limit", "0")
    acknowledged, refused, unlogged = [], 0, 0
    try:
        with httpx.Client(base_url=app.url, timeout=30) as http:
            first = http.post("/api/ask", json={"question": QUESTION}).json()
            filler = _fill(tiny_disk)
            for i in range(60):  # long enough answers to need new pages
                a = http.post("/api/ask", json={"question": f"第{i % 38 + 1}项任务要求什么？"})
                assert a.status_code == 200  # answering goes on, and says whether the answer was logged
                unlogged += a.json()["logged"] is False
                r = http.post("/api/feedback", json={"answer_id": first["id"], "rating": "up",
                                                     "comment": "满" * 900})
                if r.status_code == 200:
                    acknowledged.append(i)
                else:
                    assert r.status_code == 503 and r.json()["error"] == "log_unavailable", r.text
                    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["message"])
                    refused += 1
            health = http.get("/api/health").json()
            assert refused and unlogged and health["status"] == "degraded" and health["log"]["failed"] >= unlogged
        started = time.monotonic()
        code, err = app.stop(timeout=10)  # with the disk still full
        assert "Traceback" not in err
    finally:
        app.kill()
    filler.unlink()
    rows = Log(log).rows("feedback")
    assert len(rows) >= len(acknowledged) + 0  # every acknowledged feedback row is there
    assert len([r for r in rows if r["comment"]]) == len(acknowledged)
    assert time.monotonic() - started < 10


def test_immutable_log_files_no_crash_feedback_503_health_degraded_answers_go_on(env, tmp_path, chattr):
    """Under WAL the first read or write after chattr +i died of SIGBUS (the -shm file is memory-mapped)."""
    log = tmp_path / "imm" / "log.sqlite3"
    app = App({**env, "ASSISTANT_LOG": str(log)}, "--rate-limit", "0")
    acknowledged, refused, unlogged = [], 0, 0
    try:
        with httpx.Client(base_url=app.url, timeout=30) as http:
            first = http.post("/api/ask", json={"question": QUESTION}).json()
            assert http.post("/api/feedback", json={"answer_id": first["id"], "rating": "up",
                                                    "comment": "before"}).status_code == 200
            acknowledged.append("before")
            files = sorted(log.parent.glob("log.sqlite3*"))
            assert not any(f.name.endswith(("-wal", "-shm")) for f in files)  # no WAL, nothing mapped
            chattr("+i", files)
            for i in range(20):
                a = http.post("/api/ask", json={"question": f"第{i % 38 + 1}项任务要求什么？"})
                assert a.status_code == 200  # answering goes on and says the answer was not logged
                unlogged += a.json()["logged"] is False
                chat = http.post("/api/chat", json={"message": "第19项任务要求什么？"})
                assert chat.status_code == 200
                r = http.post("/api/feedback", json={"answer_id": first["id"], "rating": "up", "comment": f"c{i}"})
                assert r.status_code == 503 and r.json()["error"] == "log_unavailable", r.text
                refused += 1
            assert app.proc.poll() is None  # alive
            health = http.get("/api/health").json()
            assert unlogged == 20 and health["status"] == "degraded" and health["log"]["failed"] >= 20
            assert health["log"]["queued"] == 0  # failed fast, nothing piling up
            subprocess.run(["chattr", "-i", *map(str, files)], check=True)  # writable again: writing resumes
            r = http.post("/api/feedback", json={"answer_id": first["id"], "rating": "up", "comment": "after"})
            assert r.status_code == 200, r.text
            acknowledged.append("after")
            assert http.get("/api/health").json()["status"] == "ok"
            chattr("+i", sorted(log.parent.glob("log.sqlite3*")))  # and stopping with the fault on
        started = time.monotonic()
        code, err = app.stop(timeout=10)
        assert time.monotonic() - started < 10 and "Traceback" not in err, err[-2000:]
    finally:
        app.kill()
    subprocess.run(["chattr", "-i", *map(str, log.parent.glob("log.sqlite3*"))], check=True)
    rows = Log(log).rows("feedback")
    assert [r["comment"] for r in rows] == acknowledged


# each case is a full rebuild (~40 s on 2 cores); "empty_chroma_sqlite" and "no_chroma_dir" take the
# same path as "garbage_chroma_sqlite" (Chroma's cached client for the damaged folder) and were checked by hand
@pytest.mark.parametrize("damage", ["garbage_chroma_sqlite", "passages_one_short"])
def test_a_damaged_index_is_rebuilt_on_the_first_start(index_home, subprocess_env, tmp_path, damage):
    home = tmp_path / "home"
    shutil.copytree(index_home / "index", home / "index")
    index = home / "index"
    if damage == "garbage_chroma_sqlite":
        (index / "chroma" / "chroma.sqlite3").write_bytes(b"garbage" * 1000)
    elif damage == "empty_chroma_sqlite":
        (index / "chroma" / "chroma.sqlite3").write_bytes(b"")
    elif damage == "no_chroma_dir":
        shutil.rmtree(index / "chroma")
    else:
        rows = json.loads((index / "passages.json").read_text("utf-8"))
        (index / "passages.json").write_text(json.dumps(rows[:-1], ensure_ascii=False), "utf-8")
    r = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", QUESTION],
                       env={**subprocess_env, "ASSISTANT_HOME": str(home), "OMP_NUM_THREADS": "1"},
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads(r.stdout)["cited_tasks"][0] == 19


def test_two_servers_started_during_one_build_both_serve(subprocess_env, tmp_path):
    env = {**subprocess_env, "ASSISTANT_HOME": str(tmp_path / "empty-home"), "OMP_NUM_THREADS": "1"}
    first = second = None
    try:
        port = free_port()
        first = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--no-ui", "--port", str(port),
                                  "--log", str(tmp_path / "1.sqlite3")], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60  # the second starts while the first is building
        while not (tmp_path / "empty-home" / "index").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        second = App({**env, "ASSISTANT_LOG": str(tmp_path / "2.sqlite3")}, wait=900)
        assert httpx.post(second.url + "/api/ask", json={"question": QUESTION}, timeout=30).json()["cited_tasks"][0] == 19
        deadline = time.monotonic() + 120  # the first finished the build: it opens the index and serves
        while True:
            assert first.poll() is None, first.stderr.read()[-3000:]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the first server did not come up"
            time.sleep(0.3)
        r = httpx.post(f"http://127.0.0.1:{port}/api/ask", json={"question": QUESTION}, timeout=30)
        assert r.json()["cited_tasks"][0] == 19
        second.stop()
    finally:
        if first is not None:
            first.send_signal(signal.SIGTERM)
            first.communicate(timeout=30)
        if second is not None:
            second.kill()
