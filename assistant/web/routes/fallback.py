"""Unknown paths under /api and /v1: 405 with ``Allow`` for a known path asked with the wrong method,
else 404, both as JSON errors. Mounted after every other API router, so it matches only what they do not."""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.routing import Match

from ..errors import error_response
from ..guard import each_route

router = APIRouter()


@router.api_route("/api/{path:path}", methods=["GET", "POST"], include_in_schema=False)
@router.api_route("/v1/{path:path}", methods=["GET", "POST"], include_in_schema=False)
def unknown(path: str, request: Request):
    for route in each_route(request.app.router.routes):  # a known path asked with the wrong method is 405, not 404
        if getattr(route, "endpoint", None) is not unknown and getattr(route, "path", "").startswith(("/api/", "/v1/")):
            if route.matches(request.scope)[0] == Match.PARTIAL:
                return error_response(405, "method_not_allowed", "不支持这种请求方法。",
                                      f"{request.method} is not allowed on {request.url.path}",
                                      {"Allow": ", ".join(sorted(route.methods))}, request.url.path)
    return error_response(404, "not_found", "没有这个接口。", f"no such endpoint: {request.method} {request.url.path}",
                          path=request.url.path)
