"""The pool of stand-ins (``terms``): every term and list item of the plan with the tasks that use it, from which
a false statement's swapped-in term and a choice's distractors of the same kind are drawn (``same_type``:
活动周 / 宣传周, 科普中国 / 智汇中国; a figure for a figure, a name for a name).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..plan import Node


@dataclass
class PoolEntry:
    """A term of the plan that can stand in for another: its kind, last jieba word, where it occurs."""

    kind: str
    last: str
    nodes: list[Node]
    listed: bool = False  # an item of an enumeration


class StandInPool:
    """Terms that can stand in for one another: ``entries`` (text → ``PoolEntry``) and ``stand_ins``."""

    def __init__(self, pos):
        self.pos = pos  # jieba's tags, each text tagged once (``SentenceReader.pos``)
        self.entries: dict[str, PoolEntry] = {}
        self._stand_ins: dict[tuple[str, str], list] = {}

    def add(self, text: str, kind: str, node: Node) -> PoolEntry:
        if text not in self.entries:
            self.entries[text] = PoolEntry(kind, self.last_word(text), [])
        entry = self.entries[text]
        if node not in entry.nodes:
            entry.nodes.append(node)
        return entry

    def last_word(self, text: str) -> str:
        words = self.pos.tagged(text)
        return words[-1][0] if words else text

    def stand_ins(self, text: str, kind: str) -> list[tuple[str, PoolEntry, float]]:
        """Pool terms that could replace ``text`` (same kind and type, length within 2), with a score:
        +2 same last two characters, +1 same kind, −0.6 a character of length difference."""
        key = (text, kind)
        if key not in self._stand_ins:
            out = []
            for other, entry in self.entries.items():
                if other == text or other in text or text in other or abs(len(other) - len(text)) > 2:
                    continue
                if (entry.kind == "number") != (kind == "number"):
                    continue
                if kind == "number":
                    if other.endswith("%") != text.endswith("%"):
                        continue
                elif (kind == "name") != (entry.kind == "name") or not self.same_type(text, other, entry.last):
                    continue  # a name for a name (科普中国 → 智汇中国), a noun for a noun
                score = (2.0 if other[-2:] == text[-2:] else 0.0) + (1.0 if entry.kind == kind else 0.0) \
                    - 0.6 * abs(len(other) - len(text))
                out.append((other, entry, score))
            self._stand_ins[key] = out
        return self._stand_ins[key]

    def same_type(self, a: str, b: str, last_b: str | None = None) -> bool:
        """Could ``b`` stand in for ``a``? Same last two characters (…中心, …计划), the same last word
        (经济社会 / 全社会), or last words of three or more characters with the same ending (活动周 / 宣传周)."""
        if a[-2:] == b[-2:]:
            return True
        la, lb = self.last_word(a), last_b or self.last_word(b)
        return la == lb or (len(la) == len(lb) >= 3 and la[-1] == lb[-1])
