"""The log, feedback and chat turns in a real PostgreSQL (a throwaway cluster, tests/pg_server.py):
the same ``Log`` as on SQLite, versioned migrations, commits acknowledged only once durable, a server
that goes away and comes back, and the CLI's export."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from assistant.database import SCHEMA_VERSION, open_database
from assistant.store import Log, LogUnavailable
from live_server import free_port
from pg_server import PASSWORD, start_postgres

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def db_url(postgres):
    return postgres.create_database(f"t{uuid.uuid4().hex[:12]}")


def _sql(url: str, query: str, *params):
    with psycopg.connect(url) as db:
        return db.execute(query, params).fetchall()


def test_answers_feedback_and_turns_round_trip(db_url):
    log = Log(db_url)
    assert log.path is None
    log.answer("a" * 32, "s1", "第19项任务要求什么？", "答", False, [19], "task", "extractive", 3.2, "127.0.0.1")
    log.feedback("a" * 32, "up", "有用")
    log.wait(log.submit_turn("s1", "第19项任务要求什么？", "第19项任务要求什么？", "答", [19], "task"))
    log.wait(log.submit_turn("s1", "它具体怎么落实？", "第19项任务具体怎么落实？", "答2", [19], "task"))
    # acknowledged means committed: another connection sees every row at once
    assert _sql(db_url, "SELECT f.rating, f.comment, a.question, a.cited_tasks FROM feedback f"
                        " JOIN answers a ON a.id = f.answer_id") == [("up", "有用", "第19项任务要求什么？", "[19]")]
    assert [t.resolved for t in log.turns("s1")] == ["第19项任务要求什么？", "第19项任务具体怎么落实？"]
    assert [t.resolved for t in log.turns("s1", limit=1)] == ["第19项任务具体怎么落实？"]
    assert log.turns("s1", since=9e9) == [] and log.turns("other") == []
    assert log.known_answer("a" * 32) and not Log(db_url).known_answer("b" * 32)
    assert Log(db_url).known_answer("a" * 32)  # from the database, not this process's memory
    # the same answer id again replaces the row, as on SQLite
    log.answer("a" * 32, "s1", "第19项任务要求什么？", "新答", False, [19], "task", "extractive", 1.0, "127.0.0.1")
    assert [r["answer"] for r in log.rows("answers")] == ["新答"]
    # the same id twice in one batch (one multi-row INSERT a table): no error, the later row wins
    row = ("d" * 32, 1.0, None, "q", "一", 0, "[1]", "task", "extractive", 1.0, "t")
    store = open_database(db_url)
    store.insert([("answers", row), ("feedback", (1.0, "d" * 32, "up", None)), ("answers", row[:4] + ("二",) + row[5:])])
    store.close()
    assert _sql(db_url, "SELECT answer FROM answers WHERE id = %s", "d" * 32) == [("二",)]
    assert log.health()["ok"] and log.health()["written"] == 5
    log.close()


def test_migrations_are_versioned_and_applied_once_by_concurrent_openers(db_url):
    errors = []

    def open_one():
        try:
            Log(db_url).close()
        except Exception as e:  # noqa: BLE001 - collected for the assertion
            errors.append(e)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # each migration recorded once, however many processes opened the database at once
    assert _sql(db_url, "SELECT version FROM schema_version ORDER BY version") == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
    tables = {r[0] for r in _sql(db_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert tables == {"schema_version", "answers", "feedback", "turns", "answer_details", "annotations",
                      "annotation_removals", "judgments"}


def test_a_version_1_database_is_migrated_to_the_review_desk_tables_keeping_its_rows(db_url):
    from assistant.database import MIGRATIONS

    with psycopg.connect(db_url) as db:  # what a release before the review desk left behind
        db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied DOUBLE PRECISION NOT NULL)")
        for sql in MIGRATIONS[0][2]["postgresql"]:
            db.execute(sql)
        db.execute("INSERT INTO schema_version VALUES (1, 0)")
        db.execute("INSERT INTO answers VALUES ('old', 1.0, NULL, 'q', 'a', 0, '[1]', 'task', 'extractive', 1.0, 't')")
    log = Log(db_url)
    assert [v for (v,) in _sql(db_url, "SELECT version FROM schema_version ORDER BY version")] == [1, SCHEMA_VERSION]
    assert [r["id"] for r in log.rows("answers")] == ["old"] and log.rows("annotations") == []
    log.close()


class _Chars:
    """A tokenizer stand-in for the desk's topic labels: every character a word."""

    @staticmethod
    def tokens(text):
        return list(text)


