"""Two real app processes sharing one database (``--log``): a chat session started on one continues
on the other, and feedback given through one is read through the other."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from live_server import free_port

REPO = Path(__file__).resolve().parents[1]


def start_app(env: dict, cwd: Path, *args: str, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """``python app.py --no-ui`` on ``port`` (default a free loopback port); returns (process, base URL)
    once it answers."""
    port = port or free_port()
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--no-ui", "--port", str(port), *args],
                            env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"app.py exited: {proc.stderr.read()}")
        try:
            if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("app.py did not start")
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    return err


@pytest.fixture
def two_apps(subprocess_env, tmp_path):
    env = {**subprocess_env, "ASSISTANT_LOG": str(tmp_path / "shared.sqlite3"), "ASSISTANT_RATE_LIMIT": "0"}
    procs = []
    try:
        for _ in range(2):
            procs.append(start_app(env, tmp_path))
        yield [url for _, url in procs]
    finally:
        errors = [stop(p) for p, _ in procs]
    for err in errors:
        assert "Traceback" not in err, err


def test_a_conversation_started_on_one_process_continues_on_the_other(two_apps):
    a, b = two_apps
    first = httpx.post(a + "/api/chat", json={"message": "第19项任务要求什么？"}, timeout=60).json()
    assert first["cited_tasks"][0] == 19
    sid = first["session_id"]
    follow = httpx.post(b + "/api/chat", json={"message": "它具体怎么落实？", "session_id": sid}, timeout=60).json()
    assert follow["session_id"] == sid
    assert "19" in follow["resolved_question"] and follow["cited_tasks"][0] == 19
    # and back again: the first process sees the turn the second one answered
    again = httpx.post(a + "/api/chat", json={"message": "下一个呢？", "session_id": sid}, timeout=60).json()
    assert "20" in again["resolved_question"] and again["cited_tasks"][0] == 20
    # a session neither process has seen starts afresh
    other = httpx.post(b + "/api/chat", json={"message": "它具体怎么落实？"}, timeout=60).json()
    assert other["session_id"] != sid and other["resolved_question"] is None


def test_feedback_written_through_one_process_is_read_through_the_other(two_apps, tmp_path):
    a, b = two_apps
    answer = httpx.post(a + "/api/ask", json={"question": "第19项任务要求什么？"}, timeout=60).json()
    r = httpx.post(b + "/api/feedback", json={"answer_id": answer["id"], "rating": "up", "comment": "有用"},
                   timeout=60)
    assert r.status_code == 200, r.text
    rows = sqlite3.connect(tmp_path / "shared.sqlite3").execute(
        "SELECT f.rating, f.comment, a.question FROM feedback f JOIN answers a ON a.id = f.answer_id").fetchall()
    assert rows == [("up", "有用", "第19项任务要求什么？")]
    unknown = httpx.post(a + "/api/feedback", json={"answer_id": "0" * 32, "rating": "down"}, timeout=60)
    assert unknown.status_code == 404


def _spawned_children(pid: int) -> int:
    """Worker processes (multiprocessing spawn) whose parent is ``pid``, from /proc."""
    n = 0
    for d in Path("/proc").iterdir():
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (d / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        n += ppid == pid and b"spawn_main" in cmd
    return n


def test_workers_share_sessions_and_feedback(subprocess_env, tmp_path):
    env = {**subprocess_env, "ASSISTANT_LOG": str(tmp_path / "shared.sqlite3"), "ASSISTANT_RATE_LIMIT": "0"}
    proc, url = start_app(env, tmp_path, "--workers", "2")
    try:
        if Path("/proc/self/stat").exists():
            assert _spawned_children(proc.pid) == 2
        sid = httpx.post(url + "/api/chat", json={"message": "第19项任务要求什么？"}, timeout=60).json()["session_id"]
        for _ in range(4):  # a new connection each time: either worker may take it
            r = httpx.post(url + "/api/chat", json={"message": "它具体怎么落实？", "session_id": sid}, timeout=60).json()
            assert r["cited_tasks"][0] == 19 and "19" in r["resolved_question"]
            up = httpx.post(url + "/api/feedback", json={"answer_id": r["id"], "rating": "up"}, timeout=60)
            assert up.status_code == 200, up.text
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err
    rows = sqlite3.connect(tmp_path / "shared.sqlite3").execute("SELECT COUNT(*) FROM feedback").fetchone()
    assert rows == (4,)
