"""The HTTP API against a real uvicorn server on 127.0.0.1: answers, chat follow-ups,
the plan, feedback, the OpenAI-compatible endpoint (driven by the real openai client),
and every kind of bad request getting the right 4xx while the server keeps serving."""
from __future__ import annotations

import threading

import httpx
import openai
import pytest

from assistant.web import ServerSettings, create_app
from assistant.store import Log, LogUnavailable
from live_server import LiveServer

QUESTION = "第19项任务要求什么？"


def _serve(bot, tmp_path_factory, **settings):
    log = tmp_path_factory.mktemp("log") / "log.sqlite3"
    app = create_app(bot.config, ServerSettings(log_path=log, ui=False, **settings), bot=bot)
    return LiveServer(app), app


@pytest.fixture(scope="module")
def live(bot, tmp_path_factory):
    server, app = _serve(bot, tmp_path_factory, rate_per_minute=0)
    server.app = app
    yield server
    server.close()


@pytest.fixture(scope="module")
def http(live):
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client


def _still_serving(http):
    r = http.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200 and 19 in r.json()["cited_tasks"]


def _error(r, status, code=None):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status and body["message"] and body["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body  # Chinese for end users
    assert "Traceback" not in r.text and 'File "' not in r.text
    error = body["error"]
    if r.request.url.path.startswith("/v1/"):  # the OpenAI shape, which chat front-ends read
        assert error["message"] == body["message"] and error["type"]
        error = error["code"]
    if code:
        assert error == code, body
    return body


# --- answers ----------------------------------------------------------------
def test_ask_returns_a_cited_answer_with_verbatim_quotes(http, plan):
    r = http.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200
    a = r.json()
    assert a["refused"] is False and a["cited_tasks"][0] == 19 and len(a["id"]) == 32
    assert a["citations"] and a["passages"] and a["ms"] > 0
    for c in a["citations"]:
        assert plan.text[c["start"]:c["end"]] == c["quote"]
        assert 1 <= c["task"] <= 38 if c["task"] is not None else c["section"]
    assert "[任务19]" in a["text"]


def test_a_list_answer_names_the_tasks_offered_beside_its_members(http):
    a = http.post("/api/ask", json={"question": "弘扬科学家精神是哪几条任务在讲？"}).json()
    assert a["related"] and set(a["related"]) <= set(a["cited_tasks"])
    assert {2, 20, 32} == set(a["cited_tasks"]) - set(a["related"])
    single = http.post("/api/ask", json={"question": QUESTION}).json()
    assert single["related"] == []


def test_ask_refuses_what_the_plan_does_not_cover(http):
    a = http.post("/api/ask", json={"question": "第39项任务要求什么？"}).json()
    assert a["refused"] is True and 39 not in a["cited_tasks"]
    assert all(1 <= n <= 38 for n in a["suggestions"])


def test_chat_resolves_a_follow_up_within_a_session(http):
    first = http.post("/api/chat", json={"message": QUESTION}).json()
    sid = first["session_id"]
    assert first["cited_tasks"][0] == 19 and sid
    second = http.post("/api/chat", json={"message": "它具体怎么落实？", "session_id": sid}).json()
    assert second["session_id"] == sid
    assert second["cited_tasks"][0] == 19 and "19" in second["resolved_question"]
    # another session knows nothing of task 19
    other = http.post("/api/chat", json={"message": "它具体怎么落实？"}).json()
    assert other["session_id"] != sid and other["resolved_question"] is None


def test_chat_accepts_a_client_chosen_session_id(http):
    """The widget keeps its id in localStorage; an id the server does not know (after a restart) starts afresh."""
    sid = "widget-session-0001"
    a = http.post("/api/chat", json={"message": "第20项任务是什么？", "session_id": sid}).json()
    assert a["session_id"] == sid and a["cited_tasks"][0] == 20


def test_tasks_plan_and_health(http):
    tasks = http.get("/api/tasks").json()
    assert [t["task"] for t in tasks] == list(range(1, 39))
    t19 = http.get("/api/tasks/19").json()
    assert t19["part"] == "六" and t19["marker"] == "[任务19]" and "科普" in t19["text"]
    assert "".join(s["text"] for s in t19["sentences"]) in t19["text"] or t19["sentences"]
    outline = http.get("/api/plan").json()
    assert len(outline) == 10 and sum(len(p["tasks"]) for p in outline) == 38
    health = http.get("/api/health").json()
    assert health["status"] == "ok" and health["tasks"] == 38


def test_feedback_is_logged_and_unknown_answers_are_404(live, http):
    a = http.post("/api/ask", json={"question": "哪些任务涉及乡村振兴？"}).json()
    assert http.post("/api/feedback", json={"answer_id": a["id"], "rating": "down", "comment": "太长"}).json() == {"ok": True}
    rows = live.app.state.log.rows("feedback")
    assert {"answer_id": a["id"], "rating": "down", "comment": "太长"}.items() <= rows[-1].items()
    _error(http.post("/api/feedback", json={"answer_id": "0" * 32, "rating": "up"}), 404)
    _error(http.post("/api/feedback", json={"answer_id": a["id"], "rating": "meh"}), 422, "invalid_field")


def test_every_answer_is_logged(live, http):
    before = len(live.app.state.log.rows("answers"))
    http.post("/api/ask", json={"question": "一共有多少项任务？"})
    rows = live.app.state.log.rows("answers")
    assert len(rows) == before + 1 and rows[-1]["question"] == "一共有多少项任务？"


def test_openapi_schema_is_served(http):
    schema = http.get("/openapi.json").json()
    for path in ("/api/ask", "/api/chat", "/api/tasks", "/api/tasks/{n}", "/api/feedback", "/api/health",
                 "/v1/chat/completions", "/v1/models"):
        assert path in schema["paths"], path
    assert http.get("/docs").status_code == 200


def test_widget_script_is_served(http):
    r = http.get("/widget.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert "attachShadow" in r.text and "/api/chat" in r.text


# --- the OpenAI-compatible endpoint, through the real openai client -----------------
def test_openai_client_non_streaming(live):
    client = openai.OpenAI(base_url=live.url + "/v1", api_key="unused", max_retries=0)
    assert [m.id for m in client.models.list()] == ["guihua-assistant"]
    r = client.chat.completions.create(model="guihua-assistant", messages=[{"role": "user", "content": QUESTION}])
    text = r.choices[0].message.content
    assert "[任务19]" in text and "引用：" in text
    cites = r.model_extra["citations"]
    assert cites and cites[0]["task"] == 19 and cites[0]["quote"] in text


def test_openai_client_streaming_and_follow_up_from_history(live):
    client = openai.OpenAI(base_url=live.url + "/v1", api_key="unused", max_retries=0)
    stream = client.chat.completions.create(
        model="guihua-assistant", stream=True,
        messages=[{"role": "system", "content": "你是助手"},
                  {"role": "user", "content": QUESTION},
                  {"role": "assistant", "content": "……"},
                  {"role": "user", "content": [{"type": "text", "text": "它具体怎么落实？"}]}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "[任务19]" in text
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"][0]["task"] == 19


def test_openai_endpoint_rejects_a_conversation_without_a_question(http):
    _error(http.post("/v1/chat/completions", json={"messages": [{"role": "system", "content": "x"}]}), 422)
    _error(http.post("/v1/chat/completions", json={"messages": []}), 422)
    _error(http.post("/v1/chat/completions", json={"model": "x"}), 422, "missing_field")


# --- bad requests ---------------------------------------------------------------
@pytest.mark.parametrize("body, status, code", [
    (b'{"question": ', 400, "invalid_json"),
    (b"[1, 2]", 400, "invalid_json"),
    (b"\xff\xfe\x00garbage", 400, "invalid_json"),
    (b"{}", 422, "missing_field"),
    ('{"q": "第19项"}', 422, "missing_field"),
    (b'{"question": 19}', 422, "invalid_field"),
    (b'{"question": ["a"]}', 422, "invalid_field"),
    (b'{"question": ""}', 422, "invalid_question"),
    (b'{"question": "   "}', 422, "invalid_question"),
    ('{"question": "%s"}' % ("规" * 600), 422, "invalid_question"),
    (b'{"question": "a\\u0000b"}', 422, "invalid_question"),
    (b'{"question": "\\u7b2c19\\ud800\\u9879"}', 422, "invalid_question"),
    (b"", 400, "empty_body"),
])
def test_bad_bodies_get_a_clear_4xx(http, body, status, code):
    r = http.post("/api/ask", content=body if isinstance(body, bytes) else body.encode(),
                  headers={"content-type": "application/json"})
    _error(r, status, code)
    _still_serving(http)


def test_a_1mb_body_is_413_and_the_server_keeps_serving(http):
    _error(http.post("/api/ask", content=b"x" * 1_000_000, headers={"content-type": "application/json"}),
           413, "body_too_large")
    # the same without a Content-Length header (chunked), counted as it arrives
    def chunks():
        for _ in range(64):
            yield b"x" * 16384
    _error(http.post("/api/ask", content=chunks(), headers={"content-type": "application/json"}), 413,
           "body_too_large")
    # a small chunked body is read and answered as usual
    r = http.post("/api/ask", content=iter([b'{"question": "', "第19项任务要求什么".encode(), b'"}']),
                  headers={"content-type": "application/json"})
    assert r.status_code == 200 and r.json()["cited_tasks"][0] == 19
    _still_serving(http)


def test_json_sent_as_another_content_type_is_415(http):
    _error(http.post("/api/ask", content='{"question": "第19项"}'.encode(), headers={"content-type": "text/plain"}),
           415, "unsupported_media_type")


def test_openai_endpoint_type_errors_are_422(http):
    bad = {"messages": [{"role": "user", "content": [{"type": "text", "text": 1}]}]}
    _error(http.post("/v1/chat/completions", json=bad), 422, "invalid_field")


def test_unknown_endpoint_and_method(http):
    _error(http.get("/api/nothing-here"), 404, "not_found")
    _error(http.get("/api/ask"), 405)
    _error(http.get("/api/tasks/39"), 404, "not_found")
    _error(http.get("/api/tasks/abc"), 422)


def test_origins_outside_the_allow_list_are_refused(http):
    bad = {"Origin": "https://evil.example"}
    _error(http.post("/api/ask", json={"question": QUESTION}, headers=bad), 403, "origin_not_allowed")
    pre = http.options("/api/chat", headers={**bad, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 403
    # "null" (file:// pages, sandboxed frames) is not allowed unless listed
    _error(http.post("/api/ask", json={"question": QUESTION}, headers={"Origin": "null"}), 403)
    good = {"Origin": "http://127.0.0.1:5555"}
    r = http.post("/api/ask", json={"question": QUESTION}, headers=good)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "http://127.0.0.1:5555"
    pre = http.options("/api/chat", headers={**good, "Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "http://127.0.0.1:5555"
    _still_serving(http)


def test_api_key_when_one_is_set(bot, tmp_path_factory):
    server, _ = _serve(bot, tmp_path_factory, api_key="s3cret-key", rate_per_minute=0)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            _error(http.post("/api/ask", json={"question": QUESTION}), 401, "unauthorized")
            _error(http.post("/api/ask", json={"question": QUESTION}, headers={"X-API-Key": "wrong"}), 401)
            assert http.post("/api/ask", json={"question": QUESTION},
                             headers={"X-API-Key": "s3cret-key"}).status_code == 200
            assert http.post("/api/ask", json={"question": QUESTION},
                             headers={"Authorization": "Bearer s3cret-key"}).status_code == 200
            assert http.get("/api/health").status_code == 200  # health stays open for monitors
            assert http.get("/widget.js").status_code == 200
        client = openai.OpenAI(base_url=server.url + "/v1", api_key="wrong", max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            client.models.list()
        client = openai.OpenAI(base_url=server.url + "/v1", api_key="s3cret-key", max_retries=0)
        assert client.models.list().data[0].id == "guihua-assistant"
    finally:
        server.close()


def test_during_a_key_rotation_both_keys_open_the_api_and_no_other(bot, tmp_path_factory):
    server, _ = _serve(bot, tmp_path_factory, api_key="new-key,old-key", rate_per_minute=0)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            for key in ("new-key", "old-key"):
                assert http.post("/api/ask", json={"question": QUESTION}, headers={"X-API-Key": key}).status_code == 200
            for key in ("new-key,old-key", "new", "old-key,", ","):
                _error(http.post("/api/ask", json={"question": QUESTION}, headers={"X-API-Key": key}), 401)
    finally:
        server.close()


def test_rate_limit_per_client(bot, tmp_path_factory):
    server, _ = _serve(bot, tmp_path_factory, rate_per_minute=6, burst=3)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            codes = [http.post("/api/ask", json={"question": QUESTION}).status_code for _ in range(5)]
            assert codes == [200, 200, 200, 429, 429]
            r = http.post("/api/ask", json={"question": QUESTION})
            body = _error(r, 429, "rate_limited")
            assert int(r.headers["retry-after"]) >= 1 and "retry after" in body["detail"]
            assert http.get("/api/health").status_code == 200
            # made-up keys buy no fresh bucket: without a configured key they are just the same address
            for key in ("a", "b", "c"):
                _error(http.post("/api/ask", json={"question": QUESTION}, headers={"X-API-Key": key}), 429)
                _error(http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": QUESTION}]},
                                 headers={"Authorization": f"Bearer {key}"}), 429, "rate_limited")
    finally:
        server.close()


def test_key_guessing_is_rate_limited_and_the_right_key_has_its_own_bucket(bot, tmp_path_factory):
    server, _ = _serve(bot, tmp_path_factory, api_key="right-key", rate_per_minute=6, burst=3)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            codes = [http.post("/api/ask", json={"question": QUESTION}, headers={"X-API-Key": f"guess{i}"}).status_code
                     for i in range(5)]
            assert codes == [401, 401, 401, 429, 429]
            assert http.post("/api/ask", json={"question": QUESTION},
                             headers={"X-API-Key": "right-key"}).status_code == 200
    finally:
        server.close()


def test_internal_errors_are_json_without_a_traceback(bot, tmp_path_factory):
    class Broken:
        def __init__(self, real):
            self.real = real

        def __getattr__(self, name):
            return getattr(self.real, name)

        def ask(self, question):
            raise RuntimeError("boom: secret internals")

    app = create_app(bot.config, ServerSettings(log_path=tmp_path_factory.mktemp("l") / "x.sqlite3", ui=False),
                     bot=Broken(bot))
    broken = LiveServer(app)
    try:
        with httpx.Client(base_url=broken.url, timeout=30) as http:
            r = http.post("/api/ask", json={"question": QUESTION})
            _error(r, 500, "server_error")
            assert "boom" not in r.text and "secret" not in r.text
            assert http.get("/api/health").status_code == 200
    finally:
        broken.close()


def test_many_concurrent_clients_lose_no_log_row(bot, tmp_path_factory):
    server, app = _serve(bot, tmp_path_factory, rate_per_minute=0)
    questions = ["第%d项任务要求什么？" % (i % 38 + 1) for i in range(120)]
    results = []

    def worker(chunk):
        with httpx.Client(base_url=server.url, timeout=60) as http:
            for q in chunk:
                results.append(http.post("/api/ask", json={"question": q}).status_code)

    threads = [threading.Thread(target=worker, args=(questions[k::12],)) for k in range(12)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.close()  # shutdown drains the log queue
    assert results.count(200) == 120
    rows = Log(app.state.log.path).rows("answers")
    assert len(rows) == 120 and len({r["id"] for r in rows}) == 120
    assert sorted(r["question"] for r in rows) == sorted(questions)


def test_two_processes_writing_one_log_lose_nothing(tmp_path):
    """Two Log writers on one file (as two server processes would be), taking turns on its write lock."""
    path = tmp_path / "shared.sqlite3"
    a, b = Log(path), Log(path)

    def write(log, tag):
        for i in range(500):
            log.answer(f"{tag}{i:031d}", None, f"q{i}", "a", False, [1], "task", "extractive", 1.0, "t")

    threads = [threading.Thread(target=write, args=(a, "a")), threading.Thread(target=write, args=(b, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a.close()
    b.close()
    assert len(Log(path).rows("answers")) == 1000


def test_log_export_csv_through_the_cli(live, http, subprocess_env, python, tmp_path):
    import csv
    import subprocess

    a = http.post("/api/ask", json={"question": "“科普中国”是哪项任务的内容？"}).json()
    http.post("/api/feedback", json={"answer_id": a["id"], "rating": "up"})
    live.app.state.log.flush()
    out = tmp_path / "log.csv"
    r = subprocess.run([python, "-m", "assistant", "log", "export", "--csv", "--log", str(live.app.state.log.path),
                        "-o", str(out)], env=subprocess_env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    mine = [row for row in rows if row["id"] == a["id"]]
    assert mine and mine[0]["question"] == "“科普中国”是哪项任务的内容？" and mine[0]["thumbs_up"] == "1"
    assert len(rows) == len(live.app.state.log.rows("answers"))
    r = subprocess.run([python, "-m", "assistant", "log", "export", "--table", "feedback", "--log",
                        str(live.app.state.log.path)], env=subprocess_env, capture_output=True, text=True)
    assert r.returncode == 0 and a["id"] in r.stdout and "科普中国" in r.stdout
    r = subprocess.run([python, "-m", "assistant", "log", "export", "--log", str(tmp_path / "none.sqlite3")],
                       env=subprocess_env, capture_output=True, text=True)
    assert r.returncode == 1 and "找不到日志文件" in r.stderr and "Traceback" not in r.stderr


def test_a_row_the_database_refuses_does_not_stop_the_log(tmp_path):
    log = Log(tmp_path / "log.sqlite3")
    with pytest.raises(LogUnavailable):  # the caller learns that this row is not stored; the writer goes on
        log.answer("bad" + "0" * 29, None, "第19项\ud800", "a", False, [19], "task", "extractive", 1.0, "t")
    log.answer("good" + "0" * 28, None, "第20项", "a", False, [20], "task", "extractive", 1.0, "t")
    log.feedback("good" + "0" * 28, "up", None)
    log.flush()
    assert [r["question"] for r in log.rows("answers")] == ["第20项"]
    assert log._writer.is_alive() and log.rows("feedback")[0]["rating"] == "up"
    log.close()


def test_csv_export_neutralises_formulas(tmp_path):
    import io

    from assistant.store import export_csv

    log = Log(tmp_path / "log.sqlite3")
    log.answer("f" * 32, None, '=HYPERLINK("http://evil.example","第19项")', "-1", False, [19], "task", "extractive",
               1.0, "t")
    log.close()
    out = io.StringIO()
    export_csv(tmp_path / "log.sqlite3", out)
    assert "'=HYPERLINK" in out.getvalue() and "\n=HYPERLINK" not in out.getvalue() and ",'-1," in out.getvalue()


def test_with_a_key_the_web_ui_asks_for_it_too(bot, tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "log.sqlite3"
    server = LiveServer(create_app(bot.config, ServerSettings(log_path=log, api_key="ui-key"), bot=bot))
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            join = {"data": ["第19项任务要求什么"], "fn_index": 0, "session_hash": "abcdef"}
            assert http.post("/gradio_api/queue/join", json=join).status_code == 401
            assert http.get("/config").status_code == 401
            assert http.post("/login", data={"username": "anyone", "password": "wrong"}).status_code == 400
            assert http.post("/login", data={"username": "anyone", "password": "ui-key"}).json() == {"success": True}
            assert http.get("/config").status_code == 200  # the login cookie opens the UI
    finally:
        server.close()


def test_a_log_from_before_migrations_is_adopted_with_its_rows(tmp_path):
    import sqlite3

    from assistant.database import SCHEMA_VERSION

    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)  # the schema releases before schema_version wrote, and one row
    old.executescript("""
        CREATE TABLE answers (id TEXT PRIMARY KEY, ts REAL NOT NULL, session_id TEXT, question TEXT NOT NULL,
            answer TEXT NOT NULL, refused INTEGER NOT NULL, cited_tasks TEXT NOT NULL, route TEXT, mode TEXT, ms REAL,
            client TEXT);
        CREATE TABLE feedback (rowid INTEGER PRIMARY KEY, ts REAL NOT NULL, answer_id TEXT NOT NULL,
            rating TEXT NOT NULL, comment TEXT);
        INSERT INTO answers VALUES ('a', 1.0, NULL, '第19项', '答', 0, '[19]', 'task', 'extractive', 1.0, 't');
    """)
    old.close()
    log = Log(path)
    log.wait(log.submit_turn("s", "第19项", "第19项", "答", [19], "task"))  # the table the old release lacked
    assert [r["id"] for r in log.rows("answers")] == ["a"] and [t.question for t in log.turns("s")] == ["第19项"]
    log.close()
    versions = sqlite3.connect(path).execute("SELECT version FROM schema_version").fetchall()
    assert versions == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
    Log(path).close()  # opened again: nothing to apply, still one row a version
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM schema_version").fetchone() == (SCHEMA_VERSION,)
