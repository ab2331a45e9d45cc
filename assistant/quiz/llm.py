"""Quiz items written by an LLM (any OpenAI-compatible endpoint), kept only when they pass the checks.

The model gets ``prompts/quiz_system.md`` and ``prompts/quiz.md``: the chosen tasks' text, the other
tasks of their parts (for distractors), the JSON schema of ``LLMItem`` and the items already kept.
Its reply must be one JSON object ``{"items": [...]}``. Each item is validated against the schema,
then by the same ``checks.Checker`` as offline items (verbatim quote inside the cited task, answer
in the quote, distractors not true, natural stem, a task in the chosen range, a fact not yet tested).
Items that fail are dropped and the model is asked again, with the reasons (``prompts/quiz_retry.md``),
at most ``rounds`` times in all. A failing endpoint (timeout, refused connection, 4xx/5xx, garbage)
returns no items and a notice; the caller then fills the quiz with offline items.
"""
from __future__ import annotations

import json
import logging
import re
from collections import Counter
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from ..config import Config
from ..llm import _why, load_prompt
from ..plan import Node, Plan
from .checks import Checker
from .models import BLANK, LETTERS, QuizItem
from .wording import canon, display, verbatim

log = logging.getLogger(__name__)
ROUNDS = 3  # the first request and at most two regenerations


class LLMItem(BaseModel):
    """One quiz item as the model must write it."""

    kind: Literal["single", "multi", "judge", "blank"]
    stem: str = Field(min_length=4, max_length=300)
    options: list[str] = Field(default_factory=list, max_length=6)
    answer: list[str] = Field(min_length=1, max_length=6)
    explanation: str = ""
    task: int
    quote: str = Field(min_length=4, max_length=400)

    @field_validator("answer", mode="before")
    @classmethod
    def _listify(cls, v):
        return [v] if isinstance(v, str) else v


class LLMReply(BaseModel):
    items: list


SCHEMA = json.dumps({"type": "object", "required": ["items"],
                     "properties": {"items": {"type": "array", "items": LLMItem.model_json_schema()}}},
                    ensure_ascii=False)


