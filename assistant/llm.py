"""LLM answers through any OpenAI-compatible endpoint, verified before they are shown.

The extractive answerer runs first: it routes, retrieves and refuses, and its
answer is the fallback. The model sees only the passages the extractive step
retrieved, labelled with their markers. Its reply is then verified with the
same support test as the eval harness:

- a citation to anything not among the retrieved passages is removed;
- every sentence is checked against its cited passages; unsupported ones are
  removed from the text and listed in ``Answer.removed`` with the reason;
- ``Answer.grounded`` is the share of the model's sentences that survived;
  below ``min_grounded``, or on any failure (timeout, refused connection, 401,
  429, 5xx, an empty or non-JSON body, a reply in the wrong language or with
  no citations) the extractive answer is returned with a one-line notice.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from .support import MARKER, SupportTest, statements, support_score
from .models import Answer, Citation, unique_citations
from .plan import Node

log = logging.getLogger(__name__)
FALLBACK_NOTICE = "（大模型回答{why}，以下为规划原文摘录。）"


def load_prompt(prompts_dir: Path, name: str) -> str:
    return (prompts_dir / f"{name}.md").read_text("utf-8")


class LLMAnswerer:
    def __init__(self, assistant, support: SupportTest, chat_model=None):
        cfg = assistant.config
        self.assistant = assistant
        self.plan = assistant.plan
        self.support = support
        self.min_grounded = cfg.min_grounded
        self.system = load_prompt(cfg.prompts_dir, "system")
        self.template = load_prompt(cfg.prompts_dir, "answer")
        self.rewrite_template = load_prompt(cfg.prompts_dir, "rewrite")
        self.chat = chat_model or _chat_model(cfg)

    # --- public ---------------------------------------------------------
    def answer(self, question: str) -> Answer:
        final = None
        for piece in self.stream(question):
            if isinstance(piece, Answer):
                final = piece
        return final

    def stream(self, question: str) -> Iterator[str | Answer]:
        """Text chunks as the model writes them, then the verified Answer."""
        base = self.assistant.answerer.answer(question)
        if base.refused and base.route == "refuse" and not base.citations:
            yield base  # nothing to ground an answer on (injection, task 39, out of scope)
            return
        nodes = self._context(base)
        messages = self._messages(question, nodes)
        parts: list[str] = []
        try:
            for chunk in self.chat.stream(messages):
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    parts.append(text)
                    yield text
        except Exception as e:  # every client or server failure ends in the extractive answer
            log.warning("LLM call failed: %s: %s", type(e).__name__, e)
            yield self._fallback(base, _why(e))
            return
        yield self.verify(question, "".join(parts), nodes, base)

    def rewrite(self, history: list[tuple[str, str]], question: str) -> str | None:
        """A stand-alone version of a follow-up question, or None when the model fails."""
        lines = "\n".join(f"用户：{q}\n助手：{a[:200]}" for q, a in history[-3:])
        prompt = self.rewrite_template.format(history=lines, question=question)
        try:
            text = self.chat.invoke([("user", prompt)]).content.strip()
        except Exception as e:
            log.warning("LLM rewrite failed: %s", e)
            return None
        return text.splitlines()[0][:200] if text and re.search(r"[\u4e00-\u9fff]", text) else None

    # --- verification -----------------------------------------------------
    def verify(self, question: str, reply: str, nodes: list[Node], base: Answer) -> Answer:
        allowed = {n.marker: n for n in nodes}
        if not reply.strip():
            return self._fallback(base, "为空")
        if _cjk_share(reply) < 0.3:
            return self._fallback(base, "不是中文")
        if not MARKER.search(reply):
            return self._fallback(base, "没有标注出处")
        kept_lines, removed, citations, total, kept, support = [], [], [], 0, 0, []
        for line in reply.splitlines():
            markers = [f"[{m}]" for m in MARKER.findall(line)]
            bad = [m for m in markers if m not in allowed]
            for m in bad:
                removed.append({"text": m, "reason": "cites a passage that was not retrieved"})
            good = [m for m in markers if m in allowed]
            claims = statements(line)
            if not claims:
                continue
            kept_parts = []
            for text, _ in claims:
                total += 1
                cited = [allowed[m] for m in good]
                passage = "\n".join(n.text for n in cited)
                supported = bool(cited) and self.support(text, passage)
                support.append({"text": text, "supported": supported})
                if not cited:
                    removed.append({"text": text, "reason": "no citation to a retrieved passage"})
                elif not supported:
                    removed.append({"text": text, "reason": "not supported by the cited passage"})
                else:
                    kept += 1
                    kept_parts.append(text)
                    citations += [self._quote(n, text) for n in cited]
            if kept_parts:
                prefix = "- " if line.lstrip().startswith(("-", "•", "*")) or re.match(r"\s*\d+[.、]", line) else ""
                kept_lines.append(f"{prefix}{''.join(kept_parts)} {' '.join(good)}")
        grounded = kept / total if total else 0.0
        if not kept or grounded < self.min_grounded:
            answer = self._fallback(base, f"只有{kept}/{total}句能在规划原文中找到依据")
            answer.removed, answer.grounded, answer.support = removed, grounded, support
            return answer
        return Answer(question, "\n".join(kept_lines), False, unique_citations(citations), base.passages, route=base.route,
                      mode="llm", grounded=grounded, removed=removed, support=support,
                      notice=f"已删除{len(removed)}处无法核实的内容。" if removed else None)

    # --- helpers ----------------------------------------------------------
    def _context(self, base: Answer) -> list[Node]:
        ids = []
        for node_id in [c.node_id for c in base.citations] + [p.node_id for p in base.passages]:
            if node_id not in ids:
                ids.append(node_id)
        return [self.plan.node(i) for i in ids[:6]]

    def _messages(self, question: str, nodes: list[Node]) -> list[tuple[str, str]]:
        passages = "\n\n".join(f"{n.marker} {n.label}\n{n.text}" for n in nodes)
        return [("system", self.system), ("user", self.template.format(passages=passages, question=question))]

    def _quote(self, node: Node, claim: str) -> Citation:
        """The node's sentence that best supports the claim, quoted verbatim."""
        best = max(node.sentences, key=lambda s: support_score(claim, s.text, self.support.tokenizer))
        return Citation(node.task, node.section, node.label, best.text, node.marker, node.id, best.start, best.end)

    def _fallback(self, base: Answer, why: str) -> Answer:
        notice = FALLBACK_NOTICE.format(why=why)
        return Answer(base.question, f"{notice}\n{base.text}", base.refused, base.citations, base.passages,
                      route=base.route, suggestions=base.suggestions, reason=base.reason, mode="extractive",
                      notice=notice)


def _chat_model(cfg):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=cfg.llm_model, base_url=cfg.llm_base_url, api_key=cfg.llm_api_key or "not-set",
                      timeout=cfg.llm_timeout, max_retries=cfg.llm_max_retries, temperature=0)


def _why(e: Exception) -> str:
    name = type(e).__name__
    status = getattr(e, "status_code", None)
    if "Timeout" in name:
        return "超时"
    if status == 401 or "Authentication" in name:
        return "未通过鉴权（401）"
    if status == 429 or "RateLimit" in name:
        return "被限流（429）"
    if status and status >= 500:
        return f"服务出错（{status}）"
    if "Connection" in name:
        return "无法连接"
    return "出错"


def _cjk_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff") / len(letters) if letters else 0.0
