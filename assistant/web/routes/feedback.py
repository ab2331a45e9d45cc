"""``POST /api/feedback``: a thumbs up or down on an answer the log holds."""
from __future__ import annotations

import asyncio

import anyio
from fastapi import APIRouter

from ...errors import NotFound
from ...store import LogUnavailable
from ..schemas import FeedbackRequest
from ..service import ServiceDep

router = APIRouter(tags=["问答"])


@router.post("/api/feedback", summary="对一个回答点赞或点踩")
async def feedback(body: FeedbackRequest, service: ServiceDep):
    store = service.store
    if body.answer_id in service.unlogged:
        raise LogUnavailable(f"answer {body.answer_id} was served while the log could not be written")
    if not await anyio.to_thread.run_sync(store.known_answer, body.answer_id):
        raise NotFound(f"no answer with id {body.answer_id}", "找不到这条回答，无法记录反馈。")
    await asyncio.wrap_future(store.submit_feedback(body.answer_id, body.rating, body.comment))  # committed
    return {"ok": True}
