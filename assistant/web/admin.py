"""The review desk over HTTP: ``/api/admin/…`` (JSON, behind an admin key) and the ``/admin`` page.

The key is checked by ``guard.RequestGuard`` before any of these run: the API key (named
"api-key") or a named admin key (``--admin-key NAME=KEY``); the name is in
``request.state.admin`` and goes with every action stored. Without any key configured the desk
is off (403): an annotation changes answers for every user.

- ``GET /api/admin/questions?feedback=down|up|none&refused=…&low=…&q=…&since=…&until=…``
- ``POST /api/admin/annotations`` ``{"question", "tasks", "sections", "decline"}`` → ``{"id"}``;
  ``GET /api/admin/annotations``; ``DELETE /api/admin/annotations/{id}``
- ``POST /api/admin/reviews`` ``{"answer_id", "verdict": "tasks"|"decline"|"good", "tasks", "sections"}``
- ``GET /api/admin/stats?days=30``; ``GET /api/admin/stats.csv?chart=per_day|tasks|parts|unanswered_topics``
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from . import desk
from ..annotations import sections_of
from ..errors import InputError, NotFound
from .guard import error_payload, json_bytes
from .service import ServiceDep

STATIC = Path(__file__).resolve().parent / "static"


DAY = r"^\d{4}-\d{2}-\d{2}$"


class AnnotationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(description="被标注的问题（1–500字）", examples=["以后去科技馆还要门票吗"])
    tasks: list[Annotated[int, Field(strict=True)]] = Field(default_factory=list, max_length=5,
                                                            description="正确的任务编号（1–38）", examples=[[20]])
    sections: list[str] = Field(default_factory=list, max_length=5, description="正确的部分：一–十、二(三)、序言、印发")
    decline: bool = Field(False, description="规划没有回答这个问题：应当拒答（此时 tasks、sections 为空）")
    answer_id: str | None = Field(None, pattern=r"^[0-9a-f]{32}$", description="被评判的回答（可选）")


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    verdict: Literal["tasks", "decline", "good"] = Field(
        description="tasks：正确的任务是…（同时生成标注）；decline：规划没有回答（同时生成拒答标注）；good：回答正确")
    tasks: list[Annotated[int, Field(strict=True)]] = Field(default_factory=list, max_length=5)
    sections: list[str] = Field(default_factory=list, max_length=5)


def _invalid(path: str, e: InputError) -> Response:
    return Response(json_bytes(error_payload(path, 422, "invalid_annotation", e.message_zh, str(e))), 422,
                    media_type="application/json")


router = APIRouter()


@router.get("/api/admin/whoami", tags=["管理"], summary="当前管理密钥的名称")
def whoami(request: Request):
    return {"name": request.state.admin}


@router.get("/api/admin/questions", tags=["管理"], summary="日志中的提问与回答（可筛选）")
def questions(service: ServiceDep, feedback: Literal["down", "up", "none"] | None = None, refused: bool | None = None,
              low: bool = Query(False, description="低置信度：检索第二名与第一名相差不到5%"),
              q: str = Query("", max_length=200, description="在问题和回答中查找"),
              since: str | None = Query(None, pattern=DAY, description="起始日期 YYYY-MM-DD（含）"),
              until: str | None = Query(None, pattern=DAY, description="截止日期 YYYY-MM-DD（含）"),
              route: str | None = Query(None, max_length=20),
              limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    try:
        desk.day_start(since or "2000-01-01"), desk.day_start(until or "2000-01-01")
    except ValueError as e:  # 2026-02-30
        raise InputError(f"not a date: {e}", "日期无效，请用 YYYY-MM-DD。") from None
    return desk.questions(service.store, feedback=feedback, refused=refused, low=low, text=q, since=since, until=until,
                          route=route, limit=limit, offset=offset)


@router.post("/api/admin/annotations", status_code=201, tags=["管理"],
             summary="标注一个问题：正确的任务/部分，或规划未涉及（应拒答）")
def annotate(service: ServiceDep, body: AnnotationIn, request: Request):
    try:
        ann = service.bot.annotate(body.question, body.tasks, body.sections, body.decline,
                                   author=request.state.admin, answer_id=body.answer_id)
    except InputError as e:
        return _invalid(request.url.path, e)
    return {"id": ann.id}


@router.get("/api/admin/annotations", tags=["管理"], summary="生效中的标注")
def annotations(service: ServiceDep):
    return [a.to_dict() for a in service.bot.annotations()]


@router.delete("/api/admin/annotations/{annotation_id}", tags=["管理"], summary="撤销一条标注（效果随之撤销）")
def remove(service: ServiceDep, annotation_id: str, request: Request):
    if not service.bot.remove_annotation(annotation_id, author=request.state.admin):
        raise NotFound(f"no active annotation {annotation_id!r}", "没有这条标注（或已撤销）。")
    return {"ok": True, "id": annotation_id}


@router.post("/api/admin/reviews", status_code=201, tags=["管理"],
             summary="评判一个回答：正确的任务是…／规划没有回答／回答正确（记录评判人、时间和所评回答）")
def review(service: ServiceDep, body: ReviewIn, request: Request):
    row = desk.answer_row(service.store, body.answer_id)
    if row is None:
        raise NotFound(f"no logged answer {body.answer_id}", "日志中没有这个回答。")
    author = request.state.admin
    annotation_id = None
    try:
        if body.verdict == "good":
            if body.tasks or body.sections:
                raise InputError("verdict 'good' takes no tasks or sections", "“回答正确”不需要指定任务。")
        else:
            annotation_id = service.bot.annotate(row["question"], body.tasks, body.sections,
                                                 body.verdict == "decline", author=author,
                                                 answer_id=body.answer_id).id
    except InputError as e:
        return _invalid(request.url.path, e)
    store = service.store
    store.wait(store.submit_judgment(body.answer_id, body.verdict, body.tasks, body.sections, author,
                                     row["question"], row["answer"], json.loads(row["cited_tasks"]), annotation_id))
    return {"ok": True, "annotation_id": annotation_id}


@router.get("/api/admin/stats", tags=["管理"], summary="使用统计：每日提问、拒答比例、👎比例、最常引用的任务和部分、未回答的话题")
def stats(service: ServiceDep, days: int = Query(30, ge=1, le=366)):
    return desk.stats(service.store, service.plan, service.bot.tokenizer, days)


@router.get("/api/admin/stats.csv", tags=["管理"], summary="一张统计图的数据（CSV）")
def stats_csv(service: ServiceDep, chart: Literal[desk.CHARTS] = "per_day", days: int = Query(30, ge=1, le=366)):
    text = desk.stats_csv(desk.stats(service.store, service.plan, service.bot.tokenizer, days), chart)
    return Response(("\ufeff" + text).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{chart}.csv"'})


@router.get("/api/admin/plan", tags=["管理"], summary="规划全文及各任务、部分的位置（原文对照用）")
def plan_text(service: ServiceDep):
    return {"text": service.plan.text, "sections": sections_of(service.plan),
            "units": [{"id": n.id, "task": n.task, "section": n.section, "label": n.label, "start": n.start,
                       "end": n.end, "kind": n.kind} for n in service.plan.nodes]}


_PAGE = (STATIC / "admin.html").read_bytes()


@router.get("/admin", include_in_schema=False)
def admin_page():
    # the page holds no data: everything comes from /api/admin, which asks for the key
    return Response(_PAGE, media_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                             "Referrer-Policy": "no-referrer"})


_plotly_js: list[bytes] = []


@router.get("/admin/plotly.js", include_in_schema=False)
def plotly():
    if not _plotly_js:
        from plotly.offline import get_plotlyjs

        _plotly_js.append(get_plotlyjs().encode("utf-8"))
    return Response(_plotly_js[0], media_type="application/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=86400"})
