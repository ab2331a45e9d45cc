"""What the retrieved text shows: which sentences of a unit answer a question, whether they hold
what it asks for (a year, a number, a place, a person …), and whether the plan covers it at all.

Every composer quotes through ``Evidence.pick``; a quote that does not hold the kind of answer asked
for turns the answer into a decline (``Route.missing``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import scope
from ..plan import Node, Plan, Sentence
from ..retrieval import Retriever, SearchResult
from ..text import longest_shared
from .quoting import is_heading


@dataclass(frozen=True)
class Thresholds:
    """Refusal calibration (see eval/tune.py): refuse when the best unit's
    dense cosine is below ``min_dense`` and the question shares fewer than
    ``min_coverage`` of its content tokens with the plan."""

    min_dense: float = 0.86
    min_coverage: float = 0.5
    hard_min_dense: float = 0.83
    suggest_dense: float = 0.86  # a decline offers nearby tasks only above this dense similarity …
    suggest_coverage: float = 0.5  # … and when this share of the question's words are the plan's


PERIOD = re.compile(r"(19|20)\d{2}\s*[—\-－~至]\s*(19|20)\d{2}年")  # (2021—2035年): a document's period
TITLE = re.compile(r"《[^》]+》")
SPECIFIC_SHARE = 6  # a word in at most 1/6 of the units anchors a number or place beside it


class Evidence:
    def __init__(self, plan: Plan, retriever: Retriever, thresholds: Thresholds):
        self.plan = plan
        self.retriever = retriever
        self.thresholds = thresholds
        self.common_words = common_words(retriever.doc_freq, len(plan.nodes))

    # --- in scope? ---------------------------------------------------------------
    def out_of_scope(self, result: SearchResult) -> str | None:
        """Why the plan does not cover the question (None: it may)."""
        t = self.thresholds
        if result.top_dense < t.hard_min_dense:
            return f"best dense similarity {result.top_dense:.3f} < {t.hard_min_dense}"
        if result.top_dense < t.min_dense and result.coverage < t.min_coverage:
            return (f"best dense similarity {result.top_dense:.3f} < {t.min_dense} and "
                    f"token coverage {result.coverage:.2f} < {t.min_coverage}")
        return None

    def near(self, result: SearchResult) -> list[int]:
        """Tasks to offer with a decline: only when the question is in the plan's words and close to
        them (``Thresholds.suggest_*``); a weather question gets none."""
        t = self.thresholds
        if result.coverage < t.suggest_coverage or result.top_dense < t.suggest_dense:
            return []
        best = result.hits[0].score
        return [h.node.task for h in result.hits[:5] if h.node.task is not None and h.score >= 0.8 * best][:3]

    def part_titled(self, topic: str) -> str | None:
        """The part whose title names a list's topic (保障 → 十 强化规划实施保障, 科技跟经济结合 → 四 实施科技
        经济融合行动): at least half the topic's words are in the title, one of them not an everyday word."""
        words = [w for w, _ in self.retriever.index.tokenizer.tagged(topic) if len(w) >= 2]
        best = None
        for part in self.plan.parts:
            held = [w for w in words if w in part.title]
            if part.tasks and held and 2 * len(held) >= len(words) and (
                    len(words) == 1 or any(w not in self.common_words for w in held)):
                if best is None or len(held) > best[0]:
                    best = (len(held), part.numeral)
        return best[1] if best else None

    # --- which sentences -------------------------------------------------------------
    def pick(self, node: Node, result: SearchResult | None, limit: int) -> list[Sentence]:
        """Up to ``limit`` of the unit's sentences that answer the question, in text order."""
        body = [s for s in node.sentences if not is_heading(s, node)]
        asked = [t for t in result.known_tokens if len(t) >= 2] if result else []
        if result is None or (asked and all(t in node.title for t in asked) and not scope.asks_for_figure(result.query)):
            return body[:limit]  # the question only names this task ("科创中国是什么"): its opening sentences
        scores = result.sentence_scores(node)
        for s in body:  # a question after a number, date or place wants the relevant sentence that has one
            if self.answers_figure(result, s):
                scores[s.id] = scores.get(s.id, 0.0) + 1.0
        best = max((scores.get(s.id, 0.0) for s in body), default=0.0)
        ranked = sorted(body, key=lambda s: -scores.get(s.id, 0.0))[:limit]
        ranked = [s for s in ranked if scores.get(s.id, 0.0) >= 0.6 * best] or ranked[:1]
        return sorted(ranked, key=lambda s: s.start)

    def distinctive(self, result: SearchResult) -> list[str]:
        """The question's own words and the plan's terms for its lay words, less the plan's everyday ones."""
        return [t for t in result.asked + result.curated if len(t) >= 2 and t not in self.common_words]

    # --- what was asked for ----------------------------------------------------------
    def answerable(self, q: str, result: SearchResult, top: Node, chosen: list[Sentence], pinned: bool
                   ) -> tuple[Node, list[Sentence], str | None]:
        """Does the answer hold what the question asks for (a year, a person, a procedure …)?
        Returns the unit and sentences to quote and, when they do not hold it, the kind missing
        (a key of ``scope.MISSING``). A figure may sit in a close runner-up (a date in the
        colophon, a target in 二(三)), which then becomes the unit quoted."""
        if any(y not in top.text for y in scope.years(q)):
            return top, chosen, "year"
        kind = scope.asked_figure(q)
        if kind is None or any(self.answers_figure(result, s) for s in chosen):
            return top, chosen, None
        if not pinned:
            # a runner-up must say the question's own phrase (国家科普中心), not a neighbour's figure
            phrase = longest_shared(q, self.plan.text, 4)
            for hit in result.hits[1:8]:
                alt = self.pick(hit.node, result, limit=3)
                if hit.score >= 0.6 * result.hits[0].score and any(
                        self.answers_figure(result, s) and phrase in s.text for s in alt):
                    return hit.node, alt, None
        return top, chosen, kind

    def answers_figure(self, result: SearchResult, s: Sentence) -> bool:
        """The sentence holds the number, date or place asked for and shares a
        distinctive word with the question (not one of the plan's everyday words)."""
        words = [t for t in self.distinctive(result) if not t.isdigit()]
        years = [f"{y}年" for y in scope.years(result.query)]  # "到2025年有什么硬指标": the year anchors it
        lead_in = self.plan.text[max(0, s.start - 12):s.start]  # "总体目标:" introduces "到2025年,…"
        if not any(t in lead_in + s.text for t in words + years):
            return False
        if scope.enumerates_asked(result.query, s.text):
            return True  # "还要搞哪些主题活动": the plan names them, whatever else the question seemed to ask
        if not scope.has_asked_evidence(result.query, s.text):
            return False
        kind = scope.asked_figure(result.query)
        evidence = scope.evidence_pattern(result.query, kind)
        if kind == "responsible":  # "由谁来任命": someone in the sentence must do that
            done = [w for w in scope.responsible_for(result.query) if w in s.text]
            return bool(done) or not scope.responsible_for(result.query)
        # a year the sentence sets as a target ("到2025年"), not one inside a document's period ("2021—2035年")
        if kind not in ("number", "place", "date", "year") or any(re.search(rf"(?<![—\-－~至]){y}", s.text) for y in years):
            return True
        # a count or a place belongs to the thing asked about: "几个科技馆" is not answered by
        # "六位一体" far away, nor a congress's city by 芜湖 in a sentence on another fair (a place the
        # question itself names, "是不是也在芜湖", is no anchor)
        spots = [m.start() for t in words if t in result.asked and not evidence.search(t) and self.specific(t)
                 for m in re.finditer(re.escape(t), s.text)]
        if kind in ("date", "year") and not spots and any(t in lead_in for t in words):
            return True  # "总体目标: 到2025年…"
        reach = 30 if kind in ("date", "year") else 12
        # "西藏和新疆的哪几个地区": a place the question names is not the place it asks for; the end of the
        # period of a document the question does not name ("《…纲要(2021—2035年)》") is no year anything was done
        other_periods = {t.start() + p.end() for t in TITLE.finditer(s.text) if not any(w in t.group(0) for w in words)
                         for p in PERIOD.finditer(t.group(0))}
        found = [m for m in evidence.finditer(s.text) if not (kind == "place" and m.group(0) in result.query)
                 and not (kind in ("date", "year") and m.end() in other_periods)]
        return any(abs(m.start() - p) <= reach for m in found for p in spots)

    def specific(self, word: str) -> bool:
        """A word few units say, so a figure beside it belongs to it (科普, in a sixth of the plan's units, names
        no one thing: 芜湖 beside 科普产业博览交易会 is no answer to where 科普大篷车 stands)."""
        return self.retriever.doc_freq.get(word, 0) <= len(self.plan.nodes) // SPECIFIC_SHARE


def common_words(doc_freq: dict[str, int], sections: int, share: float = 0.25) -> set[str]:
    """Words found in more than ``share`` of the plan's sections (科协, 科技, 建设 …):
    too common to show that a sentence is about the question."""
    return {w for w, c in doc_freq.items() if c > share * sections}
