"""Errors as JSON: every failure, from a bad request body to an unknown path or a log that cannot be
written, answers ``{error, status, message (Chinese, for end users), detail (English)}``."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import AssistantError, InputError, NotFound, PlanRegistryError
from ..store import LogUnavailable
from .guard import error_payload, json_bytes

log = logging.getLogger(__name__)


class SafeJSONResponse(JSONResponse):
    """JSON that cannot fail to encode: a lone surrogate echoed from a request becomes ``?``."""

    def render(self, content) -> bytes:
        return json_bytes(content)


def error_response(status: int, code: str, message: str, detail: str, headers: dict | None = None,
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


async def _invalid(request: Request, exc: RequestValidationError):
    path = request.url.path
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind and kind != "application/json" and not kind.endswith("+json"):
            return error_response(415, "unsupported_media_type", "请以JSON格式提交（Content-Type: application/json）。",
                                  f"content type {kind!r} is not application/json", path=path)
        if not await request.body():
            return error_response(400, "empty_body", "请求体为空，请提交JSON。", "request body is empty", path=path)
    status, code, message, detail = _validation_message(exc.errors())
    return error_response(status, code, message, detail, path=path)


async def _http(request: Request, exc: StarletteHTTPException):
    messages = {404: "没有这个地址。", 405: "不支持这种请求方法。"}
    return error_response(exc.status_code, "http_error", messages.get(exc.status_code, "请求无效。"), str(exc.detail),
                          getattr(exc, "headers", None), request.url.path)


async def _not_found(request: Request, exc: NotFound):
    return error_response(404, "not_found", exc.message_zh, str(exc), path=request.url.path)


async def _log_unavailable(request: Request, exc: LogUnavailable):
    log.warning("log unavailable on %s: %s", request.url.path, exc)
    return error_response(503, "log_unavailable", exc.message_zh, str(exc), {"Retry-After": "30"}, request.url.path)


async def _unknown_plan(request: Request, exc: PlanRegistryError):
    return error_response(422, "unknown_plan", exc.message_zh, str(exc), path=request.url.path)


async def _assistant_error(request: Request, exc: AssistantError):
    status = 422 if isinstance(exc, InputError) else 500
    return error_response(status, "invalid_question" if status == 422 else "server_error", exc.message_zh, str(exc),
                          path=request.url.path)


def add_error_handlers(app: FastAPI) -> None:
    """Each failure its status and JSON body (Starlette picks the handler of the most specific class)."""
    for kind, handler in ((RequestValidationError, _invalid), (StarletteHTTPException, _http), (NotFound, _not_found),
                          (LogUnavailable, _log_unavailable), (PlanRegistryError, _unknown_plan),
                          (AssistantError, _assistant_error)):
        app.add_exception_handler(kind, handler)
