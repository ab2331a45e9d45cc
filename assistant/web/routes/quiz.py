"""Quizzes over tasks or parts: ``POST /api/quiz`` (JSON) and ``POST /api/quiz/export`` (a file)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response

from ..schemas import QuizRequest
from ..service import Service, ServiceDep

router = APIRouter(tags=["出题"])


async def _make_quiz(body: QuizRequest, service: Service):
    bot = service.bot
    plan = bot.shelf.check(body.plan) if body.plan is not None else None
    return await service.answering(bot.quiz, body.tasks, body.part, body.n, tuple(body.kinds), body.seed, plan)


@router.post("/api/quiz", summary="按任务或部分出题（带答案、解析和原文出处）")
async def quiz(body: QuizRequest, service: ServiceDep):
    return (await _make_quiz(body, service)).to_dict()


@router.post("/api/quiz/export", summary="出题并导出为 md/json/csv/xlsx/gift/aiken 文件")
async def quiz_export(body: QuizRequest, service: ServiceDep,
                      format: Literal["md", "json", "csv", "xlsx", "gift", "aiken"] = "md",
                      multi_scoring: Literal["all-or-nothing", "partial"] = "all-or-nothing"):
    """``multi_scoring`` (GIFT only): how Moodle scores multiple-choice items, as ``assistant quiz --multi-scoring``."""
    from ...quiz import FORMATS, export

    made = await _make_quiz(body, service)
    data = export(made, format, multi_scoring=multi_scoring)
    ext, mime = FORMATS[format]
    name = f"quiz-{made.seed}.{ext}"
    return Response(data.encode("utf-8") if isinstance(data, str) else data, media_type=mime,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
