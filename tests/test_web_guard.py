"""Every bad request gets the right 4xx in our JSON shape, on our routes and on the UI's, against a real
uvicorn server (with the gradio UI mounted, as ``python app.py`` serves it) on 127.0.0.1: strict
values, wrong methods, wrong media types, malformed HTTP, oversized or slow headers, the Host
allow-list, the UI's routes under the same guard, no upload route, no versions."""
from __future__ import annotations

import socket
import time

import httpx
import pytest

from assistant.web.httpserver import WireLimits
from assistant.web import ServerSettings, create_app
from live_server import LiveServer

QUESTION = "第19项任务要求什么？"


@pytest.fixture(scope="module")
def live(bot, tmp_path_factory):
    log = tmp_path_factory.mktemp("guard-log") / "log.sqlite3"
    app = create_app(bot.config, ServerSettings(log_path=log, rate_per_minute=0), bot=bot)  # with the UI
    server = LiveServer(app, limits=WireLimits(header_timeout=1.5, body_timeout=1.5))
    yield server
    server.close()


@pytest.fixture(scope="module")
def http(live):
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client


def _error(r, status, code=None):
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json"), r.headers
    body = r.json()
    assert body["status"] == status and body["message"] and body["detail"], body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body
    assert "Traceback" not in r.text
    error = body["error"]["code"] if r.request.url.path.startswith("/v1/") else body["error"]
    if code:
        assert error == code, body
    return body


def _still_serving(http):
    r = http.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200 and 19 in r.json()["cited_tasks"]


def _raw(live, data: bytes, read_timeout: float = 10) -> bytes:
    """Send bytes as they are and read until the server closes (or answers one response)."""
    with socket.create_connection(("127.0.0.1", live.port), timeout=read_timeout) as s:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out and b"}" in out.split(b"\r\n\r\n", 1)[1]:
                break
        return out


def _status_and_json(raw: bytes):
    import json

    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    assert b"content-type: application/json" in head.lower(), head
    data = json.loads(body)
    assert data["status"] == status and data["message"] and data["detail"]
    return status, data


# --- strict values ----------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/quiz", "/api/quiz/export"])
@pytest.mark.parametrize("body", [
    b'{"part": "\\ud800"}', '{"part": "六六"}', '{"part": "%s"}' % ("六" * 20000), b'{"part": 11}',
    b'{"part": 0}', b'{"tasks": [0]}', b'{"tasks": [39]}', b'{"tasks": []}', b'{"tasks": ["19"]}',
    b'{"tasks": [19], "n": 0}', b'{"tasks": [19], "n": 51}', b'{"tasks": [19], "kinds": []}',
    b'{"tasks": [19], "kinds": ["essay"]}', b'{"tasks": [19], "seed": -1}', b'{"tasks": [19], "seed": 1e400}',
])
def test_quiz_values_are_checked_strictly(http, path, body):
    body = body if isinstance(body, bytes) else body.encode()
    r = http.post(path, content=body, headers={"content-type": "application/json"})
    b = _error(r, 422)
    assert "六六" not in r.text and len(r.content) < 4000  # the message never echoes the input


def test_quiz_accepts_a_part_by_numeral_or_number(http):
    for part in ("六", 6):
        r = http.post("/api/quiz", json={"part": part, "n": 2, "seed": 1})
        assert r.status_code == 200 and r.json()["items"], r.text
    _error(http.post("/api/quiz/export?format=exe", json={"tasks": [19], "n": 1}), 422)


@pytest.mark.parametrize("stream", [False, True])
def test_openai_model_name_is_checked(http, stream):
    body = ('{"model": "\\ud800", "stream": %s, "messages": [{"role": "user", "content": "%s"}]}'
            % ("true" if stream else "false", QUESTION)).encode()
    _error(http.post("/v1/chat/completions", content=body, headers={"content-type": "application/json"}), 422)
    r = http.post("/v1/chat/completions", json={"model": "my-model:7b", "stream": stream,
                                                "messages": [{"role": "user", "content": QUESTION}]})
    assert r.status_code == 200 and "my-model:7b" in r.text


def test_feedback_comment_must_be_storable_text(http):
    a = http.post("/api/ask", json={"question": QUESTION}).json()
    body = ('{"answer_id": "%s", "rating": "up", "comment": "好\\ud800"}' % a["id"]).encode()
    _error(http.post("/api/feedback", content=body, headers={"content-type": "application/json"}), 422)
    assert http.post("/api/feedback", json={"answer_id": a["id"], "rating": "up", "comment": "好"}).json() == {"ok": True}


