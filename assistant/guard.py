"""What stands between the public and the answerer: origins, API key, rate limit, body size.

Two pure-ASGI middlewares (cheap per request) guard ``/api/`` and ``/v1/``:
``OriginGuard`` turns away browsers from sites that are not on the allow-list
(403) before CORS headers are considered, and ``RequestGuard`` checks the API
key (401), the per-client rate (429) and the body size (413). Every refusal is
JSON with a Chinese ``message`` for end users and an English ``detail``.

>>> import re
>>> bool(re.fullmatch(origin_regex(["http://127.0.0.1:*", "https://*.cast.org.cn"]), "https://www.cast.org.cn"))
True
>>> bool(re.fullmatch(origin_regex(["http://127.0.0.1:*"]), "http://127.0.0.1.evil.com"))
False
"""
from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import OrderedDict

GUARDED = ("/api/", "/v1/")  # API key, origin, body size
OPEN = ("/api/health",)
LIMITED_UI = "/gradio_api/"  # the UI's own calls answer questions too: rate-limited per IP


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


async def send_error(send, status: int, code: str, message: str, detail: str, headers=(), path: str = "") -> None:
    body = json.dumps(error_payload(path, status, code, message, detail), ensure_ascii=False).encode("utf-8")
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


class OriginGuard:
    """403 for a cross-origin browser request from a site not on the allow-list (same-origin always passes)."""

    def __init__(self, app, allowed: list[str]):
        self.app = app
        self.allowed = re.compile(origin_regex(allowed))

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and _guarded(scope["path"]):
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


class RequestGuard:
    """Rate limit (429), API key (401) and body size (413) for the guarded paths.

    The rate limit comes first and is keyed by the client's address, or by the API key once it
    matched the configured one: made-up keys buy no extra requests, and key guessing is limited too.
    """

    def __init__(self, app, api_key: str | None, limiter: TokenBucket | None, max_body: int):
        self.app, self.api_key, self.limiter, self.max_body = app, api_key, limiter, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            return await self.app(scope, receive, send)
        path = scope["path"]
        guarded = _guarded(path)
        ui_call = path.startswith(LIMITED_UI) and scope["method"] == "POST"
        if not guarded and not ui_call:
            return await self.app(scope, receive, send)
        key = self._key(scope)
        key_ok = bool(self.api_key and key and secrets.compare_digest(key.encode(), self.api_key.encode()))
        if self.limiter is not None:
            client = f"key:{key}" if key_ok else f"ip:{(scope.get('client') or ('?',))[0]}"
            wait = self.limiter.take(client)
            if wait:
                return await send_error(send, 429, "rate_limited", "提问太频繁，请稍后再试。",
                                        f"rate limit exceeded; retry after {wait:.1f} s",
                                        [(b"retry-after", str(max(1, round(wait + 0.5))).encode())], path)
        if not guarded:
            return await self.app(scope, receive, send)
        if self.api_key and not key_ok:
            return await send_error(send, 401, "unauthorized", "缺少或错误的访问密钥。",
                                    "missing or wrong API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'",
                                    [(b"www-authenticate", b"Bearer")], path)
        length = _header(scope, b"content-length")
        if length is not None:
            if length.isdigit() and int(length) > self.max_body:
                return await send_error(send, 413, "body_too_large", "请求内容太大。",
                                        f"request body is {length} bytes; the limit is {self.max_body}", path=path)
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
            if len(body) > self.max_body:
                return await send_error(send, 413, "body_too_large", "请求内容太大。",
                                        f"request body is over the limit of {self.max_body} bytes", path=path)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

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
