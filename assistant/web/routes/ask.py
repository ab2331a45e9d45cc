"""Questions: ``POST /api/ask`` (one question) and ``POST /api/chat`` (follow-ups resolved in a session)."""
from __future__ import annotations

import asyncio
import time

import anyio
from fastapi import APIRouter, Request

from ...store import LogUnavailable
from ..schemas import AnswerOut, AskRequest, ChatRequest
from ..service import ServiceDep

router = APIRouter(tags=["问答"])


@router.post("/api/ask", response_model=AnswerOut, summary="回答一个问题（带引用）")
async def ask(body: AskRequest, request: Request, service: ServiceDep):
    started = time.perf_counter()
    bot = service.bot
    plan = bot.shelf.check(body.plan) if body.plan is not None else None  # 422 before any work
    return await service.answer_out(await service.answering(bot.ask, body.question, plan), started, request)


@router.post("/api/chat", response_model=AnswerOut, summary="多轮对话：追问会结合上文")
async def chat(body: ChatRequest, request: Request, service: ServiceDep):
    started = time.perf_counter()
    plan = service.bot.shelf.check(body.plan) if body.plan is not None else None
    session_id, conversation = await anyio.to_thread.run_sync(service.sessions.get, body.session_id)
    conversation.plan = plan

    def turn():
        answer = conversation.ask(body.message)
        return answer, conversation.history[-1][1]

    answer, resolved = await service.answering(turn)
    stored = service.sessions.record(session_id, answer.question, resolved, answer)
    out = await service.answer_out(answer, started, request, session_id, resolved)
    try:  # committed before the reply, so the next message may go to any process
        await asyncio.wrap_future(stored)
    except LogUnavailable:
        pass  # counted in the log's health; this process's copy keeps the session going
    return out
