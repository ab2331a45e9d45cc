"""The scaled-out deployment on real engines, all on 127.0.0.1: a throwaway PostgreSQL cluster (log, feedback,
chat sessions), a real ``chroma run`` server (the vectors), an ``assistant index`` job, and two ``app.py``
processes with homes of their own, as on two machines. A conversation started on one continues on the
other, feedback given through one is checked through the other, a load run through both has no error, and
a new index build while both serve loses no request; a replica restarted after it opens the new build."""
from __future__ import annotations

import asyncio
import csv
import importlib.util
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import psycopg
import pytest

from test_chroma_server import chroma_url  # noqa: F401 - the module's real chroma server fixture
from live_server import free_port
from test_multiprocess import start_app, stop

REPO = Path(__file__).resolve().parents[1]


def _assistant(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], env=env, capture_output=True, text=True,
                          timeout=600)


class Stack:
    def __init__(self, env: dict, root: Path):
        self.env, self.root = env, root
        self.apps: dict[str, tuple[subprocess.Popen, str]] = {}
        self.errors: list[str] = []

    def start(self, name: str, port: int | None = None) -> str:
        env = {**self.env, "ASSISTANT_HOME": str(self.root / f"home-{name}")}
        self.apps[name] = start_app(env, self.root, port=port)
        return self.apps[name][1]

    def port(self, name: str) -> int:
        return int(self.url(name).rsplit(":", 1)[1])

    def stop(self, name: str) -> str:
        proc, _ = self.apps.pop(name)
        err = stop(proc)
        self.errors.append(err)
        return err

    def url(self, name: str) -> str:
        return self.apps[name][1]


def _build_of(url: str) -> str:
    return httpx.get(url + "/api/health", timeout=10).json()["index"]


@pytest.fixture(scope="module")
def stack(postgres, chroma_url, subprocess_env, tmp_path_factory):  # noqa: F811
    root = tmp_path_factory.mktemp("deployment")
    db = postgres.create_database(f"deploy{uuid.uuid4().hex[:8]}")
    env = {**subprocess_env, "ASSISTANT_DB": db, "ASSISTANT_CHROMA_URL": chroma_url, "ASSISTANT_RATE_LIMIT": "0",
           "ASSISTANT_TRUSTED_PROXIES": "127.0.0.1", "OMP_NUM_THREADS": "1",  # the proxy below is on 127.0.0.1
           "ASSISTANT_DRAIN": "3"}  # as compose.yaml: out of the proxy's rotation before stopping
    job = _assistant({**env, "ASSISTANT_HOME": str(root / "home-ops")}, "index", "--if-missing")  # compose's job
    assert job.returncode == 0, job.stderr
    s = Stack(env, root)
    s.db, s.build = db, job.stdout.split("版本 ", 1)[1].split("，", 1)[0]
    try:
        for name in ("a", "b"):
            s.start(name)
        yield s
    finally:
        for name in list(s.apps):
            s.stop(name)
    for err in s.errors:
        assert "Traceback" not in err, err


def _sql(url: str, query: str, *params):
    with psycopg.connect(url) as db:
        return db.execute(query, params).fetchall()


def test_both_replicas_use_the_jobs_build_without_embedding_anything(stack):
    assert _build_of(stack.url("a")) == _build_of(stack.url("b")) == stack.build
    for name in ("a", "b"):
        assert (stack.root / f"home-{name}" / "index" / "bm25").is_dir()  # its own BM25 files, the server's vectors
        assert not (stack.root / f"home-{name}" / "index" / "chroma").exists()


def test_the_start_up_job_again_opens_the_build_instead_of_making_another(stack):
    again = _assistant({**stack.env, "ASSISTANT_HOME": str(stack.root / "home-ops2")}, "index", "--if-missing")
    assert again.returncode == 0, again.stderr
    assert f"版本 {stack.build}，" in again.stdout and "made the local files only" in again.stderr


def test_a_conversation_started_on_one_replica_continues_on_the_other(stack):
    a, b = stack.url("a"), stack.url("b")
    first = httpx.post(a + "/api/chat", json={"message": "第19项任务要求什么？"}, timeout=60).json()
    assert first["cited_tasks"][0] == 19
    sid = first["session_id"]
    follow = httpx.post(b + "/api/chat", json={"message": "它具体怎么落实？", "session_id": sid}, timeout=60).json()
    assert follow["session_id"] == sid
    assert "19" in follow["resolved_question"] and follow["cited_tasks"][0] == 19
    again = httpx.post(a + "/api/chat", json={"message": "下一个呢？", "session_id": sid}, timeout=60).json()
    assert "20" in again["resolved_question"] and again["cited_tasks"][0] == 20
    turns = _sql(stack.db, "SELECT resolved FROM turns WHERE session_id = %s ORDER BY rowid", sid)
    assert len(turns) == 3 and "19" in turns[1][0] and "20" in turns[2][0]


