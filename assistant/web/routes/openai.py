"""The OpenAI-compatible layer: ``GET /v1/models`` and ``POST /v1/chat/completions`` (streamed or not);
citations are written into the text and given in a ``citations`` field."""
from __future__ import annotations

import logging
import time
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from ...errors import InputError
from ...models import Answer
from ..guard import error_payload, json_bytes
from ..schemas import MODEL_NAME, CompletionRequest
from ..service import Service, ServiceDep

log = logging.getLogger(__name__)

router = APIRouter(tags=["OpenAI兼容"])


@router.get("/v1/models")
def models():
    return {"object": "list", "data": [{"id": MODEL_NAME, "object": "model", "created": 0, "owned_by": "guihua"}]}


@router.post("/v1/chat/completions", summary="OpenAI兼容的对话接口：引用写在正文里，也在 citations 字段里")
async def completions(body: CompletionRequest, request: Request, service: ServiceDep):
    from ...conversation import Conversation

    started = time.perf_counter()
    users = [_content(m.content) for m in body.messages if m.role == "user"]
    if not users or not users[-1].strip():
        raise InputError("messages must end with a non-empty user message", "请在messages中给出用户的问题。")
    conversation = Conversation(service.bot, max_turns=2)
    await service.answering(conversation.replay, users[-3:-1])  # the last two turns are context enough
    completion_id = "chatcmpl-" + uuid.uuid4().hex
    model = body.model or MODEL_NAME
    if not body.stream:
        answer = await service.answering(conversation.ask, users[-1])
        out = await service.answer_out(answer, started, request)
        text = _with_citations(answer)
        return {"id": completion_id, "object": "chat.completion", "created": int(time.time()), "model": model,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}],
                "usage": {"prompt_tokens": len(users[-1]), "completion_tokens": len(text),
                          "total_tokens": len(users[-1]) + len(text)},
                "citations": out["citations"], "answer_id": out["id"]}
    question = conversation.assistant.check_question(users[-1])
    return StreamingResponse(_events(service, conversation, question, completion_id, model, started, request),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _events(service: Service, conversation, question: str, completion_id: str, model: str, started: float,
                  request: Request):
    """The answer as server-sent chunks: the model's draft as it comes, then the verified answer with its
    citations, then ``[DONE]``."""
    def chunk(delta: dict, finish=None, **extra):
        data = {"id": completion_id, "object": "chat.completion.chunk", "created": int(time.time()),
                "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return b"data: " + json_bytes(data) + b"\n\n"

    try:
        yield chunk({"role": "assistant", "content": ""})
        pieces, answer, streamed = conversation.stream(question), None, False
        while (piece := await service.answering(next, pieces, None)) is not None:  # CPU work off the loop
            if isinstance(piece, str):
                streamed = True
                yield chunk({"content": piece})
            else:
                answer = piece
        out = await service.answer_out(answer, started, request)
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
