"""Find a cleaned plan's outline: parts, sections, tasks and 专栏 boxes, with numbering warnings.

Which marks make a part, a section or a task is decided per document, from
the marks it uses: parts are ``第一章`` (or ``第一部分``) when the plan has
chapters, else ``一、``; sections are ``第一节``, else ``（一）`` (or ``一、``
under chapters); tasks are ``1.`` items with a title (a short first sentence),
else ``（1）`` items, else paragraphs starting ``一是``. Numbered items inside a
``专栏`` box belong to the box, and a run of numbered items none of which has a
title is a list in the text, not tasks.

>>> outline = find_outline("序。\\n一、总则\\n（一）目标。说明。\\n1.做好工作。推进建设。\\n3.加强保障。\\n")
>>> [(t.number, t.title, t.part, t.section) for t in outline.tasks]
[(1, '做好工作', 1, 1), (3, '加强保障', 1, 1)]
>>> outline.warnings
['task numbering: 3 follows 1 (2 missing)']
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..errors import StructureError
from ..text import cn_to_int
from .markers import CN, Marker, marker, split_title

HEADING_MAX_CHARS = 40


@dataclass
class Line:
    index: int
    start: int
    end: int
    text: str


@dataclass
class Task:
    ordinal: int  # 1, 2, 3 … in document order
    number: int  # as numbered in the plan
    mark: str  # as written: "19.", "（2）", "二是"
    title: str
    part: int
    section: int | None
    line: int
    start: int = 0  # character offsets of a run-in item ("一是……；") inside its paragraph
    end: int = 0


@dataclass
class Section:
    part: int
    number: int
    mark: str
    title: str
    line: int
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Part:
    number: int
    mark: str  # "三、" or "第三章"
    numeral: str
    title: str
    line: int
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Box:
    number: int
    mark: str
    title: str
    part: int | None
    section: int | None
    line: int
    end_line: int
    items: int = 0  # paragraphs in the box after its title


@dataclass
class Outline:
    text: str
    lines: list[Line]
    families: dict[str, str]
    parts: list[Part]
    boxes: list[Box]
    warnings: list[str]
    kinds: dict[int, str] = field(default_factory=dict)  # line index → what it opens

    @property
    def sections(self) -> list[Section]:
        return [s for p in self.parts for s in p.sections]

    @property
    def tasks(self) -> list[Task]:
        return [t for p in self.parts for t in p.tasks]

    def kind_of(self, index: int) -> str:
        """What line ``index`` opens: "part", "section", "task", "box", or "" (body text)."""
        return self.kinds.get(index, "")


def split_lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append(Line(len(lines), pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def _is_heading(line: str) -> bool:
    return "。" not in line and len(line) <= HEADING_MAX_CHARS


def _choose_families(marks: list[tuple[Line, Marker | None]]) -> dict[str, str]:
    heads = Counter(m.family for l, m in marks if m and _is_heading(l.text))
    if heads["chapter"] >= 2:
        part = "chapter"
        section = "jie" if heads["jie"] else "cn" if heads["cn"] else "paren_cn"
    elif heads["cn"]:
        part, section = "cn", "paren_cn"
    else:
        raise StructureError(
            "no numbered structure: found no part headings such as '一、总体要求' or '第一章 …' on lines of their own",
            "未识别到规划的编号结构：没有找到“一、……”或“第一章……”式的部分标题。")
    titled = Counter(m.family for l, m in marks if m and split_title(m.rest)[0])
    candidates = [f for f in ("arabic", "paren_num", "shi") if titled[f]]
    return {"part": part, "section": section, "task": candidates[0] if candidates else ""}


def find_outline(text: str) -> Outline:
    """The outline of cleaned plan text (one paragraph a line); StructureError without part headings."""
    lines = split_lines(text)
    marks = [(l, marker(l.text)) for l in lines]
    families = _choose_families(marks)
    parts: list[Part] = []
    boxes: list[Box] = []
    kinds: dict[int, str] = {}
    candidates: list[tuple[Line, Marker, Part, Section | None]] = []  # possible tasks, decided once their containers are known
    box: Box | None = None
    box_next = 1
    section: Section | None = None
    containers: dict[int, tuple[Part, Section | None]] = {}
    for line, m in marks:
        if parts:
            containers[line.index] = (parts[-1], section if section and section.part == parts[-1].number else None)
        if m is None:
            continue
        if m.family == families["part"] and _is_heading(line.text):
            box = None
            section = None
            parts.append(Part(m.number, _part_mark(m), m.numeral, m.rest, line.index))
            kinds[line.index] = "part"
        elif not parts:
            continue
        elif m.family == families["section"] and split_title(m.rest)[0]:
            box = None
            section = Section(parts[-1].number, m.number, _section_mark(m), split_title(m.rest)[0], line.index)
            parts[-1].sections.append(section)
            kinds[line.index] = "section"
            containers[line.index] = (parts[-1], section)
        elif m.family == "box":
            box = Box(m.number, f"专栏{m.numeral}", m.rest, parts[-1].number,
                      section.number if section and section.part == parts[-1].number else None,
                      line.index, line.index)
            boxes.append(box)
            box_next = 1
            kinds[line.index] = "box"
        elif m.family == families["task"]:
            if box is not None and m.number == box_next:
                box_next += 1
                continue
            box = None
            candidates.append((line, m, parts[-1], section))
    _add_tasks(candidates, kinds)
    for b in boxes:
        b.end_line = _box_end(b, kinds, len(lines))
        b.items = b.end_line - b.line
    if not families["task"]:
        if _add_runin_tasks(lines, containers, kinds):
            families["task"] = "shi"
    outline = Outline(text, lines, families, parts, boxes, [], kinds)
    outline.warnings = _warnings(outline)
    return outline


def _add_tasks(candidates, kinds) -> None:
    """Numbered items become tasks where their part or section has at least one with a title."""
    titled_containers = {(id(part), id(section)) for line, m, part, section in candidates if split_title(m.rest)[0]}
    ordinal = 0
    for line, m, part, section in candidates:
        if (id(part), id(section)) not in titled_containers:
            continue  # a plain numbered list (targets, steps) inside the text
        ordinal += 1
        task = Task(ordinal, m.number, _task_mark(m), split_title(m.rest)[0], part.number,
                    section.number if section else None, line.index)
        part.tasks.append(task)
        if section is not None:
            section.tasks.append(task)
        kinds[line.index] = "task"


_RUNIN = re.compile(rf"(?:^|(?<=[。；;：:]))([{CN}]{{1,3}})是")
_RUNIN_TITLE_END = re.compile(r"[，,；;。：:]")


def _add_runin_tasks(lines: list[Line], containers, kinds) -> int:
    """Tasks written inside paragraphs, "引导语。一是……，……；二是……；三是……。" (a plan without numbered task
    paragraphs). Each runs from its mark to the ；/。 before the next; the title is its first clause."""
    ordinal = 0
    for line in lines:
        if line.index not in containers or kinds.get(line.index) in ("part", "section", "box"):
            continue
        items = []
        for m in _RUNIN.finditer(line.text):
            if cn_to_int(m.group(1)) == len(items) + 1:
                items.append(m)
        if len(items) < 2:
            continue
        part, section = containers[line.index]
        for i, m in enumerate(items):
            stop = items[i + 1].start() if i + 1 < len(items) else _item_end(line.text, m.end())
            text = line.text[m.start():stop].rstrip("；;。")
            body = text[m.end() - m.start():]
            title_end = _RUNIN_TITLE_END.search(body)
            ordinal += 1
            task = Task(ordinal, i + 1, f"{m.group(1)}是", body[:title_end.start()] if title_end else body,
                        part.number, section.number if section else None, line.index,
                        line.start + m.start(), line.start + m.start() + len(text))
            part.tasks.append(task)
            if section is not None:
                section.tasks.append(task)
        kinds.setdefault(line.index, "tasks")
    return ordinal


def _item_end(text: str, start: int) -> int:
    """The end of the last run-in item: its sentence's 。 (or the paragraph's end)."""
    stop = text.find("。", start)
    return stop + 1 if stop >= 0 else len(text)


def _box_end(box: Box, kinds: dict[int, str], n_lines: int) -> int:
    """The last line of a box: the line before the next heading, task or box."""
    later = [i for i, k in kinds.items() if i > box.line]
    return (min(later) if later else n_lines) - 1


def _part_mark(m: Marker) -> str:
    return f"第{m.numeral}章" if m.family == "chapter" else f"{m.numeral}、"


def _section_mark(m: Marker) -> str:
    return {"jie": f"第{m.numeral}节", "cn": f"{m.numeral}、"}.get(m.family, f"（{m.numeral}）")


def _task_mark(m: Marker) -> str:
    return {"arabic": f"{m.numeral}.", "shi": f"{m.numeral}是"}.get(m.family, f"（{m.numeral}）")


def _sequence_warnings(what: str, numbers: list[int], labels: list[str], where: str = "") -> list[str]:
    """'task numbering: 3 follows 1 (2 missing)', duplicates and out-of-order numbers, for a 1, 2, 3 … run."""
    out = []
    suffix = f" in {where}" if where else ""
    prev, prev_label = 0, None
    for n, label in zip(numbers, labels):
        if n == prev:
            out.append(f"{what} numbering: {label} appears twice{suffix}")
        elif n < prev:
            out.append(f"{what} numbering: {label} comes after {prev_label}{suffix} (out of order)")
        elif n > prev + 1:
            missing = ", ".join(str(k) for k in range(prev + 1, n)) if prev_label else None
            if prev_label is None:
                out.append(f"{what} numbering: starts at {label}{suffix}, not 1")
            else:
                out.append(f"{what} numbering: {label} follows {prev_label}{suffix} ({missing} missing)")
        if n > prev:
            prev, prev_label = n, label
        elif n == prev:
            prev_label = label
    return out


def _where(part: Part) -> str:
    """'三' for part 三、, '第三章' for a chapter."""
    return part.mark.rstrip("、")


def _warnings(outline: Outline) -> list[str]:
    w = []
    parts = outline.parts
    w += _sequence_warnings("part", [p.number for p in parts], [p.mark.rstrip("、") for p in parts])
    for p in parts:
        w += _sequence_warnings("section", [s.number for s in p.sections], [s.mark for s in p.sections], _where(p))
    tasks = outline.tasks
    restarts = any(t.number == 1 for t in tasks[1:])
    if restarts:  # numbered afresh in each section (or part): check each run
        groups: dict[tuple, list[Task]] = {}
        for t in tasks:
            groups.setdefault((t.part, t.section), []).append(t)
        for (part, section), run in groups.items():
            p = next(p for p in parts if p.number == part)
            s = next((s for s in p.sections if s.number == section), None)
            where = _where(p) + (s.mark if s else "")
            w += _sequence_warnings("task", [t.number for t in run], [t.mark for t in run], where)
    else:
        w += _sequence_warnings("task", [t.number for t in tasks], [str(t.number) for t in tasks])
    for t in tasks:
        if not t.title:
            w.append(f"task {t.mark} has no title (no short first sentence ending in 。)")
    w += _sequence_warnings("专栏", [b.number for b in outline.boxes], [b.mark for b in outline.boxes])
    if not tasks:
        w.append("no numbered tasks found (items such as '1.标题。' or '（1）标题。')")
    return w
