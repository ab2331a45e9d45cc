"""Annotations across real server processes on 127.0.0.1: two ``app.py`` sharing one ``ASSISTANT_HOME``
(and so its log), ``app.py --workers 2``, and two servers on different machines' homes sharing a log and a
Chroma server. An annotation added through one process is used by the very next question another one
answers, and removing it undoes it in both, with no waiting."""
from __future__ import annotations

import shutil
import subprocess
import sys

import httpx

from test_chroma_server import chroma_url  # noqa: F401  (the fixture: a real `chroma run` on 127.0.0.1)
from test_multiprocess import start_app, stop

KEY = "desk-key-0123456789"
ADMIN = {"X-API-Key": KEY}
WRONG = "年轻科学家的国际聚会，科协有没有牵头办"  # led by task 28 today; the gold (everyday_dev) is task 16
CLOSE = "科协会不会牵头办年轻科学家的国际聚会？"


def _ask(url: str, question: str = WRONG) -> dict:
    r = httpx.post(url + "/api/ask", json={"question": question}, headers=ADMIN, timeout=120)  # a new connection
    assert r.status_code == 200, r.text
    return r.json()


def _annotate(url: str) -> str:
    r = httpx.post(url + "/api/admin/annotations", json={"question": WRONG, "tasks": [16]}, headers=ADMIN, timeout=60)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _remove(url: str, ann_id: str) -> None:
    r = httpx.delete(f"{url}/api/admin/annotations/{ann_id}", headers=ADMIN, timeout=60)
    assert r.status_code == 200 and r.json() == {"ok": True, "id": ann_id}, r.text


def _routed(body: dict) -> bool:
    return body["route"] == "annotation" and body["cited_tasks"][0] == 16 and not body["refused"]


def _env(subprocess_env, **extra) -> dict:
    env = {**subprocess_env, "ASSISTANT_RATE_LIMIT": "0", "ASSISTANT_ADMIN_KEYS": f"张三={KEY}", **extra}
    for name in ("ASSISTANT_LOG", "ASSISTANT_DB", "ASSISTANT_CHROMA_URL", "ASSISTANT_API_KEY"):
        if name not in extra:
            env.pop(name, None)
    return env


def _own_home(index_home, path):
    """A copy of the session's index: these servers write an ``annotations`` collection into it."""
    shutil.copytree(index_home / "index", path / "index")
    return path


def _stop_all(procs) -> None:
    errors = [stop(p) for p, _ in procs]
    for err in errors:
        assert "Traceback" not in err, err


def test_two_servers_on_one_home_use_each_others_annotations_at_once(subprocess_env, index_home, tmp_path):
    home = _own_home(index_home, tmp_path / "home")
    env = _env(subprocess_env, ASSISTANT_HOME=str(home))  # the log is <home>/log.sqlite3, shared
    procs = []
    try:
        procs = [start_app(env, tmp_path), start_app(env, tmp_path)]
        (_, a), (_, b) = procs
        before = _ask(b)
        assert not _routed(before) and before["cited_tasks"][0] == 28

        ann = _annotate(a)
        assert _routed(_ask(b)) and _routed(_ask(b, CLOSE))  # the next questions in the other process
        assert _routed(_ask(a))
        _remove(b, ann)
        for url in (a, b):  # undone in both, at once
            undone = _ask(url)
            assert undone["route"] == before["route"] and undone["cited_tasks"] == before["cited_tasks"]

        ann = _annotate(b)  # and the other way round
        assert _routed(_ask(a))
        _remove(a, ann)
        assert not _routed(_ask(b)) and not _routed(_ask(a))
        listed = httpx.get(a + "/api/admin/annotations", headers=ADMIN, timeout=60).json()
        assert listed == [] and httpx.get(b + "/api/admin/annotations", headers=ADMIN, timeout=60).json() == []
    finally:
        _stop_all(procs)
    assert (home / "log.sqlite3").is_file()


def test_workers_use_an_annotation_and_its_removal_from_the_next_question(subprocess_env, index_home, tmp_path):
    home = _own_home(index_home, tmp_path / "home")
    proc, url = start_app(_env(subprocess_env, ASSISTANT_HOME=str(home)), tmp_path, "--workers", "2")
    try:
        assert not _routed(_ask(url))
        for _ in range(2):
            ann = _annotate(url)  # taken by one worker …
            assert all(_routed(_ask(url)) for _ in range(6))  # … used by whichever takes each new connection
            _remove(url, ann)
            assert not any(_routed(_ask(url)) for _ in range(6))
    finally:
        _stop_all([(proc, url)])


def test_two_servers_sharing_a_log_and_a_chroma_server(chroma_url, subprocess_env, index_home, tmp_path):  # noqa: F811
    import chromadb
    from chromadb.config import Settings

    from assistant.config import chroma_address

    env = _env(subprocess_env, ASSISTANT_LOG=str(tmp_path / "shared.sqlite3"), ASSISTANT_CHROMA_URL=chroma_url)
    first, second = _own_home(index_home, tmp_path / "one"), tmp_path / "two"  # two machines' homes
    built = subprocess.run([sys.executable, "-m", "assistant", "index", "--if-missing"],
                           env={**env, "ASSISTANT_HOME": str(first)}, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    host, port, _ = chroma_address(chroma_url)
    client = chromadb.HttpClient(host=host, port=port, settings=Settings(anonymized_telemetry=False))
    procs = []
    try:
        procs = [start_app({**env, "ASSISTANT_HOME": str(first)}, tmp_path),
                 start_app({**env, "ASSISTANT_HOME": str(second)}, tmp_path)]
        (_, a), (_, b) = procs
        assert not _routed(_ask(b))
        ann = _annotate(a)
        assert _routed(_ask(b)) and _routed(_ask(a))
        stored = client.get_collection("annotations").get(ids=[ann], include=["embeddings", "documents"])
        assert stored["ids"] == [ann] and stored["documents"] == [WRONG] and len(stored["embeddings"][0]) == 384
        _remove(b, ann)
        assert not _routed(_ask(a)) and not _routed(_ask(b))
        assert client.get_collection("annotations").get(ids=[ann])["ids"] == []  # its vector is dropped too
    finally:
        _stop_all(procs)
    assert not (second / "index" / "chroma").exists()  # the second machine keeps no vectors of its own
