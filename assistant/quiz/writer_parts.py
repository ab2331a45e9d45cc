"""The parts every offline item is made of (``writer`` and its writers of each kind, each a
``KindWriter``, share one ``ItemParts``): the stem forms of blanks and statements, the reference to its task
("任务19", "第19项任务"), its quote and the fragment its stem shows (whole clauses around a span,
``clause_window``), the source a distractor is named with, stand-ins of the same kind from other tasks
(``substitutes``) and the task's own measures beside the clauses of its neighbours.
"""
from __future__ import annotations

import random

from ..plan import Node
from ..text import longest_shared
from .models import BLANK, QuizItem
from .terms import Analysis
from .terms_sentence import GENERIC_DF, Clause, skip_dash
from .wording import ELLIPSIS, bigram_overlap, canon, clause_spans, display

# the stem forms of a blank and of a true/false statement (``QuizItem.template`` names the form)
BLANK_TEMPLATES = {
    "blank.fill": "根据{ref}的内容填空：“{frag}”",
    "blank.says": "{ref}提出：“{frag}”横线处应填写什么？",
    "blank.complete": "补全{ref}中的这句话：“{frag}”",
}
JUDGE_TEMPLATES = {
    "judge.says": "判断正误：{ref}提出“{statement}”。",
    "judge.includes": "“{statement}”是{ref}中的内容。这一说法是否正确？",
    "judge.requires": "规划在{ref}中要求“{statement}”。此说法对吗？",
}


class ItemParts:
    """References, items, sources and distractors for one quiz, with its random generator (``rng``)."""

    def __init__(self, analysis: Analysis, rng: random.Random, scope: list[Node] | None = None):
        self.a = analysis
        self.rng = rng
        # "which task is this from?" only makes sense when the quiz covers more than one
        self.ask_which_task = scope is None or len(scope) > 1
        self.weight: dict[int, float] = {}  # id(item) → how often it comes first (``ItemWriter.reorder``)
        self._subs: dict[tuple, list[str]] = {}
        self._foreign: dict[str, list[Clause]] = {}

    def ref(self, node: Node, titled: bool = True) -> str:
        if node.task is not None:
            forms = [f"任务{node.task}", f"第{node.task}项任务"]
            if titled:
                forms.append(f"“{display(node.title, nested=True)}”这项任务")
            return self.rng.choice(forms)
        return f"第{node.part}部分“{display(node.title, nested=True)}”"

    def item(self, kind, template, stem, options, answer, explanation, node, quote, weight=1.0) -> QuizItem:
        item = QuizItem(kind, stem, options, answer, explanation, node.task, node.section, quote, template,
                        label=node.label)
        self.weight[id(item)] = weight
        return item

    def source(self, text: str) -> str:
        entry = self.a.pool.entries.get(text)
        node = entry.nodes[0] if entry else None
        return f"“{display(text, nested=True)}”见{short_ref(node)}" if node else ""

    # --- distractors --------------------------------------------------------
    def substitutes(self, text: str, kind: str, node: Node, k: int, listed: bool = False) -> list[str]:
        """Up to ``k`` terms of the same kind as ``text`` (``StandInPool.same_type``, similar length)
        from other tasks, none of which this node's text uses; nearer tasks first."""
        key = (text, kind, node.id, k, listed)
        if key not in self._subs:
            self._subs[key] = self._substitutes(text, kind, node, k, listed)
        return self._subs[key]

    def _substitutes(self, text: str, kind: str, node: Node, k: int, listed: bool) -> list[str]:
        own, found = canon(node.text), []
        near = {n.id for n in self.a.siblings(node)[:8]}
        for other, entry, score in self.a.pool.stand_ins(text, kind):
            if canon(other) in own:
                continue
            score += (1.0 if any(n.id in near for n in entry.nodes) else 0.0) + (1.0 if listed and entry.listed else 0.0)
            found.append((score + self.rng.random(), other))
        found.sort(key=lambda x: -x[0])
        out = [t for _, t in found[:k]]
        if kind == "number" and len(out) < k:
            out += _near_numbers(text, own, k - len(out), self.rng)
        return out

    def foreign_clauses(self, node: Node, like: str, k: int) -> list[Clause]:
        """Clauses of nearby tasks, of about ``like``'s length, that this node does not say."""
        if node.id not in self._foreign:
            own = canon(node.text)
            own_clauses = [c.text for c in self.a.clauses[node.id]]
            self._foreign[node.id] = [
                c for other in self.a.siblings(node)[:10] for c in self.a.clauses.get(other.id, [])
                if canon(c.text) not in own and not any(bigram_overlap(c.text, o) >= 0.5 for o in own_clauses)]
        pool = []
        for c in self._foreign[node.id]:
            if 0.6 <= len(c.text) / len(like) <= 1.6:
                same_verb = c.text[:2] == like[:2]
                pool.append((self.rng.random() + (0.5 if same_verb else 0.0) + (1.0 if c.node.part == node.part else 0.0), c))
        pool.sort(key=lambda x: -x[0])
        out: list[Clause] = []
        for _, c in pool:
            if all(c.text != o.text and c.node.id != o.node.id for o in out):
                out.append(c)
            if len(out) == k:
                break
        return out

    def own_measures(self, node: Node) -> list[Clause]:
        """The node's measures that do not repeat its title (大力弘扬科学家精神 in 弘扬科学精神和科学家精神
        would answer a "which belongs" question by itself)."""
        out = []
        for c in self.a.clauses[node.id]:
            shared = longest_shared(c.text, node.title, 4)
            if not shared or self.a.df(shared) >= GENERIC_DF:  # sharing 科技工作者 gives nothing away
                out.append(c)
        return out