class LLMQuizWriter:
    def __init__(self, plan: Plan, checker: Checker, config: Config, chat_model=None, rounds: int = ROUNDS):
        self.plan = plan
        self.checker = checker
        self.config = config
        self.rounds = rounds
        self.system = load_prompt(config.prompts_dir, "quiz_system")
        self.template = load_prompt(config.prompts_dir, "quiz")
        self.retry = load_prompt(config.prompts_dir, "quiz_retry")
        self.chat = chat_model

    def write(self, nodes: list[Node], n: int, kinds: tuple[str, ...], seed: int | None,
              stats: Counter) -> tuple[list[QuizItem], str | None]:
        """Up to ``n`` checked items and a notice for the reader (None when all went well)."""
        kept: list[QuizItem] = []
        feedback, dropped = "", 0
        for round_ in range(self.rounds):
            want = n - len(kept)
            if want <= 0:
                break
            stats["llm requests"] += 1
            try:
                extra = {"seed": seed} if seed is not None else {}
                reply = self._chat().invoke(self._messages(nodes, want, kinds, kept, feedback), **extra).content
            except Exception as e:  # every client or server failure ends in offline items
                log.warning("LLM quiz call failed: %s: %s", type(e).__name__, e)
                stats["llm failures"] += 1
                why = _why(e)
                if kept:
                    return kept, f"（大模型第{round_ + 1}次出题{why}，其余题目由离线规则生成。）"
                return [], f"（大模型出题{why}，以下题目由离线规则生成。）"
            raws, error = parse_reply(reply if isinstance(reply, str) else "")
            problems: list[str] = []
            if error:
                stats["llm malformed replies"] += 1
                problems.append(f"- 整个回复无效：{error}")
            for raw in raws:
                item, why = self.to_item(raw)
                why = why or self._problems(item, nodes, kinds, kept)
                if why:
                    dropped += 1
                    stats["llm items dropped"] += 1
                    problems.append(f"- {str(raw.get('stem', ''))[:60]}：{'；'.join(why)}")
                elif len(kept) < n:
                    kept.append(item)
            feedback = self.retry.format(problems="\n".join(problems[:10]), n=n - len(kept)) if problems else ""
        notice = f"（大模型写的题目中有{dropped}道未通过核验，已舍弃。）" if dropped else None
        return kept, notice

    # --- pieces -------------------------------------------------------------
    def to_item(self, raw) -> tuple[QuizItem | None, list[str]]:
        """A QuizItem from one reply object, or the reasons it does not fit the schema."""
        if not isinstance(raw, dict):
            return None, ["不是JSON对象"]
        try:
            x = LLMItem.model_validate(raw)
        except ValidationError as e:
            fields = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
            return None, [f"不符合格式要求（{fields}）"]
        options = [re.sub(r"^\s*[A-H][.、．)）]\s*", "", o).strip() for o in x.options]
        answer = [a.strip() for a in x.answer]
        if options and all(re.fullmatch(r"[A-H]", a) for a in answer):  # letters instead of option texts
            answer = [options[LETTERS.index(a)] for a in answer if LETTERS.index(a) < len(options)]
        stem = display(re.sub(r"_{3,}|＿{2,}", BLANK, x.stem.strip()))
        node = self.plan.task(x.task) if 1 <= x.task <= self.plan.task_count else None
        explanation = x.explanation.strip() or f"出自任务{x.task}：“{display(x.quote, nested=True)}”"
        # the plan's own characters for a quote copied with other punctuation ("，" for ",")
        quote = (verbatim(node.text, x.quote.strip()) if node else None) or x.quote.strip()
        return QuizItem(x.kind, stem, options, answer, explanation, x.task, node.section if node else "",
                        quote, "llm", "llm", node.label if node else ""), []

    def _problems(self, item: QuizItem, nodes: list[Node], kinds, kept: list[QuizItem]) -> list[str]:
        if item.kind not in kinds:
            return [f"题型{item.kind}不在要求的题型中"]
        if item.task not in {n.task for n in nodes}:
            return [f"任务{item.task}不在出题范围内"]
        problems = self.checker.check(item)
        if problems:
            return problems
        if any(canon(item.stem) == canon(k.stem) or self.checker.pairs.duplicate(item, k)
               or self.checker.pairs.same_sentence(item, k) for k in kept):
            return ["与已有题目考查同一知识点"]
        return []

    def _messages(self, nodes, want, kinds, kept, feedback) -> list[tuple[str, str]]:
        chosen = {n.id for n in nodes}
        others = []
        for part in dict.fromkeys(n.part for n in nodes):  # in order: the prompt is the same every run
            p = next((x for x in self.plan.parts if x.numeral == part), None)
            others += [t for t in (p.tasks if p else []) if t.id not in chosen and t not in others]
        prompt = self.template.format(
            n=want, kinds="、".join(kinds), schema=SCHEMA,
            passages="\n\n".join(f"{n.marker} {n.label}\n{n.text}" for n in nodes),
            others="\n\n".join(f"{n.marker} {n.label}\n{n.text}" for n in others) or "（无）",
            avoid="\n".join(f"- {k.stem}" for k in kept) or "（无）", feedback=feedback)
        return [("system", self.system), ("user", prompt)]

    def _chat(self):
        if self.chat is None:
            from langchain_openai import ChatOpenAI

            cfg = self.config
            self.chat = ChatOpenAI(model=cfg.llm_model, base_url=cfg.llm_base_url, api_key=cfg.llm_api_key or "not-set",
                                   timeout=cfg.llm_timeout, max_retries=cfg.llm_max_retries, temperature=0.7)
        return self.chat


def parse_reply(text: str) -> tuple[list, str | None]:
    """The item objects of a reply, tolerating a ```json fence or words around the object.

    >>> parse_reply('```json\\n{"items": [{"kind": "judge"}]}\\n```')
    ([{'kind': 'judge'}], None)
    >>> parse_reply("不是JSON")[1]
    'no JSON object in the reply'
    """
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end <= start:
        return [], "no JSON object in the reply"
    try:
        data = json.loads(text[start:end + 1])
    except json.JSONDecodeError as e:
        return [], f"malformed JSON ({e.msg})"
    try:
        return LLMReply.model_validate(data).items, None
    except ValidationError:
        return [], 'the object has no "items" list'