def test_feedback_written_through_one_replica_is_read_through_the_other(stack):
    a, b = stack.url("a"), stack.url("b")
    answer = httpx.post(a + "/api/ask", json={"question": "第19项任务要求什么？"}, timeout=60).json()
    # b finds a's answer in the shared database (else 404), and acknowledges only once the row is committed
    r = httpx.post(b + "/api/feedback", json={"answer_id": answer["id"], "rating": "up", "comment": "有用"},
                   timeout=60)
    assert r.status_code == 200, r.text
    assert _sql(stack.db, "SELECT f.rating, f.comment, a.question FROM feedback f JOIN answers a"
                          " ON a.id = f.answer_id WHERE a.id = %s", answer["id"]) == [("up", "有用", "第19项任务要求什么？")]
    r = httpx.post(a + "/api/feedback", json={"answer_id": answer["id"], "rating": "down"}, timeout=60)
    assert r.status_code == 200
    exported = _assistant({**stack.env, "ASSISTANT_HOME": str(stack.root / "home-ops")}, "log", "export")
    assert exported.returncode == 0, exported.stderr
    mine = [row for row in csv.DictReader(io.StringIO(exported.stdout)) if row["id"] == answer["id"]]
    assert len(mine) == 1 and (mine[0]["thumbs_up"], mine[0]["thumbs_down"]) == ("1", "1")  # b's up, a's down
    assert httpx.post(b + "/api/feedback", json={"answer_id": "0" * 32, "rating": "up"}, timeout=60).status_code == 404


