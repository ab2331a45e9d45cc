"""The plan's text as the checks read it (``checks`` and its checkers of each kind share one ``PlanText``).

``PlanText`` holds the plan in canonical form, jieba's words of any text (cached: the checks ask about the
same sentences often) and the node an item cites, and answers the questions about word boundaries that
every kind of item raises: does a span start and end between words (``on_word_boundaries``), does a term
read as a whole in its sentence (``whole_term``), which words cover a span (``widen``), and in which one
span a false statement differs from its quote (``diff``).
"""
from __future__ import annotations

import re

from ..plan import Node, Plan
from ..text import Tokenizer
from .models import QuizItem
from .wording import canon


class PlanText:
    """The plan, its canonical text and jieba's words (with the plan's tokenizer), for the checks."""

    def __init__(self, plan: Plan, tokenizer: Tokenizer):
        self.plan = plan
        self.tokenizer = tokenizer
        self.plan_canon = canon(plan.text)
        self._words: dict[str, tuple[str, ...]] = {}
        self._df: dict[str, int] = {}
        # the words of the document's own name (中国科学技术协会事业发展"十四五"规划): a term made of them names the plan
        title = re.search(r"《([^》]*规划[^》]*)》", plan.text)
        self.document_words = {w for w, _ in tokenizer.tagged(title.group(1)) if len(w) >= 2} if title else set()

    def words(self, text: str) -> tuple[str, ...]:
        """jieba's words of ``text`` (cached: the generator asks about the same sentences often)."""
        if text not in self._words:
            self._words[text] = tuple(w for w, _ in self.tokenizer.tagged(text))
        return self._words[text]

    def task_df(self, word: str) -> int:
        if word not in self._df:
            self._df[word] = sum(word in t.text for t in self.plan.tasks)
        return self._df[word]

    def cited(self, item: QuizItem) -> tuple[Node | None, list[str]]:
        if item.task is not None:
            if not isinstance(item.task, int) or not 1 <= item.task <= self.plan.task_count:
                return None, [f"task {item.task!r} does not exist (1–{self.plan.task_count})"]
            node = self.plan.task(item.task)
            if item.section != node.section:
                return None, [f"section {item.section!r} is not task {item.task}'s ({node.section})"]
            return node, []
        try:
            return self.plan.section_node(item.section), []
        except Exception:
            return None, [f"no section {item.section!r} and no task"]

    def names_the_plan(self, term: str) -> bool:
        """Is ``term`` made of the words of the document's own name (事业发展规划)?"""
        words = [w for w in self.words(term) if re.search(r"[\u4e00-\u9fff]", w)]
        return len(words) >= 2 and all(w in self.document_words for w in words)

    # --- word boundaries ----------------------------------------------------
    def on_word_boundaries(self, text: str, start: int, end: int) -> bool:
        bounds, pos = {0}, 0
        for word in self.words(text):
            pos += len(word)
            bounds.add(pos)
        return start in bounds and end in bounds

    def word_class(self, text: str) -> str:
        """The part of speech of a term's head (last) word, nouns of every kind as "n" (科技人员 → "n")."""
        tags = self.tokenizer.tagged(text)
        tag = tags[-1][1] if tags else "x"
        return "n" if tag[:1] == "n" or tag in ("vn", "an") else tag[:1]

    def whole_term(self, term: str, quote: str) -> bool:
        """A name the plan puts in quotes or 《》, or a noun phrase that reads as a whole in the quote:
        whole jieba words at both ends, no verb inside, no noun glued on either side, not cut from a
        quoted name, and nothing of its own phrase left before it (see ``_phrase_prefix``). Fragments
        this turns away, all once generated: “能力现代化” (治理能力现代化), “科学家命名科普” (以知名科学家命名
        的科普工作室), “媒体科普” (新媒体科普), “基地年度评估” (双创示范基地年度评估)."""
        if f'"{term}"' in self.plan_canon or f"《{term}》" in self.plan_canon:
            return True
        start = quote.find(term)
        if start == -1:
            return False
        if any(a < start and start + len(term) <= b and quote[a:b] != term
               for a, b in ((m.start() + 1, m.end() - 1) for m in re.finditer(r'"[^"]+"', quote))):
            return False  # a piece of a quoted name ("我为科技工作者办实事")
        words, pos, inside, before, after = [], 0, [], None, None
        for word, tag in self.tokenizer.tagged(quote):
            words.append((pos, word, tag))
            pos += len(word)
        bounds = {p for p, _, _ in words} | {pos}
        if start not in bounds or start + len(term) not in bounds:
            return False
        for p, word, tag in words:
            if p + len(word) <= start:
                before = (word, tag)
            elif p >= start + len(term):
                after = after or (word, tag)
            else:
                inside.append(tag)
        if len(inside) > 1 and any(t == "v" for t in inside):
            return False
        nounish = {"n", "vn", "nz", "nt", "nr", "ns", "an", "j"}
        if (before and before[1] in nounish) or (after and after[1] in nounish and inside[-1] != "v"):
            return False
        return not _modified(words[:[p for p, _, _ in words].index(start)])

    # --- the one span two texts differ in -------------------------------------
    def diff(self, statement: str, quote: str) -> tuple[str, str, str, str] | None:
        """(made-up words, real words, the quote's true version, the made-up words with two characters
        either side) when ``statement`` is a stretch of ``quote`` with one inner span replaced and at
        least half of it kept; None otherwise."""
        i, k = 0, 0
        for pos in range(len(quote)):
            m = 0
            while m < len(statement) and pos + m < len(quote) and quote[pos + m] == statement[m]:
                m += 1
            if m > k:
                i, k = pos, m
        rest = statement[k:]
        if not k or not rest:
            return None
        for s in range(len(rest) - 1, 0, -1):  # the longest suffix of the statement found after the prefix
            j = quote.find(rest[-s:], i + k)
            if j != -1:
                break
        else:
            return None
        made_a, made_b = self.widen(statement, k, len(statement) - s)
        real_a, real_b = self.widen(quote, i + k, j)
        made_up, real = statement[made_a:made_b], quote[real_a:real_b]
        if j == i + k or len(statement) - len(made_up) < 0.5 * len(statement) or len(real) > 15 or len(made_up) > 15:
            return None
        return made_up, real, quote[i:j + s], statement[max(0, made_a - 2):made_b + 2]

    def widen(self, text: str, start: int, end: int) -> tuple[int, int]:
        """The smallest run of whole jieba words of ``text`` that covers [start, end)."""
        a, pos = start, 0
        for word in self.words(text):
            if pos <= start < pos + len(word):
                a = pos
            if pos < end <= pos + len(word):
                return a, pos + len(word)
            pos += len(word)
        return a, end


def _modified(words: list[tuple[int, str, str]]) -> bool:
    """Do the words before a term modify it, so that the term is cut from a longer noun phrase?
    An adjective, time, place or distinguishing word just before it (新|媒体科普, 青年|科学家峰会,
    前沿|科技体验基地, 重大|风险方面); or, in a list, a verb just before it that is no predicate: the
    earlier items are nouns only (院士、知名|科学家…), or start with that same word (治理体系和治理|能力现代化).
    A verb before it in a list of verb phrases is fine (凝练…议题、组织开展|决策咨询活动)."""
    if not words:
        return False
    _, word, tag = words[-1]
    if tag in ("a", "b", "t", "s", "z"):
        return True
    if not tag.startswith("v") or len(words) < 2 or words[-2][1] not in ("、", "和", "与", "及", "或", "以及"):
        return False
    earlier = []
    for _, w, t in reversed(words[:-2]):
        if t[:1] in ("x", "u", "p", "c") or w == "等":
            break
        earlier.insert(0, (w, t))
    return bool(earlier) and (earlier[0][0] == word or not any(t.startswith("v") and t != "vn" for _, t in earlier))
