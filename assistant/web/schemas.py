"""The shapes of requests and responses (pydantic), as the OpenAPI schema shows them."""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..models import Citation, RetrievedPassage

MODEL_NAME = "guihua-assistant"  # the model id the OpenAI-compatible layer answers as
SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
PARTS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def _plain_text(value: str) -> str:
    """Text we store or send back must be encodable: no lone surrogates, no NUL."""
    if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("text must be valid Unicode without NUL characters")
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: str = Field(description="问题，1–500字", examples=["第19项任务要求什么？"])
    plan: str | None = Field(None, max_length=40, description="只用这个规划回答（其编号，见 GET /api/plans）；"
                             "不给则按问题里点名的规划，否则用默认规划", examples=["bundled"])


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    message: str = Field(description="本轮问题；可以是追问，如“它具体怎么落实？”", examples=["它具体怎么落实？"])
    session_id: str | None = Field(None, description="上一轮返回的会话号；不给则新开会话", pattern=SESSION_RE.pattern)
    plan: str | None = Field(None, max_length=40, description="只用这个规划回答（其编号，见 GET /api/plans）")


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    answer_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    rating: Literal["up", "down"]
    comment: PlainText | None = Field(None, max_length=1000)


class AnswerOut(BaseModel):
    id: str = Field(description="本次回答的编号，用于反馈")
    logged: bool = Field(True, description="是否已存入日志；日志无法写入时为 false（回答照常，但不能反馈）")
    question: str
    text: str
    refused: bool
    citations: list[Citation]
    passages: list[RetrievedPassage]
    cited_tasks: list[int]
    related: list[int] = Field(default_factory=list,
                               description="列表回答中“内容相近、可一并参考”的任务（不属于列表本身）")
    suggestions: list[int]
    route: str = Field(description="回答方式：task、part、aggregate、term、search、refuse；由标注给出的回答，"
                                   "带管理密钥时为 annotation，否则为它所代替的 task、part 或 refuse")
    mode: str
    plan: str | None = Field(None, description="回答所依据的规划编号；对照几个规划时为空，见 plans")
    plans: list[str] = Field(default_factory=list, description="回答所依据的规划（对照时每个规划一段）")
    notice: str | None = None
    session_id: str | None = None
    resolved_question: str | None = None
    ms: float


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = Field(max_length=50)
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: str = Field(max_length=50)
    content: str | list[ContentPart] | None = None


class CompletionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str | None = Field(None, pattern=r"^[A-Za-z0-9._:/@+-]{1,100}$", description="任意；回答时原样返回",
                              examples=[MODEL_NAME])
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False


class QuizRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    tasks: list[Annotated[int, Field(ge=1, le=999, strict=True)]] | None = Field(
        None, description="任务编号（内置规划为1–38）", examples=[[19]], min_length=1, max_length=50)
    part: Literal[PARTS] | Annotated[int, Field(ge=1, le=10)] | None = Field(
        None, description="部分：“一”到“十”，或1–10", examples=["六"])
    n: int = Field(10, ge=1, le=50)
    kinds: list[Literal["single", "multi", "judge", "blank"]] = Field(
        default_factory=lambda: ["single", "multi", "judge", "blank"], min_length=1, max_length=4)
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="相同的种子给出相同的题目")
    plan: str | None = Field(None, max_length=40, description="出题的规划编号（见 GET /api/plans）；不给则用默认规划")


class ErrorOut(BaseModel):
    error: str
    status: int
    message: str = Field(description="给最终用户看的中文说明")
    detail: str = Field(description="English detail for developers")

