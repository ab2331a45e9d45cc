"""What stands between the public and the answerer: host, origins, API key, rate limit, body size.

Pure-ASGI middlewares (cheap per request), outermost first:
``ShapeErrors`` turns any error a mounted app (gradio) or Starlette answers in
its own shape into ours; ``HostGuard`` refuses a ``Host`` not on the allow-list
(400: DNS rebinding); ``OriginGuard`` turns away browsers from sites that are
not on the allow-list (403) before CORS headers are considered, on every path
but the widget script; ``RequestGuard`` checks the API key (401, on ``/api``
and ``/v1``; the UI asks for it at login), the per-client rate (429), the body
size (413, for the UI's routes too), the media type (415) and blocks the UI's
upload route; ``MethodGuard`` answers a known path asked with the wrong method
with 405 and ``Allow``. Every refusal is JSON with a Chinese ``message`` for
end users and an English ``detail``.

>>> import re
>>> bool(re.fullmatch(origin_regex(["http://127.0.0.1:*", "https://*.cast.org.cn"]), "https://www.cast.org.cn"))
True
>>> bool(re.fullmatch(origin_regex(["http://127.0.0.1:*"]), "http://127.0.0.1.evil.com"))
False
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict

import anyio

GUARDED = ("/api/", "/v1/")  # API key, origin, body size
OPEN = ("/api/health",)
ADMIN = "/api/admin/"  # the review desk: an admin key (the API key or a named one), always
LIMITED_UI = "/gradio_api/"  # the UI's own calls answer questions too: rate-limited per IP
EMBEDDABLE = ("/widget.js",)  # loaded by other sites' pages: any origin
BLOCKED_UI = ("/gradio_api/upload", "/upload", "/gradio_api/upload_progress", "/upload_progress")  # no file inputs
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")
STATUS_MESSAGES = {400: "请求无效。", 401: "缺少或错误的访问密钥。", 403: "没有访问权限。", 404: "没有这个地址。",
                   405: "不支持这种请求方法。", 408: "请求发送超时。", 413: "请求内容太大。",
                   415: "请以JSON格式提交（Content-Type: application/json）。", 422: "请求的内容无效。",
                   429: "请求太频繁，请稍后再试。", 431: "请求头太大。", 503: "服务暂时不可用，请稍后再试。"}
STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 408: "request_timeout", 413: "body_too_large",
                415: "unsupported_media_type", 422: "invalid_field", 429: "rate_limited",
                431: "headers_too_large", 503: "unavailable"}


def origin_regex(patterns: list[str]) -> str:
    """One regex for an allow-list of origins; ``*`` stands for a port or a sub-domain label."""
    if "*" in patterns:
        return r".*"
    alts = []
    for p in patterns:
        p = p.strip().rstrip("/").lower()
        if not p:
            continue
        alts.append(re.escape(p).replace(r":\*", r":\d{1,5}").replace(r"//\*\.", r"//[a-z0-9-]+(?:\.[a-z0-9-]+)*\."))
    return "|".join(f"(?:{a})" for a in alts) or r"(?!)"


def error_payload(path: str, status: int, code: str, message: str, detail: str) -> dict:
    """Our error shape; under /v1 the OpenAI one (``error`` an object), which chat front-ends read."""
    if path.startswith("/v1/"):
        return {"error": {"message": message, "type": code, "code": code, "param": None, "detail": detail},
                "status": status, "message": message, "detail": detail}
    return {"error": code, "status": status, "message": message, "detail": detail}


def json_bytes(data) -> bytes:
    """UTF-8 JSON that cannot fail on a lone surrogate someone sent us (it becomes ``?``).

    >>> json_bytes({"part": "六\\ud800"}).decode()
    '{"part": "六?"}'
    """
    return json.dumps(data, ensure_ascii=False).encode("utf-8", "replace")


def error_bytes(path: str, status: int, code: str = "", message: str = "", detail: str = "") -> bytes:
    from http import HTTPStatus

    reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "error"
    return json_bytes(error_payload(path, status, code or STATUS_CODES.get(status, "http_error"),
                                    message or STATUS_MESSAGES.get(status, "请求无效。"), detail or reason))


async def send_error(send, status: int, code: str, message: str, detail: str, headers=(), path: str = "") -> None:
    body = error_bytes(path, status, code, message, detail)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


def _guarded(path: str) -> bool:
    return path.startswith(GUARDED) and path not in OPEN


def _header(scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", ()):
        if k == name:
            return v.decode("latin-1")
    return None


def host_regex(patterns: list[str]) -> re.Pattern:
    """Host names (no port) allowed in the ``Host`` header; ``*.example.org`` for sub-domains, ``*`` for any.

    >>> bool(host_regex(["localhost", "*.kx.gov.cn"]).fullmatch("www.kx.gov.cn"))
    True
    >>> bool(host_regex(["localhost"]).fullmatch("evil.com"))
    False
    """
    if "*" in patterns:
        return re.compile(r".*")
    alts = [re.escape(p.strip().lower()).replace(r"\*\.", r"(?:[a-z0-9-]+\.)+") for p in patterns if p.strip()]
    return re.compile("|".join(f"(?:{a})" for a in alts) or r"(?!)")


def host_name(host: str) -> str:
    """The name part of a Host header: ``127.0.0.1:7860`` → ``127.0.0.1``, ``[::1]:80`` → ``[::1]``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[:host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class HostGuard:
    """400 for a ``Host`` header not on the allow-list: a page on evil.com whose name was re-pointed
    at 127.0.0.1 (DNS rebinding) reaches the socket, but not the app."""

    def __init__(self, app, allowed: list[str]):
        self.app, self.allowed = app, host_regex(allowed)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            host = _header(scope, b"host")
            if host is None or not self.allowed.fullmatch(host_name(host)):
                return await send_error(send, 400, "host_not_allowed", "请通过正确的网址访问本服务。",
                                        f"host {host!r} is not in the allow-list (--allow-host, ASSISTANT_ALLOWED_HOSTS)",
                                        path=scope["path"])
        await self.app(scope, receive, send)


class OriginGuard:
    """403 for a cross-origin browser request from a site not on the allow-list (same-origin always passes),
    on every path but the embeddable widget script."""

    def __init__(self, app, allowed: list[str]):
        self.app = app
        self.allowed = re.compile(origin_regex(allowed))

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] not in EMBEDDABLE and scope["path"] not in OPEN:
            origin = _header(scope, b"origin")
            if origin is not None and not self.allows(origin, scope):
                return await send_error(send, 403, "origin_not_allowed", "此网站未获准使用本问答服务。",
                                        f"origin {origin!r} is not in the allow-list (ASSISTANT_ALLOWED_ORIGINS)",
                                        path=scope["path"])
        await self.app(scope, receive, send)

    def allows(self, origin: str, scope) -> bool:
        host = _header(scope, b"host")
        if host and origin.lower() in (f"http://{host}".lower(), f"https://{host}".lower()):
            return True
        return bool(self.allowed.fullmatch(origin.lower()))