# --- methods, media types -----------------------------------------------------------------------
ROUTES = {"/api/ask": {"POST"}, "/api/chat": {"POST"}, "/api/feedback": {"POST"}, "/api/quiz": {"POST"},
          "/api/quiz/export": {"POST"}, "/api/tasks": {"GET"}, "/api/tasks/19": {"GET"}, "/api/plan": {"GET"},
          "/api/health": {"GET"}, "/v1/models": {"GET"}, "/v1/chat/completions": {"POST"}, "/widget.js": {"GET"},
          "/openapi.json": {"GET"},
          # the review desk's page, in a router of its own: the same JSON 405 (it used to get Starlette's plain
          # one); its /api/admin/* routes answer 403 admin_disabled to any method here, where no key is set
          "/admin": {"GET"}}


@pytest.mark.parametrize("path", sorted(ROUTES))
def test_wrong_methods_are_405_with_allow(http, path):
    allowed = ROUTES[path]
    for method in ["PUT", "DELETE", "PATCH", "GET", "POST", "HEAD", "OPTIONS"]:
        if method in allowed or (method == "HEAD" and "GET" in allowed):
            continue
        r = http.request(method, path)
        assert r.status_code == 405, (method, path, r.status_code, r.text)
        assert set(r.headers["allow"].replace(" ", "").split(",")) >= allowed
        if method != "HEAD":
            _error(r, 405, "method_not_allowed")


def test_head_on_a_get_route_is_a_get_without_body(http):
    r = http.head("/api/tasks")
    assert r.status_code == 200 and r.content == b""


def test_paths_nobody_serves_are_404_in_our_shape(http):
    _error(http.post("/API/ask", json={"question": QUESTION}), 404)
    _error(http.get("/no/such/page"), 404)
    _error(http.put("/api/nothing"), 404)


def test_json_without_a_content_type_is_415(http):
    r = http.post("/api/ask", content='{"question": "第19项"}'.encode(), headers={"content-type": ""})
    _error(r, 415, "unsupported_media_type")
    _error(http.post("/api/ask", data={"question": "x"}), 415, "unsupported_media_type")
    _still_serving(http)


# --- the wire: malformed HTTP, limits, slow clients ------------------------------------------------
@pytest.mark.parametrize("request_bytes, status", [
    (b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n{}", 400),
    (b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}", 400),
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET /api/health?" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
    (b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n", 431),
    (b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(b"X-H%d: 1\r\n" % i for i in range(200))
     + b"\r\n", 431),
])
def test_malformed_and_oversized_requests_get_json_errors(live, http, request_bytes, status):
    assert _status_and_json(_raw(live, request_bytes))[0] == status
    _still_serving(http)


def test_a_32mb_header_is_refused_without_reading_it_all(live, http):
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as s:
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
        sent, refused = 0, False
        try:
            while sent < 32 * 1024 * 1024:
                s.sendall(b"a" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            refused = True
        assert refused or b"431" in s.recv(1024)
    assert sent < 32 * 1024 * 1024
    _still_serving(http)


@pytest.mark.parametrize("partial", [
    b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n",  # headers never finished (slow-loris)
    b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
])
def test_half_sent_requests_are_timed_out_with_408(live, http, partial):
    raw = _raw(live, partial, read_timeout=20)  # the server's limits here: 1.5 s
    assert _status_and_json(raw)[0] == 408
    _still_serving(http)


def test_an_idle_connection_is_closed(live):
    with socket.create_connection(("127.0.0.1", live.port), timeout=20) as s:
        assert s.recv(10) == b""  # closed by the server, nothing sent


# --- host, origin, UI routes -------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/ask", "/", "/config", "/gradio_api/queue/join"])
def test_dns_rebinding_a_foreign_host_is_refused(http, path):
    r = http.post(path, json={"question": QUESTION}, headers={"Host": "evil.com", "Origin": "http://evil.com"})
    _error(r, 400, "host_not_allowed")
    assert http.get("/api/health", headers={"Host": "localhost:7860"}).status_code == 200


def test_the_ui_routes_keep_the_origin_and_size_rules(http):
    _error(http.post("/gradio_api/queue/join", json={}, headers={"Origin": "https://evil.example"}), 403)
    _error(http.post("/gradio_api/queue/join", content=b"x" * (20 * 1024 * 1024),
                     headers={"content-type": "application/json"}), 413)
    for path in ("/gradio_api/upload", "/upload"):
        r = http.post(path, files={"files": ("a.txt", b"x" * 1000)})
        _error(r, 404)
        assert "/tmp" not in r.text


def test_no_versions_for_anonymous_callers(http):
    import gradio

    for path in ("/", "/config", "/gradio_api/info", "/api/health"):
        r = http.get(path)
        assert gradio.__version__ not in r.text, path
        assert "server" not in r.headers or "uvicorn" not in r.headers["server"]
