"""Reader questions (doc2query): a third retrieval channel that votes for its unit.

``corpus/reader_questions.jsonl`` holds, for every task and section, questions a
reader might ask of it in everyday words, each pointing at the verbatim span it
is about. They were written once from the plan alone, blind to every eval set
(see ``corpus/manifest.json``). A new question close to a reader question says
which unit answers it even when it shares no word with the plan ("老专家下乡讲课"
→ 科技志愿服务), and which sentence of that unit to quote.

One line: ``{"unit": "task:19" | "part:三" | "section:二(三)", "question": "…", "source": "…"}``.

>>> from assistant.plan import Plan
>>> plan = Plan.parse("序。\\n一、总则\\n说明。\\n1.做好工作。推进建设。\\n")
>>> [q.node_id for q in parse_reader_questions(['{"unit": "task:1", "question": "怎么推进？", "source": "推进建设"}'], plan)]
['task-1']
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..plan import Node, Plan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReaderQuestion:
    """A question a reader might ask, the unit that answers it and the span it is about."""

    node_id: str
    question: str
    start: int  # the source span in the corpus
    end: int


def unit_node(plan: Plan, unit: str) -> Node | None:
    """'task:19' → task 19; 'part:三' → part 三's introduction; 'section:二(三)' → that sub-section."""
    kind, _, code = unit.partition(":")
    for node in plan.nodes:
        if kind == "task" and node.task is not None and str(node.task) == code:
            return node
        if kind == "part" and node.kind == "part" and node.section == code:
            return node
        if kind == "section" and node.kind == "subsection" and node.section == code:
            return node
    return None


def parse_reader_questions(lines, plan: Plan) -> list[ReaderQuestion]:
    """Reader questions whose unit exists and whose source is a verbatim span of it; others are skipped with a warning."""
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            node = unit_node(plan, row["unit"])
            at = node.text.find(row["source"]) if node else -1
        except (ValueError, KeyError, TypeError) as e:
            log.warning("reader questions line %d skipped: %s", n, e)
            continue
        if at < 0:
            log.warning("reader questions line %d skipped: no unit %r holding its source", n, row.get("unit"))
            continue
        start = node.start + at
        out.append(ReaderQuestion(node.id, row["question"], start, start + len(row["source"])))
    return out


def load_reader_questions(path: Path, plan: Plan) -> list[ReaderQuestion]:
    """The bank for ``plan``; empty when the file does not exist (a plan without one)."""
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except FileNotFoundError:
        return []
    return parse_reader_questions(lines, plan)


@dataclass
class QuestionBank:
    """Reader questions with their query-side vectors (row order) and a BM25 index over their words."""

    questions: list[ReaderQuestion]
    matrix: np.ndarray  # (n, dim), unit length
    bm25: object | None  # bm25s.BM25, None when the bank is empty

    @classmethod
    def empty(cls) -> "QuestionBank":
        """A plan without reader questions: the channel then adds nothing."""
        return cls([], np.zeros((0, 384), dtype=np.float32), None)

    def dense_scores(self, query_vector: np.ndarray) -> np.ndarray:
        return self.matrix @ query_vector if len(self.questions) else np.zeros(0, dtype=np.float32)

    def bm25_scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if self.bm25 is not None and t in self.bm25.vocab_dict]
        if not known:
            return np.zeros(len(self.questions), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)