class TokenBucket:
    """Per-client token buckets: ``per_minute`` requests a minute on average, bursts up to ``burst``.

    At most ``max_clients`` buckets are kept; the least recently seen is forgotten first (O(1)).
    """

    def __init__(self, per_minute: float, burst: int, max_clients: int = 50_000):
        self.rate, self.burst, self.max_clients = per_minute / 60.0, burst, max_clients
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """0 if the request may go ahead, else the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self.lock:
            tokens, last = self.buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self.buckets[client] = (tokens - 1 if not wait else tokens, now)
            if len(self.buckets) > self.max_clients:
                self.buckets.popitem(last=False)
            return wait


class SharedTokenBucket:
    """:class:`TokenBucket`'s buckets in a small SQLite file that every process on the machine opens
    (``--workers N``, or replicas sharing one home), so a client's limit is one limit, not one a process.

    One short write transaction a request (measured: ~80 µs of CPU, about 1 % of a repeated question's
    cost), taken off the event loop by the caller (``blocking``). Not durable (``synchronous=OFF``):
    losing a few seconds of counts in a crash is harmless. A bucket that has filled up again is the
    same as no row, so such rows are dropped now and then. If the file cannot be used (locked for
    longer than ``timeout``, disk full, read-only, damaged), the request goes ahead and the failure is
    counted: a broken counter must not stop answering.

        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "rate.sqlite3"
        >>> a, b = SharedTokenBucket(path, 60, 2), SharedTokenBucket(path, 60, 2)   # two processes
        >>> a.take("ip:1", now=100.0), b.take("ip:1", now=100.0), a.take("ip:1", now=100.0) > 0
        (0.0, 0.0, True)
    """

    blocking = True

    def __init__(self, path, per_minute: float, burst: int, timeout: float = 0.2):
        self.path, self.rate, self.burst, self.timeout = path, per_minute / 60.0, burst, timeout
        self.failures, self.last_error = 0, None
        self._local = threading.local()
        self._takes = 0
        self._warned_at = -1e9

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=TRUNCATE")  # no journal file made and deleted each request
            db.execute("PRAGMA synchronous=OFF")
            db.execute("PRAGMA mmap_size=0")  # as the log: a file that stops taking writes is an error, not SIGBUS
            db.execute("BEGIN IMMEDIATE")  # the write lock first: two processes creating it at once do not deadlock
            db.execute("CREATE TABLE IF NOT EXISTS buckets (client TEXT PRIMARY KEY, tokens REAL NOT NULL,"
                       " last REAL NOT NULL)")
            db.execute("COMMIT")
            self._local.db = db
        return db

    def take(self, client: str, now: float | None = None) -> float:
        """0 if the request may go ahead, else the seconds to wait (0 too when the file fails)."""
        try:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                now = time.time() if now is None else now  # read under the lock: no later time is stored yet
                row = db.execute("SELECT tokens, last FROM buckets WHERE client = ?", (client,)).fetchone()
                tokens, last = row if row else (self.burst, now)
                tokens = min(self.burst, tokens + max(0.0, now - last) * self.rate)
                wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
                db.execute("INSERT OR REPLACE INTO buckets VALUES (?, ?, ?)",
                           (client, tokens - 1 if not wait else tokens, now))
                self._takes += 1
                if self._takes % 1000 == 0:  # rows whose bucket is full again say nothing
                    db.execute("DELETE FROM buckets WHERE last < ?", (now - self.burst / self.rate,))
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            return wait
        except sqlite3.Error as e:
            self.failures += 1
            self.last_error = f"{type(e).__name__}: {e}"
            if time.monotonic() - self._warned_at >= 60:
                logging.getLogger(__name__).warning("rate limit file %s not usable (%s); requests go ahead; "
                                                    "%d so far", self.path, e, self.failures)
                self._warned_at = time.monotonic()
            if getattr(self._local, "db", None) is not None:
                self._local.db.close()
                self._local.db = None
            return 0.0


def key_matches(given: str | None, keys: str | None) -> bool:
    """Whether ``given`` is one of the comma-separated ``keys`` (several while a key is rotated),
    compared in constant time.

    >>> key_matches("new", "new,old"), key_matches("old", "new, old"), key_matches("", "new"), key_matches("x", None)
    (True, True, False, False)
    """
    if not given or not keys:
        return False
    return any([secrets.compare_digest(given.encode(), k.strip().encode()) for k in keys.split(",") if k.strip()])


class RequestGuard:
    """Rate limit (429), API key (401), media type (415) and body size (413) for the guarded paths;
    the rate limit and a larger body limit for the UI's own calls; no upload route (404).

    The rate limit comes first and is keyed by the client's address, or by the API key once it
    matched the configured one: made-up keys buy no extra requests, and key guessing is limited too.
    """

    def __init__(self, app, api_key: str | None, limiter: TokenBucket | SharedTokenBucket | None, max_body: int,
                 max_ui_body: int = 1024 * 1024, admin_keys: dict[str, str] | None = None):
        self.app, self.api_key, self.limiter, self.max_body = app, api_key, limiter, max_body
        self.max_ui_body = max_ui_body
        self.admin_keys = dict(admin_keys or {})  # name → key; the API key is one of them, named "api-key"

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            return await self.app(scope, receive, send)
        path = scope["path"]
        if path in BLOCKED_UI:
            return await send_error(send, 404, "not_found", "没有这个地址。", "file upload is not offered", path=path)
        guarded = _guarded(path)
        ui_call = path.startswith(LIMITED_UI) and scope["method"] == "POST"
        if not guarded and not ui_call:
            if scope["method"] in ("GET", "HEAD"):
                return await self.app(scope, receive, send)
            # the UI's other routes: the body limit only (its chat history rides along, hence the larger one)
            return await self._sized(scope, receive, send, self.max_ui_body)
        key = self._key(scope)
        key_ok = key_matches(key, self.api_key)
        if self.limiter is not None:
            client = f"key:{key}" if key_ok else f"ip:{(scope.get('client') or ('?',))[0]}"
            if getattr(self.limiter, "blocking", False):  # a shared file: off the event loop
                wait = await anyio.to_thread.run_sync(self.limiter.take, client)
            else:
                wait = self.limiter.take(client)
            if wait:
                return await send_error(send, 429, "rate_limited", "提问太频繁，请稍后再试。",
                                        f"rate limit exceeded; retry after {wait:.1f} s",
                                        [(b"retry-after", str(max(1, round(wait + 0.5))).encode())], path)
        if not guarded:
            return await self._sized(scope, receive, send, self.max_ui_body)
        if path.startswith(ADMIN):
            refused = await self._admin(scope, key, send)
            if refused:
                return
        else:  # an admin asking through /api/ask or chat sees what only admins see (route "annotation")
            name = next((n for n, k in self.admin_keys.items() if key_matches(key, k)), None)
            if name is not None:
                scope.setdefault("state", {})["admin"] = name
        if not path.startswith(ADMIN) and self.api_key and not key_ok:
            return await send_error(send, 401, "unauthorized", "缺少或错误的访问密钥。",
                                    "missing or wrong API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'",
                                    [(b"www-authenticate", b"Bearer")], path)
        if scope["method"] == "POST":
            kind = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
            length = _header(scope, b"content-length")
            has_body = length != "0" if length is not None else _header(scope, b"transfer-encoding") is not None
            if (kind or has_body) and kind != "application/json" and not kind.endswith("+json"):
                return await send_error(send, 415, "unsupported_media_type",
                                        "请以JSON格式提交（Content-Type: application/json）。",
                                        f"content type {kind or '(none)'!r} is not application/json", path=path)
        return await self._sized(scope, receive, send, self.max_body)

    async def _sized(self, scope, receive, send, limit: int):
        path = scope["path"]
        length = _header(scope, b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                return await send_error(send, 413, "body_too_large", "请求内容太大。",
                                        f"request body is {length} bytes; the limit is {limit}", path=path)
            return await self.app(scope, receive, send)
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        # no Content-Length (chunked): read the body here, up to the limit, then hand it on
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                return await send_error(send, 413, "body_too_large", "请求内容太大。",
                                        f"request body is over the limit of {limit} bytes", path=path)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _admin(self, scope, key: str | None, send) -> bool:
        """Refuse (True) unless ``key`` is an admin key; its name goes to ``request.state.admin``."""
        path = scope["path"]
        if not self.admin_keys:
            await send_error(send, 403, "admin_disabled", "管理台未启用：请用 --api-key 或 --admin-key 设置管理密钥。",
                             "the review desk needs a key: set --api-key or --admin-key NAME=KEY", path=path)
            return True
        name = next((n for n, k in self.admin_keys.items() if key_matches(key, k)), None)  # "api-key": maybe several
        if name is None:
            await send_error(send, 401, "unauthorized", "缺少或错误的管理密钥。",
                             "missing or wrong admin key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'",
                             [(b"www-authenticate", b"Bearer")], path)
            return True
        scope.setdefault("state", {})["admin"] = name
        return False

    @staticmethod
    def _key(scope) -> str | None:
        auth = _header(scope, b"authorization")
        if auth and auth[:7].lower() == "bearer ":
            return auth[7:].strip()
        return _header(scope, b"x-api-key")


class CatchAll:
    """A 500 in JSON for anything unexpected, logged here, without closing the client's connection
    (Starlette's own handler re-raises after answering, and uvicorn then drops the keep-alive)."""

    def __init__(self, app, logger):
        self.app, self.log = app, logger

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracked_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        except Exception:
            self.log.exception("unhandled error on %s", scope.get("path"))
            if not started:
                await send_error(send, 500, "server_error", "服务器内部错误，请稍后再试。",
                                 "internal server error (see the server log)", path=scope.get("path", ""))


class MethodGuard:
    """405 with ``Allow`` for a path of ours asked with a method it does not take (PUT /api/ask,
    POST /widget.js), before the request falls through to the UI mounted at ``/``."""

    def __init__(self, app, routes):
        self.app, self.routes = app, routes  # the FastAPI router's routes, read at each request (cheap)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] == "OPTIONS" and _header(scope, b"origin"):
            return await self.app(scope, receive, send)  # CORS preflights are CORSMiddleware's
        from starlette.routing import Match, Mount

        allowed: set[str] = set()
        for route in each_route(self.routes):
            if isinstance(route, Mount) or getattr(route, "include_in_schema", True) is False and \
                    "{path:path}" in getattr(route, "path", ""):
                continue  # the UI and our catch-all for unknown /api paths
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return await self.app(scope, receive, send)
            if match == Match.PARTIAL:
                allowed |= set(getattr(route, "methods", None) or ())
        if scope["method"] == "HEAD" and "GET" in allowed:  # HEAD is GET without the body
            return await self.app({**scope, "method": "GET"}, receive, _without_body(send))
        if allowed:
            if "GET" in allowed:
                allowed.add("HEAD")
            return await send_error(send, 405, "method_not_allowed", "不支持这种请求方法。",
                                    f"{scope['method']} is not allowed on {scope['path']}; allowed: "
                                    + ", ".join(sorted(allowed)),
                                    [(b"allow", ", ".join(sorted(allowed)).encode())], scope["path"])
        await self.app(scope, receive, send)


def each_route(routes):
    """The routes one by one, those of included routers too: FastAPI keeps a router given to
    ``include_router`` as one entry, whose own routes (ours have no prefix) hold the paths and methods."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from each_route(inner.routes)
        else:
            yield route


def _without_body(send):
    async def headless(message):
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)
    return headless


class ShapeErrors:
    """Errors answered by the mounted UI or by Starlette itself (``{"detail": "Not Found"}``, text/plain)
    are re-sent in our shape with the same status and headers; ours pass through untouched."""

    LIMIT = 64 * 1024  # error bodies are small; a larger one is passed on as it is

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        held: dict | None = None
        chunks: list[bytes] = []

        async def shaped_send(message):
            nonlocal held
            if message["type"] == "http.response.start":
                if message["status"] >= 400:
                    held = message
                    return
                return await send(message)
            if held is None or message["type"] != "http.response.body":
                return await send(message)
            chunks.append(message.get("body", b""))
            size = sum(map(len, chunks))
            if message.get("more_body", False) and size <= self.LIMIT:
                return
            await self._flush(held, b"".join(chunks), bool(message.get("more_body", False)), send, scope)
            held = None

        await self.app(scope, receive, shaped_send)

    @staticmethod
    def _ours(body: bytes) -> bool:
        try:
            data = json.loads(body)
        except ValueError:
            return False
        return isinstance(data, dict) and {"status", "message", "detail"} <= data.keys()

    async def _flush(self, start: dict, body: bytes, more: bool, send, scope) -> None:
        if more or self._ours(body):
            await send(start)
            return await send({"type": "http.response.body", "body": body, "more_body": more})
        status = start["status"]
        detail = ""
        try:
            original = json.loads(body)
            if isinstance(original, dict) and isinstance(original.get("detail"), str):
                detail = original["detail"][:300]
        except ValueError:
            detail = body[:300].decode("utf-8", "replace").strip()
        shaped = error_bytes(scope.get("path", ""), status, detail=detail)
        keep = [(k, v) for k, v in start.get("headers", ()) if k.lower() not in (b"content-type", b"content-length")]
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                (b"content-length", str(len(shaped)).encode()), *keep]})
        await send({"type": "http.response.body", "body": shaped})
