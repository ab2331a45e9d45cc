"""The structured plan: preamble, parts, part 二's sub-sections, tasks, sentences.

Parsing works on the cleaned corpus (one paragraph a line) of any plan in the
same numbered style: parts ``一、标题``, sub-sections ``(一)标题``, tasks
``N.标题。正文``. Every node keeps character offsets into the corpus text, so
a sentence can be quoted and found again.

>>> plan = Plan.parse("序。\\n一、总则\\n说明。\\n1.做好工作。推进建设。\\n")
>>> plan.task(1).label, plan.task(1).sentences[1].text
('任务1 做好工作', '推进建设。')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NotFound, StructureError
from .text import cn_to_int, int_to_cn, split_sentences

PART_RE = re.compile(r"^([一二三四五六七八九十]{1,3})、(.+)$")
SUBSECTION_RE = re.compile(r"^[(（]([一二三四五六七八九十]{1,2})[)）]([^。]{1,20}?)(?:。|$)")
TASK_RE = re.compile(r"^(\d{1,3})[.．、]\s*([^。]{1,60}?)。")
COLOPHON_RE = re.compile(r"^抄送")


@dataclass(frozen=True)
class Sentence:
    id: str
    node_id: str
    start: int
    end: int
    text: str


@dataclass
class Node:
    """A preamble, part introduction, sub-section or task.

    ``section`` is the code citations use: "六" for part 六 (and for its
    tasks), "二(三)" for a sub-section, "序言" for the preamble.
    """

    id: str
    kind: str  # "preamble" | "part" | "subsection" | "task" | "colophon"
    section: str
    title: str
    label: str
    start: int
    end: int
    text: str
    task: int | None = None
    part: str | None = None
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def marker(self) -> str:
        """The inline citation marker: [任务19], [第六部分], [第二部分(三)], [序言]."""
        if self.task is not None:
            return f"[任务{self.task}]"
        if self.kind == "part":
            return f"[第{self.section}部分]"
        if self.kind == "subsection":
            return f"[第{self.part}部分{self.section[len(self.part):]}]"
        return f"[{self.section}]"


@dataclass
class Part:
    numeral: str
    title: str
    label: str
    intro: Node | None
    subsections: list[Node]
    tasks: list[Node]

    @property
    def number(self) -> int:
        return cn_to_int(self.numeral) or 0

    def attach(self, node: Node) -> None:
        """File a node of this part as its introduction, a sub-section or a task."""
        if node.kind == "part":
            self.intro = node
        elif node.kind == "subsection":
            self.subsections.append(node)
        elif node.kind == "task":
            self.tasks.append(node)


class Plan:
    """The parsed plan. Build with ``Plan.parse(text)`` or ``Plan.load(path)``."""

    def __init__(self, text: str, nodes: list[Node], parts: list[Part]):
        self.text = text
        self.nodes = nodes
        self.parts = parts
        self._by_id = {n.id: n for n in nodes}
        self._tasks = {n.task: n for n in nodes if n.task is not None}
        self.sentences = [s for n in nodes for s in n.sentences]

    # --- look-ups -------------------------------------------------------
    @property
    def tasks(self) -> list[Node]:
        return [self._tasks[k] for k in sorted(self._tasks)]

    @property
    def task_count(self) -> int:
        return len(self._tasks)

    def node(self, node_id: str) -> Node:
        return self._by_id[node_id]

    def task(self, number: int) -> Node:
        try:
            return self._tasks[number]
        except KeyError:
            raise NotFound(
                f"task {number} does not exist: the plan has tasks 1-{self.task_count}",
                f"规划共有{self.task_count}项重点任务，没有第{number}项。",
            ) from None

    def part(self, numeral: str | int) -> Part:
        if isinstance(numeral, int):
            numeral = int_to_cn(numeral)
        for p in self.parts:
            if p.numeral == numeral:
                return p
        raise NotFound(
            f"part {numeral} does not exist: the plan has {len(self.parts)} parts",
            f"规划共有{int_to_cn(len(self.parts))}个部分，没有第{numeral}部分。",
        )

    def section_node(self, section: str) -> Node:
        """The node a citation's section code (without a task) points to."""
        for n in self.nodes:
            if n.task is None and n.section == section:
                return n
        raise NotFound(f"no section {section!r}", f"规划中没有“{section}”这一部分。")

    def part_of(self, node: Node) -> Part | None:
        return next((p for p in self.parts if p.numeral == node.part), None)

    # --- parsing --------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> "Plan":
        return cls.parse(Path(path).read_text("utf-8"))

    @classmethod
    def parse(cls, text: str) -> "Plan":
        """Parse cleaned plan text (one paragraph a line).

        Raises StructureError when there are no parts, no tasks, or task
        numbers that do not run 1, 2, 3, … without gaps.
        """
        lines = []
        pos = 0
        for raw in text.split("\n"):
            if raw.strip():
                lines.append((pos, pos + len(raw), raw))
            pos += len(raw) + 1

        blocks: list[dict] = []  # one per node, filled with line spans

        def open_block(kind, **kw):
            blocks.append({"kind": kind, "lines": [], **kw})

        open_block("preamble", section="序言", title="序言", part=None, task=None)
        current_part = None
        for start, end, line in lines:
            m_part = PART_RE.match(line)
            m_task = TASK_RE.match(line)
            m_sub = SUBSECTION_RE.match(line)
            if m_part and "。" not in line and len(line) <= 40:
                current_part = m_part.group(1)
                open_block("part", section=current_part, title=m_part.group(2).strip(),
                           part=current_part, task=None)
            if COLOPHON_RE.match(line) and current_part is not None:
                open_block("colophon", section="印发", title="印发信息", part=None, task=None)
            elif current_part and m_task:
                open_block("task", section=current_part, title=m_task.group(2).strip(),
                           part=current_part, task=int(m_task.group(1)))
            elif current_part and m_sub and blocks[-1]["kind"] in ("part", "subsection"):
                code = f"{current_part}({m_sub.group(1)})"
                open_block("subsection", section=code, title=m_sub.group(2).strip(),
                           part=current_part, task=None)
            blocks[-1]["lines"].append((start, end, line))

        part_blocks = [b for b in blocks if b["kind"] == "part"]
        task_blocks = [b for b in blocks if b["kind"] == "task"]
        if not part_blocks:
            raise StructureError("no parts found: expected headings such as '一、总体要求' on a line of their own")
        if not task_blocks:
            raise StructureError("no tasks found: expected paragraphs starting '1.标题。…' inside the parts")
        numbers = [b["task"] for b in task_blocks]
        if numbers != list(range(1, len(numbers) + 1)):
            raise StructureError(f"task numbers must run 1..N without gaps or repeats; found {numbers}")

        nodes: list[Node] = []
        parts: dict[str, Part] = {}
        for b in blocks:
            if b["kind"] == "part":
                label = f"第{b['section']}部分 {b['title']}"
                parts[b["section"]] = Part(b["section"], b["title"], label, None, [], [])
            if not b["lines"]:
                continue
            node = _make_node(text, b)
            nodes.append(node)
            if node.part in parts:
                parts[node.part].attach(node)
        return cls(text, nodes, list(parts.values()))


def _make_node(text: str, b: dict) -> Node:
    start, end = b["lines"][0][0], b["lines"][-1][1]
    kind, section, title = b["kind"], b["section"], b["title"]
    if kind == "task":
        node_id, label = f"task-{b['task']}", f"任务{b['task']} {title}"
    elif kind == "part":
        node_id, label = f"part-{cn_to_int(section)}", f"第{section}部分 {title}"
    elif kind == "subsection":
        sub = section[len(b["part"]):]
        node_id = f"part-{cn_to_int(b['part'])}.{cn_to_int(sub.strip('()'))}"
        label = f"第{b['part']}部分{sub} {title}"
    else:
        node_id, label = kind, title
    node = Node(node_id, kind, section, title, label, start, end, text[start:end],
                task=b.get("task"), part=b.get("part"))
    sentences = []
    for ls, le, line in b["lines"]:
        for s, e, sent in split_sentences(line, offset=ls):
            sentences.append(Sentence(f"{node_id}/s{len(sentences)}", node_id, s, e, sent))
    node.sentences = sentences
    return node


__all__ = ["Plan", "Part", "Node", "Sentence"]