def test_the_review_desk_reads_and_writes_postgres(db_url, plan):
    from assistant.web import desk
    from assistant.annotations import QuestionMemory

    log = Log(db_url)
    assert log.dialect == "postgresql"
    a, b = "a" * 32, "b" * 32
    log.answer(a, "s1", "第19项任务要求什么？", "答", False, [19], "task", "extractive", 3.2, "t")
    log.wait(log.submit_details(a, 0.02, [{"node_id": "task-19", "task": 19, "section": None, "marker": "①",
                                           "start": 0, "end": 3}]))
    log.answer(b, None, "今天天气怎么样", "这个问题规划中没有涉及", True, [], "refused", "extractive", 1.0, "t")
    log.feedback(b, "down", "")
    log.wait(log.submit_judgment(a, "tasks", [16], [], "alice", "第19项任务要求什么？", "答", [19], None))
    assert desk.questions(log)["total"] == 2
    assert [i["id"] for i in desk.questions(log, feedback="down")["items"]] == [b]
    assert [i["id"] for i in desk.questions(log, text="天气")["items"]] == [b]
    assert [i["id"] for i in desk.questions(log, low=True)["items"]] == [a]
    assert desk.questions(log, refused=True)["total"] == 1 and desk.questions(log, feedback="none")["total"] == 1
    today = time.strftime("%Y-%m-%d")
    assert desk.questions(log, since=today, until=today)["total"] == 2
    assert desk.questions(log, limit=1, offset=1)["items"][0]["id"] == a
    item = desk.questions(log, route="task")["items"][0]
    assert item["confidence"] == 0.02 and item["citations"][0]["task"] == 19
    assert [(r["author"], r["tasks"]) for r in item["reviews"]] == [("alice", [16])]
    assert desk.answer_row(log, a)["question"] == "第19项任务要求什么？"
    numbers = desk.stats(log, plan, _Chars())
    assert (numbers["questions"], numbers["declined"], numbers["thumbs_down"], numbers["rated"]) == (2, 1, 1, 1)
    assert sum(d["questions"] for d in numbers["per_day"]) == 2 and numbers["tasks"][0]["task"] == 19
    assert numbers["unanswered_topics"][0]["count"] == 1

    memory = QuestionMemory(plan, None, log)
    ann = memory.add("老专家下乡讲课有支持吗", tasks=[11], author="alice")
    other = Log(db_url)  # another process sharing the database sees it
    assert [x.id for x in QuestionMemory(plan, None, other).all()] == [ann.id]
    other.close()
    assert memory.remove(ann.id, "bob") and memory.all() == []
    assert [(h["id"], h["removed_by"]) for h in memory.history()] == [(ann.id, "bob")]
    log.close()


def test_commits_are_synchronous_even_where_the_server_default_is_not(db_url):
    _sql(db_url, "SELECT 1")
    with psycopg.connect(db_url, autocommit=True) as db:
        db.execute(f"ALTER DATABASE {db_url.rsplit('/', 1)[1]} SET synchronous_commit = off")
    assert _sql(db_url, "SHOW synchronous_commit") == [("off",)]  # what a plain connection now gets
    store = open_database(db_url)
    with store.engine.connect() as db:
        from sqlalchemy import text

        assert db.execute(text("SHOW synchronous_commit")).scalar_one() == "on"  # ours: durable at commit
    store.close()


