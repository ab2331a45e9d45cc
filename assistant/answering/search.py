"""Answers from retrieval, and declines.

A searched question is answered from the best unit's sentences that answer it, with the runner-ups
that are really related; it is declined when the plan does not cover it (``Evidence.out_of_scope``)
or when the quoted sentences do not hold what it asks for (``Route.missing``: "规划中没有给出具体年份").
"""
from __future__ import annotations

from .. import scope
from ..models import Answer
from ..plan import Node, Sentence
from ..retrieval import SearchResult
from .composer import Composer
from .route import Route

RELATED = 0.85  # a runner-up within this share of the best score may be quoted as related
CLOSE = 0.95  # … and within this share, the answer says which is closest rather than "according to"
INJECTION_REPLY = "抱歉，我只能回答与《中国科协事业发展“十四五”规划》内容有关的问题，无法执行其他指令或透露系统设置。"
NOT_IN_PLAN = "规划中没有涉及这个问题的内容，我只能依据规划原文回答。"


class SearchComposer(Composer):
    kinds = ("search", "decline", "missing")

    def search(self, question: str, q: str, route: Route) -> Answer:
        result = self.retriever.search(q)
        passages = self.quote.passages(result)
        pinned = route.node is not None
        reason = self.evidence.out_of_scope(result) if not pinned else None
        if reason:
            return self.quote.refuse(question, "规划中没有找到与这个问题直接相关的内容。", reason,
                                     self.evidence.near(result), passages=passages)
        top = route.node or result.hits[0].node
        chosen = self.evidence.pick(top, result, limit=3)
        top, chosen, missing = self.evidence.answerable(q, result, top, chosen, pinned)
        if missing:
            return self.missing(question, q, Route.missing(missing, top, chosen, passages))
        related = self._related(result, top)
        # when another task is about as close, say which is closest instead of presenting a guess as the answer
        close = bool(related) and related[0][2] >= CLOSE * result.hits[0].score
        where = self.quote.where(top)
        lines = [f"最相关的是{where}{top.marker}：" if close else f"根据{where}{top.marker}："]
        cites = [self.quote.heading_citation(top)]
        for s in chosen:
            lines.append(f"- {s.text} {top.marker}")
            cites.append(self.quote.citation(top, s))
        if related:
            lines.append("以下任务也涉及这一问题：" if close else "相关内容：")
            for node, best, _ in related:
                lines.append(f"- {node.label}：{best.text} {node.marker}")
                cites.append(self.quote.citation(node, best))
        return self.quote.answer(question, "\n".join(lines), cites, route="search", passages=passages)

    def _related(self, result: SearchResult, top: Node) -> list[tuple[Node, Sentence, float]]:
        """Up to two runner-up tasks that are really related: close in score, and with a sentence
        that holds one of the question's distinctive words (not just the plan's everyday ones)."""
        words = self.evidence.distinctive(result)
        out = []
        for hit in result.hits[1:4]:
            if hit.node.task is None or hit.node is top or hit.score < RELATED * result.hits[0].score:
                continue
            best = self.evidence.pick(hit.node, result, limit=1)
            if best and any(w in best[0].text for w in words):
                out.append((hit.node, best[0], hit.score))
        return out[:2]

    def decline(self, question: str, q: str, route: Route) -> Answer:
        """The route's message and suggestions; a question out of scope offers the tasks retrieval
        finds close (none after a prompt injection)."""
        if not route.offer_close:
            return self.quote.refuse(question, route.message, route.reason, list(route.suggestions))
        if route.reason.startswith("prompt injection"):
            return self.quote.refuse(question, INJECTION_REPLY, route.reason, [])
        result = self.retriever.search(q)
        return self.quote.refuse(question, NOT_IN_PLAN, route.reason, self.evidence.near(result),
                                 passages=self.quote.passages(result))

    def missing(self, question: str, q: str, route: Route) -> Answer:
        """The plan covers the topic but not what was asked: say so, then quote what it does say."""
        kind, top = route.reason, route.node
        chosen, passages = route.detail
        head = (f"规划只写了目标和举措，没有对此的{scope.MISSING[kind]}。" if kind == "opinion"
                else f"规划中没有给出{scope.missing_what(q, kind)}。")
        lines, cites = [head + "与问题相关的规划原文："], []
        for s in chosen[:2]:
            lines.append(f"- {top.label}：{s.text} {top.marker}")
            cites.append(self.quote.citation(top, s))
        return Answer(question, "\n".join(lines), True, cites, list(passages), route="refuse",
                      suggestions=[], reason=f"the quoted passages do not state the {kind} asked for")
