"""Find references to tasks, parts and sub-sections in a question.

>>> find_refs("第十九项任务要求什么?").tasks
[19]
>>> find_refs("任务19和第20项有什么不同").tasks
[19, 20]
>>> find_refs("任务19-21").tasks, find_refs("第19、20项").tasks
([19, 20, 21], [19, 20])
>>> find_refs("第六部分包括哪些任务").parts
['六']
>>> find_refs("第二部分第三节").sections, find_refs("第五部分的第2项任务").nth
(['二(三)'], [('五', 2)])
>>> find_refs("What does task 7 say?").tasks, find_refs("task 19的内容").tasks
([7], [19])
>>> find_refs("任务一共有多少项").tasks, find_refs("基本原则的第一条是什么").tasks
([], [])
>>> find_refs("最后一项任务是什么").tasks == [LAST], find_refs("规划最后一部分有哪些任务").parts == [str(LAST)]
(True, True)
>>> find_refs("第二块包括哪些任务").parts
['二']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import CN_NUMERAL, cn_to_int, int_to_cn, normalize

NUM = rf"(?:\d{{1,3}}|{CN_NUMERAL})"
SEP = r"\s*(?:[、,，和与及跟]|至|到|[-—~])\s*"
# a Chinese numeral right after 任务 counts only when the number ends there
CN_END = r"(?=$|[?？!！。,，、:：;；\s的是讲要内和与及说有呢吗主具])"
TASK_LIST = [
    rf"(?:第|任务)\s*{NUM}(?:{SEP}(?:第|任务)?\s*{NUM})+\s*(?:项|条|号)?(?:重点)?(?:任务)?",
    rf"(?<![\d一二三四五六七八九十]){NUM}(?:\s*[、,，]\s*{NUM})+\s*项(?:重点)?任务",
]
TASK_ONE = [
    rf"第\s*({NUM})\s*(?:项|条|号)(?:重点)?(?:任务)?",
    rf"第\s*({NUM})\s*个?\s*(?:重点)?任务",
    r"(?:重点)?任务\s*(?:第\s*)?(\d{1,3})(?!\d)(?![部章年%])",
    rf"(?:重点)?任务\s*(?:第\s*)?({CN_NUMERAL}){CN_END}",
    r"(?<![第\d.])(\d{1,3})\s*(?:条|号任务)",
    rf"^(?:请问)?(?:规划)?(?:的)?({NUM})\s*项(?:重点)?任务(?=的|是|讲|说|主要|内容|要求|具体|\?|$)",
    r"(?<![A-Za-z])(?:task|item)\s*(?:no\.?|number|#)?\s*(\d{1,3})(?!\d)",
]
PART_NTH = rf"第\s*({NUM})\s*(?:部分|章)\s*(?:的|中|里)?\s*第\s*({NUM})\s*(?:项|条|个)(?:重点)?(?:任务)?"
SUBSECTION = rf"第\s*({NUM})\s*(?:部分|章)\s*(?:的)?\s*(?:[(（]([一二三四五六七八九十])[)）]|第\s*({NUM})\s*节)"
PART_ONE = [
    rf"第\s*({NUM})\s*(?:部分|章|篇|大部分|大?块|板块)",
    r"^\s*([一二三四五六七八九十]{1,3})、",
    r"(?<![A-Za-z])part\s*(\d{1,2})(?!\d)",
]
# "最后一项任务", "最后一部分": the last task or part, whatever the plan's count (``LAST``, resolved by the caller)
LAST_TASK = r"最后一(?:项|条|个)(?:重点)?任务"
LAST_PART = r"最后一(?:个)?(?:部分|章|篇|大?块|板块)"
LAST = -1
# 第N条 after these words is an item of a section (基本原则的第一条), not a task
NOT_A_TASK_BEFORE = re.compile(r"(原则|目标|思想|理念|方面|要求|措施|句话?)的?\s*$")


@dataclass
class Refs:
    tasks: list[int] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # sub-section codes such as "二(三)"
    nth: list[tuple[str, int]] = field(default_factory=list)  # (part, n): the n-th task of a part

    def __bool__(self) -> bool:
        return bool(self.tasks or self.parts or self.sections or self.nth)


def _numbers(span: str) -> list[int]:
    """All numbers in a list or range such as '19、20' or '19-21'."""
    tokens = re.findall(rf"{NUM}|至|到|[-—~]", span)
    out: list[int] = []
    pending_range = False
    for tok in tokens:
        if tok in ("至", "到", "-", "—", "~"):
            pending_range = bool(out)
            continue
        n = cn_to_int(tok)
        if n is None:
            continue
        if pending_range and out and out[-1] < n <= out[-1] + 40:
            out.extend(range(out[-1] + 1, n + 1))
        else:
            out.append(n)
        pending_range = False
    return out


def find_refs(question: str) -> Refs:
    """Task numbers, part numerals and sub-sections referred to, in order of appearance.

    Numbers may be out of range; the caller decides what to do with them.
    """
    q = normalize(question)
    found: list[tuple[int, str, object]] = []
    taken: list[tuple[int, int]] = []

    def claim(m: re.Match) -> bool:
        if any(a < m.end() and m.start() < b for a, b in taken):
            return False
        taken.append((m.start(), m.end()))
        return True

    for m in re.finditer(SUBSECTION, q):
        if claim(m):
            part, sub = cn_to_int(m.group(1)), m.group(2) or int_to_cn(cn_to_int(m.group(3)) or 0)
            found.append((m.start(), "section", f"{int_to_cn(part)}({sub})"))
    for m in re.finditer(PART_NTH, q):
        if claim(m):
            found.append((m.start(), "nth", (int_to_cn(cn_to_int(m.group(1))), cn_to_int(m.group(2)))))
    for pat in PART_ONE:
        for m in re.finditer(pat, q, flags=re.IGNORECASE):
            n = cn_to_int(m.group(1))
            if n is not None and claim(m):
                found.append((m.start(), "part", int_to_cn(n) if n < 100 else str(n)))
    for pat, kind, value in ((LAST_TASK, "task", LAST), (LAST_PART, "part", str(LAST))):
        for m in re.finditer(pat, q):
            if claim(m):
                found.append((m.start(), kind, value))
    for pat in TASK_LIST:
        for m in re.finditer(pat, q):
            if claim(m):
                for n in _numbers(m.group(0)):
                    found.append((m.start(), "task", n))
    for pat in TASK_ONE:
        for m in re.finditer(pat, q, flags=re.IGNORECASE):
            n = cn_to_int(m.group(1))
            if n is None or NOT_A_TASK_BEFORE.search(q[:m.start()]):
                continue
            if claim(m):
                found.append((m.start(), "task", n))
    refs = Refs()
    for _, kind, value in sorted(found, key=lambda f: f[0]):
        target = {"task": refs.tasks, "part": refs.parts, "section": refs.sections, "nth": refs.nth}[kind]
        if value not in target:
            target.append(value)
    return refs