class KindWriter:
    """The writer of one kind of item (``writer_blank``, ``writer_judge``, ``writer_single``, ``writer_multi``):
    ``items(node)``, every candidate of its kind for a node, made with the quiz's one ``ItemParts``."""

    def __init__(self, parts: ItemParts):
        self.parts, self.a, self.rng = parts, parts.a, parts.rng

    def items(self, node: Node) -> list[QuizItem]:
        raise NotImplementedError


# --- text windows -------------------------------------------------------------
def clause_window(text: str, start: int, end: int, min_ctx: int, min_len: int, max_len: int,
            inner: bool = False) -> tuple[int, int] | None:
    """Whole clauses of ``text`` around [start, end): at least ``min_ctx`` other characters and
    ``min_len`` in all, at most ``max_len``. ``inner``: at least two characters on either side."""
    spans = clause_spans(text)
    idx = next((i for i, (a, b) in enumerate(spans) if a <= start and end <= b), None)
    if idx is None:
        return None
    lo = hi = idx

    def size(l, h):
        return spans[h][1] - skip_dash(text, spans[l][0])

    def short(l, h):
        a, b = skip_dash(text, spans[l][0]), spans[h][1]
        return (b - a) - (end - start) < min_ctx or b - a < min_len or (inner and (start - a < 2 or b - end < 2))

    while short(lo, hi):
        if hi + 1 < len(spans) and size(lo, hi + 1) <= max_len and not (inner and start - skip_dash(text, spans[lo][0]) < 2
                                                                         and lo > 0):
            hi += 1
        elif lo > 0 and size(lo - 1, hi) <= max_len:
            lo -= 1
        else:
            return None
    if size(lo, hi) > max_len:
        return None
    return skip_dash(text, spans[lo][0]), spans[hi][1]


def quote_around(text: str, start: int, end: int, least: int = 60, most: int = 120) -> str:
    """The item's quote: the whole sentence when it is at most ``most`` characters, else whole clauses
    around [start, end), grown to ``least`` characters (and the full stop when they reach it)."""
    if len(text) <= most:
        return text
    spans = clause_spans(text)
    lo = next((i for i, (a, b) in enumerate(spans) if start < b), 0)
    hi = next((i for i, (a, b) in enumerate(spans) if end <= b), len(spans) - 1)
    while spans[hi][1] - spans[lo][0] < least:
        if hi + 1 < len(spans) and spans[hi + 1][1] - spans[lo][0] <= most:
            hi += 1
        elif lo > 0 and spans[hi][1] - spans[lo - 1][0] <= most:
            lo -= 1
        else:
            break
    qa, qb = skip_dash(text, spans[lo][0]), spans[hi][1]
    return text[qa:len(text) if hi == len(spans) - 1 else qb]


def blanked_fragment(text: str, start: int, end: int, min_ctx: int, max_len: int) -> str | None:
    """The clause window around [start, end) with the span blanked, as a stem quotes it:
    "……" where it is cut, "。" where the sentence ends."""
    window = clause_window(text, start, end, min_ctx, 0, max_len)
    if window is None:
        return None
    ws, we = window
    first = clause_spans(text)[0][0]
    hole = "\x00"
    body = display(text[ws:start] + hole + text[end:we], nested=True).replace(hole, BLANK)
    prefix = ELLIPSIS if skip_dash(text, first) < ws else ""
    suffix = "。" if text[we:].strip() == "。" else ELLIPSIS
    return prefix + body + suffix


def short_ref(node: Node | None) -> str:
    if node is None:
        return ""
    if node.task is not None:
        return f"任务{node.task}"
    return node.marker.strip("[]")


def _near_numbers(text: str, own: str, k: int, rng: random.Random) -> list[str]:
    """Made-up figures near ``text`` ("15%" → "20%") that the cited text does not contain."""
    value = float(text.rstrip("%"))
    unit = "%" if text.endswith("%") else ""
    out = []
    for factor in rng.sample([0.5, 0.8, 1.2, 1.5, 2.0], 5):
        v = value * factor
        s = (f"{v:.0f}" if v >= 10 or float(v).is_integer() else f"{v:.1f}") + unit
        if s != text and s not in own and s not in out:
            out.append(s)
    return out[:k]