def test_two_writers_on_one_database_lose_nothing(db_url):
    a, b = Log(db_url), Log(db_url)

    def write(log, tag):
        for i in range(300):
            log.answer(f"{tag}{i:031d}", None, f"q{i}", "a", False, [1], "task", "extractive", 1.0, "t")

    threads = [threading.Thread(target=write, args=(a, "a")), threading.Thread(target=write, args=(b, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a.close()
    b.close()
    assert _sql(db_url, "SELECT COUNT(*) FROM answers") == [(600,)]


def test_a_row_postgres_refuses_does_not_stop_the_log(db_url):
    log = Log(db_url)
    with pytest.raises(LogUnavailable):  # NUL is valid in Python and SQLite text, not in PostgreSQL's
        log.answer("bad" + "0" * 29, None, "第19项\x00", "a", False, [19], "task", "extractive", 1.0, "t")
    log.answer("good" + "0" * 28, None, "第20项", "a", False, [20], "task", "extractive", 1.0, "t")
    assert [r["question"] for r in log.rows("answers")] == ["第20项"]
    assert log._writer.is_alive()
    log.close()


def test_a_server_that_goes_away_fails_rows_fast_and_the_log_recovers_when_it_returns():
    server = start_postgres()  # its own cluster: this test stops it
    try:
        url = server.create_database("recover")
        log = Log(url)
        log.answer("a" * 32, None, "q", "a", False, [1], "task", "extractive", 1.0, "t")
        server.stop("immediate")
        with pytest.raises(LogUnavailable):
            log.feedback("a" * 32, "up", None, timeout=30)
        health = log.health()
        assert not health["ok"] and health["failed"] == 1 and PASSWORD not in (health["last_error"] or "")
        with pytest.raises(LogUnavailable):
            log.known_answer("b" * 32)
        server.start()
        log.feedback("a" * 32, "down", None)  # a new connection from the pool: written again
        assert [r["rating"] for r in log.rows("feedback")] == ["down"] and log.health()["ok"]
        log.close()
    finally:
        server.close()


def test_an_unreachable_database_is_one_line_and_exit_2_without_the_password(subprocess_env, tmp_path):
    url = f"postgresql://guihua:{PASSWORD}@127.0.0.1:{free_port()}/none"
    r = subprocess.run([sys.executable, str(REPO / "app.py"), "--no-ui", "--port", str(free_port()), "--db", url],
                       env=subprocess_env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "日志数据库" in r.stderr and "127.0.0.1" in r.stderr
    assert PASSWORD not in r.stderr
    bad = subprocess.run([sys.executable, str(REPO / "app.py"), "--no-ui", "--db", "mysql://x/y"],
                         env=subprocess_env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "postgresql://" in bad.stderr and "Traceback" not in bad.stderr


def test_log_export_reads_postgres(db_url, subprocess_env, tmp_path):
    import csv

    log = Log(db_url)
    log.answer("c" * 32, "s", '=HYPERLINK("x")', "答", False, [19], "task", "extractive", 2.0, "127.0.0.1")
    log.feedback("c" * 32, "up", "好")
    log.close()
    out = tmp_path / "log.csv"
    r = subprocess.run([sys.executable, "-m", "assistant", "log", "export", "--db", db_url, "-o", str(out)],
                       env=subprocess_env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 1 and rows[0]["question"] == "'=HYPERLINK(\"x\")" and rows[0]["thumbs_up"] == "1"
    assert rows[0]["thumbs_down"] == "" and rows[0]["time"][:2] == "20"
    r = subprocess.run([sys.executable, "-m", "assistant", "log", "export", "--table", "feedback"],
                       env={**subprocess_env, "ASSISTANT_DB": db_url}, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "c" * 32 in r.stdout and "好" in r.stdout


def test_acknowledged_rows_survive_a_postgres_crash_under_load_and_the_app_recovers(subprocess_env, tmp_path):
    """app.py on its own cluster; clients ask and give feedback while PostgreSQL is killed (immediate
    shutdown: no checkpoint, crash recovery at the next start) and started again."""
    import httpx

    from test_multiprocess import start_app, stop

    server = start_postgres()
    proc = None
    try:
        url = server.create_database("crash")
        proc, app = start_app({**subprocess_env, "ASSISTANT_DB": url, "ASSISTANT_RATE_LIMIT": "0"}, tmp_path)
        answers, comments, refused, unexpected, lock = set(), set(), [], [], threading.Lock()
        stop_at = time.monotonic() + 10

        def client(k: int):
            try:
                load(k)
            except Exception as e:  # noqa: BLE001 - a client that dies is a failure, reported below
                unexpected.append(repr(e))

        def load(k: int):
            with httpx.Client(base_url=app, timeout=30) as http:
                i = 0
                while time.monotonic() < stop_at:
                    i += 1
                    a = http.post("/api/ask", json={"question": f"第{(k * 7 + i) % 38 + 1}项任务要求什么？"})
                    if a.status_code != 200:  # answering never stops
                        unexpected.append(a.text)
                        continue
                    body = a.json()
                    if not body["logged"]:
                        continue
                    with lock:
                        answers.add(body["id"])
                    comment = f"{k}-{i}"
                    r = http.post("/api/feedback", json={"answer_id": body["id"], "rating": "up", "comment": comment})
                    with lock:
                        if r.status_code == 200:
                            comments.add(comment)
                        elif r.status_code == 503:
                            refused.append(comment)
                        else:
                            unexpected.append(r.text)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(answers) < 10:  # under way
            assert time.monotonic() < deadline and not unexpected, unexpected
            time.sleep(0.1)
        server.stop("immediate")
        with httpx.Client(base_url=app, timeout=30) as http:  # while it is down
            first = next(iter(answers))
            down_answer = http.post("/api/ask", json={"question": "第19项任务要求什么？"})
            down_feedback = http.post("/api/feedback", json={"answer_id": first, "rating": "down"})
            down_health = http.get("/api/health").json()
            server.start()
            deadline = time.monotonic() + 30
            while http.get("/api/health").json()["status"] != "ok" or not http.post(
                    "/api/ask", json={"question": "第20项任务要求什么？"}).json()["logged"]:
                assert time.monotonic() < deadline, "the app did not write again after PostgreSQL came back"
                time.sleep(0.5)
            back = http.post("/api/feedback", json={"answer_id": first, "rating": "down", "comment": "back"})
        for t in threads:
            t.join(60)
    finally:
        err = stop(proc) if proc else ""
        try:
            stored_answers = {r[0] for r in _sql(url, "SELECT id FROM answers")}
            stored_comments = {r[0] for r in _sql(url, "SELECT comment FROM feedback")}
        finally:
            server.close()
    assert "Traceback" not in err, err
    assert unexpected == []
    # while it was down: answers went on, unlogged; feedback was refused, not silently dropped; health said so
    assert down_answer.status_code == 200 and down_answer.json()["logged"] is False
    assert down_feedback.status_code == 503 and down_health["status"] == "degraded"
    assert back.status_code == 200 and "back" in stored_comments
    assert answers and comments
    assert answers <= stored_answers, f"{len(answers - stored_answers)} acknowledged answers lost"
    assert comments <= stored_comments, f"{len(comments - stored_comments)} acknowledged feedback rows lost"
    print(f"\nPostgreSQL killed under load: {len(answers)} answers and {len(comments)} feedback rows acknowledged, "
          f"all stored; {len(refused)} feedback refused (503) by the clients while it was down")


def test_annotations_export_and_import_with_db(postgres, plan, subprocess_env, tmp_path):
    from assistant.annotations import QuestionMemory

    source, dest = (postgres.create_database(f"t{uuid.uuid4().hex[:12]}") for _ in range(2))
    log = Log(source)
    QuestionMemory(plan, None, log).add("老专家下乡讲课有支持吗", tasks=[11], author="alice")
    log.close()
    out = tmp_path / "annotations.jsonl"
    r = subprocess.run([sys.executable, "-m", "assistant", "annotations", "export", str(out), "--db", source],
                       env=subprocess_env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text("utf-8"))["gold_tasks"] == [11]
    for _ in range(2):  # the second import skips what is there
        r = subprocess.run([sys.executable, "-m", "assistant", "annotations", "import", str(out)],
                           env={**subprocess_env, "ASSISTANT_DB": dest}, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0 and PASSWORD not in r.stderr, r.stderr
    assert _sql(dest, "SELECT question, tasks, author FROM annotations") == [("老专家下乡讲课有支持吗", "[11]", "alice")]