def _load_module():
    spec = importlib.util.spec_from_file_location("load_benchmark", REPO / "benchmarks" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_load_run_through_both_replicas_has_no_error_and_every_answer_is_stored(stack):
    load = _load_module()
    before = _sql(stack.db, "SELECT COUNT(*) FROM answers")[0][0]
    r = asyncio.run(load.run_level([stack.url("a"), stack.url("b")], clients=8, seconds=8, max_requests=400,
                                   pool=load.questions()))
    assert r["errors"] == {}, r
    assert all(n > 20 for n in r["answered_by"].values()), r["answered_by"]
    # every answer acknowledged with 200 is a committed row in PostgreSQL
    assert _sql(stack.db, "SELECT COUNT(*) FROM answers")[0][0] - before == r["answered"]
    print(f"\nload through both replicas: {r['answered']} answers in {r['seconds']:.1f} s ({r['qps']:.0f}/s), "
          f"p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, by replica {r['answered_by']}")


# --- the reverse proxy: Caddy (Debian's caddy package) with deploy/Caddyfile itself -----------------------
CADDY = shutil.which("caddy")


@pytest.fixture(scope="module")
def proxy(stack, tmp_path_factory):
    """``caddy run`` with deploy/Caddyfile, on a free loopback port, in front of the two replicas."""
    if CADDY is None:
        reason = "Caddy is not installed (Debian: apt-get install caddy; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    state = tmp_path_factory.mktemp("caddy")
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(state), "XDG_DATA_HOME": str(state),
           "XDG_CONFIG_HOME": str(state), "CADDY_ADMIN": f"127.0.0.1:{free_port()}",
           "SITE_ADDRESS": f"http://127.0.0.1:{port}",
           "UPSTREAMS": f"127.0.0.1:{stack.port('a')} 127.0.0.1:{stack.port('b')}"}
    caddyfile = REPO / "deploy" / "Caddyfile"
    valid = subprocess.run([CADDY, "validate", "--config", str(caddyfile), "--adapter", "caddyfile"], env=env,
                           capture_output=True, text=True, timeout=60)
    assert valid.returncode == 0, valid.stderr[-2000:]
    proc = subprocess.Popen([CADDY, "run", "--config", str(caddyfile), "--adapter", "caddyfile"], env=env,
                            stdout=subprocess.DEVNULL, stderr=open(state / "caddy.log", "w"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, (state / "caddy.log").read_text()[-2000:]
            try:
                if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "caddy did not start"
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


def _written(url: str) -> int:
    return httpx.get(url + "/api/health", timeout=10).json()["log"]["written"]


def test_through_the_proxy_both_replicas_answer_a_browser_sticks_to_one_and_forged_addresses_are_ignored(
        stack, proxy):
    a, b = stack.url("a"), stack.url("b")
    before = {a: _written(a), b: _written(b)}
    for _ in range(16):  # no cookie: either replica
        assert httpx.post(proxy + "/api/ask", json={"question": "第19项任务要求什么？"}, timeout=60).status_code == 200
    middle = {a: _written(a), b: _written(b)}
    assert all(middle[u] > before[u] for u in (a, b)), (before, middle)
    with httpx.Client(base_url=proxy, timeout=60) as browser:  # keeps the proxy's cookie: one replica
        for _ in range(8):
            assert browser.post("/api/ask", json={"question": "第20项任务要求什么？"}).status_code == 200
        assert any(c.name == "guihua_replica" for c in browser.cookies.jar)
    after = {a: _written(a), b: _written(b)}
    # an answer is two log rows: the answer and its details for the review desk (confidence, cited spans)
    assert sorted(after[u] - middle[u] for u in (a, b)) == [0, 2 * 8]
    forged = httpx.post(proxy + "/api/ask", json={"question": "第21项任务要求什么？"}, timeout=60,
                        headers={"X-Forwarded-For": "203.0.113.7"}).json()
    assert _sql(stack.db, "SELECT client FROM answers WHERE id = %s", forged["id"]) == [("127.0.0.1",)]
    written = _written(a) + _written(b)
    for size in (200_000, 1_100_000):  # over the app's 64 KB for /api, over the proxy's 1 MiB
        try:
            r = httpx.post(proxy + "/api/ask", content=b'{"question": "' + b"x" * size + b'"}', timeout=60,
                           headers={"content-type": "application/json"})
        except (httpx.RemoteProtocolError, httpx.WriteError):
            assert size > 1 << 20  # Caddy cut the upload over its limit off before answering (seen here once)
            continue
        # the app answers 413 from the Content-Length at once and closes; Caddy relays that 413, or a 502 when
        # it was still writing the body (both seen here)
        assert r.status_code in (413, 502), r.status_code
    assert _written(a) + _written(b) == written


def test_a_rolling_restart_behind_the_proxy_loses_no_request(stack, proxy):
    """Replicas stopped and started one after the other under load through deploy/Caddyfile (Debian's Caddy
    2.6.2). Each replica drains first (ASSISTANT_DRAIN: /api/health 503 for 3 s, still answering), so the
    proxy's health check takes it out before it stops taking connections. Without the drain, 9-13 of ~500
    requests failed (502: Caddy 2.6 retries a request on the other replica without its body); with keep-alive
    upstream connections and passive health checks as well, 384 of 629."""
    done = threading.Event()
    results: list[int] = []

    def client(k: int):
        i = k
        while not done.is_set():
            i += 1
            try:  # a new connection each time, no cookie: the proxy picks a replica for every request
                r = httpx.post(proxy + "/api/ask", json={"question": f"第{i % 38 + 1}项任务要求什么？"}, timeout=60)
                results.append(r.status_code)
            except httpx.HTTPError:
                results.append(0)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    try:
        for name in ("a", "b"):  # as `docker compose up -d --no-deps app1`, then app2
            time.sleep(1)
            port = stack.port(name)
            stack.stop(name)
            time.sleep(1)
            stack.start(name, port=port)
        time.sleep(1)
    finally:
        done.set()
        for t in threads:
            t.join(60)
    failed = [s for s in results if s != 200]
    print(f"\nrolling restart behind the proxy: {len(failed)} of {len(results)} requests failed {sorted(set(failed))}")
    assert len(results) > 100 and failed == [], f"{len(failed)} of {len(results)} failed: {sorted(set(failed))}"


def test_a_draining_replica_answers_but_tells_the_proxy_to_stop_sending(stack):
    a = stack.url("a")
    proc = stack.apps["a"][0]
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    health = httpx.get(a + "/api/health", timeout=10)
    answer = httpx.post(a + "/api/ask", json={"question": "第19项任务要求什么？"}, timeout=60)
    assert health.status_code == 503  # the body is the usual error shape (ShapeErrors)
    assert answer.status_code == 200 and answer.json()["logged"] is True
    port = stack.port("a")
    stack.stop("a")  # the drain ends, then the graceful shutdown
    stack.start("a", port=port)
    assert httpx.get(a + "/api/health", timeout=10).json()["status"] == "ok"


def test_a_new_index_build_while_both_replicas_serve_loses_no_request(stack, chroma_url):  # noqa: F811
    import chromadb
    from chromadb.config import Settings

    from assistant.config import chroma_address

    urls = [stack.url("a"), stack.url("b")]
    session = httpx.post(urls[0] + "/api/chat", json={"message": "第7项任务要求什么？"}, timeout=60).json()
    done = threading.Event()
    results: list[tuple[float, int, bool]] = []  # (time, status, right task)
    lock = threading.Lock()

    def client(k: int):
        with httpx.Client(timeout=60) as http:
            i = k
            while not done.is_set():
                n = i % 38 + 1
                i += 3
                try:
                    r = http.post(urls[i % 2] + "/api/ask", json={"question": f"第{n}项任务要求什么？"})
                    ok = r.status_code == 200 and r.json()["cited_tasks"][:1] == [n]
                    status = r.status_code
                except httpx.HTTPError:
                    ok, status = False, 0
                with lock:
                    results.append((time.monotonic(), status, ok))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(1)
        started = time.monotonic()
        rebuilt = _assistant({**stack.env, "ASSISTANT_HOME": str(stack.root / "home-ops")}, "index")
        finished = time.monotonic()
        time.sleep(1)
    finally:
        done.set()
        for t in threads:
            t.join(60)
    assert rebuilt.returncode == 0, rebuilt.stderr
    during = [r for r in results if started <= r[0] <= finished]
    assert len(during) >= 10, f"only {len(during)} requests overlapped the rebuild ({finished - started:.1f} s)"
    failed = [r for r in results if not (r[1] == 200 and r[2])]
    assert failed == [], f"{len(failed)} of {len(results)} requests failed or answered wrong"

    new_build = rebuilt.stdout.split("版本 ", 1)[1].split("，", 1)[0]
    assert new_build != stack.build
    host, port, _ = chroma_address(chroma_url)
    client = chromadb.HttpClient(host=host, port=port, settings=Settings(anonymized_telemetry=False))
    names = {c.name for c in client.list_collections()}
    assert {f"plan_passages-{new_build}", f"reader_questions-{new_build}"} <= names
    assert not any(stack.build in n for n in names)  # the replaced build is dropped
    pointer = [c for c in client.list_collections() if c.name.startswith("guihua_index-")]
    assert len(pointer) == 1 and pointer[0].metadata["build"] == new_build

    # the replicas keep serving what they loaded; a restarted one opens the new build, and sessions live on
    assert _build_of(urls[1]) == stack.build
    stack.stop("a")
    a = stack.start("a")
    assert _build_of(a) == new_build
    follow = httpx.post(a + "/api/chat", json={"message": "它具体怎么落实？", "session_id": session["session_id"]},
                        timeout=60).json()
    assert "7" in follow["resolved_question"] and follow["cited_tasks"][0] == 7
    print(f"\nrebuild took {finished - started:.1f} s; {len(during)} requests answered meanwhile, "
          f"{len(results)} in all, 0 failed")


def test_prune_drops_other_releases_builds_and_keeps_the_current_one(stack, chroma_url):  # noqa: F811
    import chromadb
    from chromadb.config import Settings

    from assistant.config import chroma_address

    host, port, _ = chroma_address(chroma_url)
    client = chromadb.HttpClient(host=host, port=port, settings=Settings(anonymized_telemetry=False))
    # what an older release leaves behind: its own pointer and build
    client.create_collection("guihua_index-0123456789abcdef", metadata={"fingerprint": "0123456789abcdef" * 4})
    client.create_collection("plan_passages-0123456789ab-20250101000000-abcdef")
    # … and another plan's build and pointer on the same server, which are not this plan's to drop
    other = "plan_0a1b2c3d4e5f_passages-fedcba987654-20250101000000-123456"
    client.create_collection(other)
    client.create_collection("guihua_index-fedcba9876543210", metadata={"fingerprint": "fedcba9876543210" * 4,
                                                                         "passages": other})
    before = {c.name for c in client.list_collections()}
    r = _assistant({**stack.env, "ASSISTANT_HOME": str(stack.root / "home-ops")}, "index", "--if-missing", "--prune")
    assert r.returncode == 0, r.stderr
    after = {c.name for c in client.list_collections()}
    assert before - after == {"guihua_index-0123456789abcdef", "plan_passages-0123456789ab-20250101000000-abcdef"}
    assert {other, "guihua_index-fedcba9876543210"} <= after
    assert len(after) == 5 and "已删除2个旧集合" in r.stdout
    assert all(httpx.post(u + "/api/ask", json={"question": "第19项任务要求什么？"}, timeout=60).status_code == 200
               for u in (stack.url("a"), stack.url("b")))


def test_the_replicas_logs_say_they_embedded_nothing(stack):
    for name in list(stack.apps):
        stack.stop(name)
    for err in stack.errors:
        assert "建立索引 (embedding)" not in err and "vectors shipped" not in err, err[-2000:]
        assert "Traceback" not in err, err[-3000:]
    # a and b at their first start: the local files made, the vectors taken from the server
    assert sum("made the local files only" in err for err in stack.errors) == 2
