"""``GET /api/health``: ok, degraded while the log cannot be written, or 503 draining while stopping."""
from __future__ import annotations

from fastapi import APIRouter, Request

from ..errors import SafeJSONResponse
from ..service import ServiceDep

router = APIRouter(tags=["服务"])


@router.get("/api/health", summary="状态：ok，或日志无法写入时 degraded（回答照常）")
def health(request: Request, service: ServiceDep):
    bot, written = service.bot, service.store.health()
    body = {"status": "ok" if written["ok"] else "degraded", "tasks": len(service.plan.tasks), "mode": bot.config.llm,
            "passages": len(bot.index.passages), "index": bot.index.build, "sessions": len(service.sessions.items),
            "log": written}
    if request.app.state.draining:  # stopping: still answering, but a load balancer should send nothing new
        return SafeJSONResponse({**body, "status": "draining"}, 503)
    return body
