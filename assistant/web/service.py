"""What every router shares, built once by :func:`~assistant.web.app.create_app` and kept on
``app.state.service``: the assistant, the log, the chat sessions, the settings, and the two steps every
answering endpoint takes (answer off the event loop; log the answer, then send it). Endpoints ask for it
with ``service: ServiceDep`` (a FastAPI dependency; it adds nothing to the OpenAPI schema)."""
from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from typing import Annotated

import anyio
from fastapi import Depends, Request

from ..annotations import public_route
from ..retrieval import CpuGate
from ..models import Answer
from ..store import Log, LogUnavailable
from . import desk
from .sessions import Sessions
from .settings import ServerSettings


class Service:
    """The assistant behind the endpoints, and how they answer with it."""

    def __init__(self, bot, store: Log, settings: ServerSettings):
        self.bot, self.store, self.settings = bot, store, settings
        self.plan = bot.plan  # the default plan, as it was when the app was made
        self.sessions = Sessions(bot, store, settings.max_sessions, settings.session_ttl)
        # offline, answering is CPU-bound: a core's worth of threads run Python, many more may wait
        # for their question's vector in a shared embedding batch
        self.gate = CpuGate(settings.answer_threads) if settings.batch_embeddings and bot.llm is None else None
        self.unlogged: OrderedDict[str, None] = OrderedDict()  # ids of answers served while the log could not write
        self._slots: list[anyio.CapacityLimiter] = []

    async def answering(self, fn, *args):
        """Run CPU-bound answering off the event loop: offline, on up to 64 threads of which a
        core's worth run Python at a time (the CpuGate) while the rest wait for batched query
        vectors; else on a few threads, so requests queue instead of fighting over the GIL."""
        if not self._slots:  # a model endpoint mostly waits on the network: let many calls be in flight
            threads = self.settings.answer_threads
            self._slots.append(anyio.CapacityLimiter(64 if self.gate else threads if self.bot.llm is None
                                                     else max(32, threads)))
        if self.gate:
            return await anyio.to_thread.run_sync(_gated, self.gate, fn, *args, limiter=self._slots[0])
        return await anyio.to_thread.run_sync(fn, *args, limiter=self._slots[0])

    async def answer_out(self, answer: Answer, started: float, request: Request, session_id: str | None = None,
                         resolved: str | None = None) -> dict:
        """The answer as JSON, sent only once its log row is committed. If the log cannot be written the
        answer still goes out (the failure shows in /api/health); its id then takes no feedback."""
        ms = (time.perf_counter() - started) * 1000
        answer_id = uuid.uuid4().hex
        try:
            shown = self.store.submit_details(answer_id, *desk.details(answer))  # what the review desk shows
            await asyncio.wrap_future(self.store.submit_answer(
                answer_id, session_id, answer.question, answer.text, answer.refused, answer.cited_tasks,
                answer.route, answer.mode, ms, request.client.host if request.client else None))
            await asyncio.wrap_future(shown)
            logged = True
        except LogUnavailable:
            logged = False  # counted in the log's health; feedback on this id gets 503, not 404
            self.unlogged[answer_id] = None
            if len(self.unlogged) > 10_000:
                self.unlogged.popitem(last=False)
        out = answer.to_dict()
        for k in ("reason", "grounded", "removed", "support"):
            out.pop(k, None)
        if not getattr(request.state, "admin", None):  # "annotation" is for admins' eyes (and the log) only
            out["route"] = public_route(answer)
        out.update(id=answer_id, logged=logged, session_id=session_id, ms=round(ms, 2),
                   resolved_question=resolved if resolved and resolved != answer.question else None)
        return out


def _gated(gate: CpuGate, fn, *args):
    with gate.held():
        return fn(*args)


async def get_service(request: Request) -> Service:
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(get_service)]
