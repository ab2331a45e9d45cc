"""The parse report shown before a plan is stored: what was found, what was dropped, what looks wrong.

>>> from assistant.plans.importer import parse_text
>>> report = parse_text("规划\\n一、总则\\n1.做好工作。推进。\\n3.加强保障。\\n").report
>>> report.counts
{'parts': 1, 'sections': 0, 'tasks': 2, 'boxes': 0}
>>> print(report.format().splitlines()[-1])
  - task numbering: 3 follows 1 (2 missing)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class ParseReport:
    source: str
    kind: str
    pages: int
    title: str
    families: dict
    parts: list[dict]
    sections: list[dict]
    tasks: list[dict]
    boxes: list[dict]
    dropped: list[dict] = field(default_factory=list)
    joined: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {"parts": len(self.parts), "sections": len(self.sections), "tasks": len(self.tasks),
                "boxes": len(self.boxes)}

    def to_dict(self) -> dict:
        return {**asdict(self), "counts": self.counts}

    @classmethod
    def from_dict(cls, data: dict) -> "ParseReport":
        return cls(**{k: v for k, v in data.items() if k != "counts"})

    def format(self) -> str:
        """The report as text for a terminal: the outline, then noise and warnings."""
        c = self.counts
        pages = f", {self.pages} pages" if self.kind == "pdf" else ""
        out = [f"parse report: {self.source} ({self.kind}{pages})",
               f"title: {self.title}",
               f"{c['parts']} parts, {c['sections']} sections, {c['tasks']} tasks, {c['boxes']} 专栏"]
        for part in self.parts:
            out.append(_heading(part['mark'], part['title']))
            for task in (t for t in self.tasks if t["part"] == part["number"] and t["section"] is None):
                out.append(f"    {_task_line(task)}")
            for section in (s for s in self.sections if s["part"] == part["number"]):
                out.append("  " + _heading(section['mark'], section['title']))
                for task in (t for t in self.tasks
                             if t["part"] == part["number"] and t["section"] == section["number"]):
                    out.append(f"    {_task_line(task)}")
            for box in (b for b in self.boxes if b["part"] == part["number"]):
                out.append(f"  [{box['mark']} {box['title']}] ({box['items']} items)")
        if self.dropped:
            out.append("dropped as noise:")
            out += [f"  - {d['kind']} ×{d['count']}: {d['text']}" for d in self.dropped]
        if self.joined:
            out.append(f"line breaks inside paragraphs removed: {self.joined}")
        out.append(f"warnings: {len(self.warnings) or 'none'}")
        out += [f"  - {w}" for w in self.warnings]
        return "\n".join(out)


def _heading(mark: str, title: str) -> str:
    """'三、强化引领', '（一）加强引领', '第三章 服务产业' (a space after a mark ending in a character)."""
    return f"{mark}{'' if mark.endswith(('、', '）')) else ' '}{title}"


def _task_line(task: dict) -> str:
    return f"{task['mark']} {task['title'] or '(no title)'}"
