"""Find references to tasks and parts in a question.

>>> find_refs("第十九项任务要求什么?").tasks
[19]
>>> find_refs("任务19和第20项有什么不同").tasks
[19, 20]
>>> find_refs("第六部分包括哪些任务").parts
['六']
>>> find_refs("What does task 7 say?").tasks
[7]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import CN_NUMERAL, cn_to_int, int_to_cn, normalize

NUM = rf"(\d{{1,3}}|{CN_NUMERAL})"
TASK_PATTERNS = [
    rf"第\s*{NUM}\s*(?:项|条|号)(?:重点)?(?:任务)?",
    rf"第\s*{NUM}\s*个?\s*(?:重点)?任务",
    rf"(?:重点)?任务\s*(?:第\s*)?{NUM}(?![部章年%])",
    rf"(?<![第\d.])(\d{{1,3}})\s*(?:条|号任务)",
    rf"^(?:请问)?(?:规划)?(?:的)?{NUM}\s*项(?:重点)?任务(?=的|是|讲|说|主要|内容|要求|具体|\?|$)",
    r"\btask\s*(?:no\.?|number|#)?\s*(\d{1,3})\b",
    r"\bitem\s*(\d{1,3})\b",
]
PART_PATTERNS = [
    rf"第\s*{NUM}\s*(?:部分|章|篇|大部分)",
    rf"^\s*([一二三四五六七八九十]{{1,3}})、",
    r"\bpart\s*(\d{1,2})\b",
]
SUBSECTION_PATTERN = re.compile(r"[(（]([一二三])[)）]\s*(指导思想|基本原则|发展目标)")


@dataclass
class Refs:
    tasks: list[int] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.tasks or self.parts)


def find_refs(question: str) -> Refs:
    """Task numbers and part numerals referred to, in order of appearance.

    Numbers may be out of range; the caller decides what to do with them.
    """
    q = normalize(question)
    found: list[tuple[int, str, int]] = []  # (position, kind, number)
    taken: list[tuple[int, int]] = []
    for kind, patterns in (("part", PART_PATTERNS), ("task", TASK_PATTERNS)):
        for pat in patterns:
            for m in re.finditer(pat, q, flags=re.IGNORECASE):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                n = cn_to_int(m.group(1))
                if n is None:
                    continue
                taken.append((m.start(), m.end()))
                found.append((m.start(), kind, n))
    refs = Refs()
    for _, kind, n in sorted(found):
        if kind == "task" and n not in refs.tasks:
            refs.tasks.append(n)
        elif kind == "part":
            numeral = int_to_cn(n) if n < 100 else str(n)
            if numeral not in refs.parts:
                refs.parts.append(numeral)
    return refs
