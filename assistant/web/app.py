"""The app factory: :func:`create_app` builds the service from its parts, in the order a request meets them.

1. the guards (:mod:`.guard`), as middleware: host, origin, CORS, API key and rate limit, body size, method;
2. the JSON error bodies (:mod:`.errors`);
3. the routers (:mod:`.routes`, :mod:`.admin`): ask/chat, plan, feedback, quiz, health, OpenAI-compatible,
   the review desk, unknown paths, the widget script; each reaches the assistant, the log and the chat
   sessions through one shared :class:`~.service.Service` (a FastAPI dependency);
4. the gradio UI (:mod:`.ui`) mounted at ``/``, unless ``settings.ui`` is off.

Routes (the OpenAPI schema is at ``/openapi.json``, docs at ``/docs``):

- ``POST /api/ask`` ``{"question"}`` → an answer with citations
- ``POST /api/chat`` ``{"session_id"?, "message"}`` → the same, follow-ups resolved
- ``GET /api/plans``, ``GET /api/tasks``, ``GET /api/tasks/{n}``, ``GET /api/plan``
- ``POST /api/feedback`` ``{"answer_id", "rating": "up"|"down"}``; ``GET /api/health``
- ``POST /api/quiz``, ``POST /api/quiz/export``
- ``POST /v1/chat/completions`` (stream or not), ``GET /v1/models``
- ``/api/admin/…``: the review desk (admin keys only)
- ``GET /widget.js``: the embeddable chat bubble; ``/``: the gradio UI
"""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from ..config import Config
from ..retrieval import QueryBatcher, use_batcher
from ..store import Log
from . import routes
from .admin import router as admin_router
from .errors import SafeJSONResponse, add_error_handlers
from .guard import (CatchAll, HostGuard, MethodGuard, OriginGuard, RequestGuard, ShapeErrors, SharedTokenBucket,
                    TokenBucket, key_matches, origin_regex)
from .schemas import ErrorOut
from .service import Service
from .settings import ServerSettings

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


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
    service = Service(bot, store, settings)
    app = FastAPI(title="规划助手 API", version="1.0", lifespan=_lifespan(service),
                  description="中国科协“十四五”规划问答：每个回答都带任务编号和原文引用。Errors are JSON: "
                              "`{error, status, message (Chinese, for end users), detail (English)}`.",
                  default_response_class=SafeJSONResponse,
                  responses={status: {"model": ErrorOut} for status in (422, 400, 401, 403, 405, 413, 415, 429)})
    app.state.service = service
    app.state.bot, app.state.log, app.state.sessions, app.state.settings = bot, store, service.sessions, settings
    app.state.draining = False
    _add_guards(app, settings, store)
    add_error_handlers(app)
    for router in (routes.ask_router, routes.plan_router, routes.feedback_router, routes.quiz_router,
                   routes.health_router, routes.openai_router, admin_router, routes.fallback_router,
                   routes.widget_router):
        app.include_router(router)
    return _mount_ui(app, service) if settings.ui else app


def _lifespan(service: Service):
    """Warm the assistant before the first request; on the way out, commit what the log has queued."""
    @asynccontextmanager
    async def lifespan(app):
        gate, threads = service.gate, service.settings.answer_threads
        batcher = QueryBatcher(workers=threads, gate=gate) if gate else None
        previous = use_batcher(batcher) if batcher else None
        await anyio.to_thread.run_sync(service.bot.warm)  # before the first request, not during it
        yield
        if batcher:
            use_batcher(previous)
            batcher.close()
        service.store.close(timeout=4)  # commit what is queued; bounded, so SIGTERM ends even with the disk full

    return lifespan


def _add_guards(app: FastAPI, settings: ServerSettings, store: Log) -> None:
    """The middlewares; the last added runs first."""
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


def _mount_ui(app: FastAPI, service: Service) -> FastAPI:
    """The gradio UI at ``/``; with an API key set it asks for the key too (any user name): the key guards
    every way in."""
    import gradio as gr

    from .ui import build_ui

    settings = service.settings
    blocks = build_ui(service.bot, service.store)
    auth = (lambda user, password: key_matches(password, settings.api_key)) if settings.api_key else None
    return gr.mount_gradio_app(app, blocks, path="", footer_links=[], css=(STATIC / "ui.css").read_text("utf-8"),
                               theme=gr.themes.Soft(), auth=auth,
                               auth_message="请输入访问密钥（用户名任意）。" if auth else None)
