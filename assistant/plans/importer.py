"""From a file to a parsed plan and its report: read → clean → outline, nothing stored.

>>> parsed = parse_text("某市科协“十五五”规划\\n（2026—2030年）\\n一、总则\\n1.做好工作。推进。\\n")
>>> parsed.report.title, parsed.report.tasks[0]["title"]
('某市科协“十五五”规划（2026—2030年）', '做好工作')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .clean import Cleaned, clean_document
from .readers import MAX_BYTES, Document, read_document
from .report import ParseReport
from .structure import Outline, find_outline

_YEARS = re.compile(r"^[（(]\d{4}\s*[—–-]+\s*\d{4}\s*年?[)）]$")


@dataclass
class ParsedPlan:
    document: Document
    cleaned: Cleaned
    outline: Outline
    report: ParseReport

    @property
    def text(self) -> str:
        return self.cleaned.text


def parse_file(path: str | Path, max_bytes: int = MAX_BYTES) -> ParsedPlan:
    """Read, clean and outline a plan file; PlanFileError or StructureError when it cannot be."""
    return parse_document(read_document(path, max_bytes))


def parse_text(text: str, name: str = "(text)") -> ParsedPlan:
    return parse_document(Document(Path(name), "txt", [text.split("\n")]))


def parse_document(doc: Document) -> ParsedPlan:
    cleaned = clean_document(doc)
    outline = find_outline(cleaned.text)
    return ParsedPlan(doc, cleaned, outline, build_report(doc, cleaned, outline))


def find_title(outline: Outline) -> str:
    """The plan's title: the last line naming a 规划 before part one, with a year range on the next line.

    Front matter (a covering notice 关于印发《…规划》的通知) comes before the title, so the last such line wins.
    """
    first_part = outline.parts[0].line if outline.parts else len(outline.lines)
    front = [l.text for l in outline.lines[:first_part]]
    for i in range(len(front) - 1, -1, -1):
        line = front[i]
        if "规划" in line and "。" not in line and len(line) <= 60 and not line.startswith(("（", "(")):
            if i + 1 < len(front) and _YEARS.match(front[i + 1]):
                return line + front[i + 1]
            return line
    return ""


def build_report(doc: Document, cleaned: Cleaned, outline: Outline) -> ParseReport:
    parts = [{"number": p.number, "mark": p.mark, "title": p.title} for p in outline.parts]
    sections = [{"part": s.part, "number": s.number, "mark": s.mark, "title": s.title} for s in outline.sections]
    tasks = [{"ordinal": t.ordinal, "number": t.number, "mark": t.mark, "title": t.title, "part": t.part,
              "section": t.section} for t in outline.tasks]
    boxes = [{"number": b.number, "mark": b.mark, "title": b.title, "part": b.part, "section": b.section,
              "items": b.items} for b in outline.boxes]
    dropped = [{"kind": d.kind, "text": d.text, "count": d.count} for d in cleaned.dropped]
    name = doc.path.name if doc.path else "(text)"
    return ParseReport(name, doc.kind, len(doc.pages), find_title(outline) or (doc.path.stem if doc.path else ""),
                       dict(outline.families), parts, sections, tasks, boxes, dropped, cleaned.joined,
                       list(outline.warnings))
