"""An added plan's outline as the ``Plan`` the answering pipeline reads (nodes with offsets, sentences).

Parts keep their numeral (第三章 is part 三), sections their code ("三(二)"), 专栏 boxes become nodes of
their own (kind "box", section "专栏2"). Tasks keep the plan's numbers when they run 1, 2, 3 … through
the plan; otherwise (numbered afresh in each section, or 一是/二是 run-in items) they are numbered 1…N in
order, and their label keeps the mark as written ("任务12 三(四)(1) 建立决策咨询专家库").

>>> from assistant.plans.importer import parse_text
>>> plan = to_plan(parse_text("序。\\n一、总则\\n（一）目标\\n说明。\\n（1）做好工作。推进。\\n（1）加强保障。\\n").outline)
>>> [(t.task, t.label, t.section) for t in plan.tasks]
[(1, '任务1 一(一)(1) 做好工作', '一'), (2, '任务2 一(一)(1) 加强保障', '一')]
>>> plan.node("part-1.1").text
'（一）目标\\n说明。'
"""
from __future__ import annotations

from ..cleaning import COLOPHON
from ..config import Config
from ..plan import Node, Part, Plan, Sentence
from ..text import int_to_cn, split_sentences
from .structure import Outline


def load_plan(config: Config) -> Plan:
    """The bundled corpus, or the added plan ``config.plan_id`` (PlanRegistryError when there is none);
    light: the quiz needs it without the answering stack."""
    if config.plan_id is None:
        return Plan.load(config.corpus_path)
    from .registry import PlanStore
    from .structure import find_outline

    stored = PlanStore(config.home).get(config.plan_id)
    return to_plan(find_outline(stored.text))


def to_plan(outline: Outline) -> Plan:
    text = outline.text
    tasks = outline.tasks
    numbers = [t.number for t in tasks]
    keep_numbers = numbers == list(range(1, len(tasks) + 1))
    task_at = {t.line: [] for t in tasks}
    for t in tasks:
        task_at[t.line].append(t)
    parts_by_line = {p.line: p for p in outline.parts}
    sections_by_line = {s.line: s for p in outline.parts for s in p.sections}
    boxes_by_line = {b.line: b for b in outline.boxes}

    blocks: list[dict] = [_block("preamble", "preamble", "序言", "序言", "序言", None)]
    part_numeral = None
    for line in outline.lines:
        kind = outline.kind_of(line.index)
        if kind == "part":
            p = parts_by_line[line.index]
            part_numeral = int_to_cn(p.number)
            blocks.append(_block("part", f"part-{p.number}", part_numeral, p.title,
                                 f"{_part_name(p)} {p.title}", part_numeral))
        elif part_numeral and COLOPHON.match(line.text):
            blocks.append(_block("colophon", "colophon", "印发", "印发信息", "印发信息", None))
            part_numeral = None
        elif kind == "section":
            s = sections_by_line[line.index]
            sub = int_to_cn(s.number)
            blocks.append(_block("subsection", f"part-{s.part}.{s.number}", f"{part_numeral}({sub})", s.title,
                                 f"{_section_label(outline, s.part, s.number, long=True)} {s.title}", part_numeral))
        elif kind == "box":
            b = boxes_by_line[line.index]
            blocks.append(_block("box", f"box-{len([x for x in blocks if x['kind'] == 'box']) + 1}",
                                 b.mark, b.title, f"{b.mark} {b.title}", part_numeral))
        elif kind == "task":
            [t] = task_at[line.index]
            blocks.append(_task_block(outline, t, keep_numbers, part_numeral))
        elif kind == "tasks":  # run-in items: the lead-in stays where it is, each item is a task
            items = task_at[line.index]
            blocks[-1]["spans"].append((line.start, items[0].start))
            for t in items:
                blocks.append(_task_block(outline, t, keep_numbers, part_numeral))
                blocks[-1]["spans"].append((t.start, t.end))
            continue
        blocks[-1]["spans"].append((line.start, line.end))

    nodes, parts = [], {}
    for b in blocks:
        if b["kind"] == "part":
            parts[b["section"]] = Part(b["section"], b["title"], b["label"], None, [], [])
        spans = [(s, e) for s, e in b["spans"] if text[s:e].strip()]
        if not spans:
            continue
        node = Node(b["id"], b["kind"], b["section"], b["title"], b["label"], spans[0][0], spans[-1][1],
                    text[spans[0][0]:spans[-1][1]], task=b.get("task"), part=b["part"])
        node.sentences = [Sentence(f"{node.id}/s{i}", node.id, s, e, sent) for i, (s, e, sent) in enumerate(
            x for start, end in spans for x in split_sentences(text[start:end], offset=start))]
        nodes.append(node)
        if node.part in parts:
            parts[node.part].attach(node)
    return Plan(text, nodes, list(parts.values()))


def _block(kind, node_id, section, title, label, part, task=None) -> dict:
    return {"kind": kind, "id": node_id, "section": section, "title": title, "label": label, "part": part,
            "task": task, "spans": []}


def _task_block(outline: Outline, t, keep_numbers: bool, part_numeral: str) -> dict:
    n = t.number if keep_numbers else t.ordinal
    title = t.title or outline.lines[t.line].text[:16]
    where = "" if keep_numbers else _section_label(outline, t.part, t.section) + _plain_mark(t.mark) + " "
    return _block("task", f"task-{n}", part_numeral, title, f"任务{n} {where}{title}", part_numeral, task=n)


def _plain_mark(mark: str) -> str:
    """'（1）' → '(1)', '二是' → '·二是'."""
    if mark.endswith("是"):
        return f"·{mark}"
    return mark.replace("（", "(").replace("）", ")")


def _part_name(p) -> str:
    return f"第{p.numeral}章" if p.mark.startswith("第") else f"第{int_to_cn(p.number)}部分"


def _section_label(outline: Outline, part: int, section: int | None, long: bool = False) -> str:
    """Where a node sits: '三(二)' ('第三部分(二)' when ``long``), '第三章第二节', or just the part."""
    p = next(p for p in outline.parts if p.number == part)
    s = next((s for s in p.sections if s.number == section), None) if section else None
    if p.mark.startswith("第"):
        return f"第{p.numeral}章" + (s.mark if s else "")
    head = f"第{int_to_cn(part)}部分" if long else int_to_cn(part)
    return head + (f"({int_to_cn(section)})" if s else "")
