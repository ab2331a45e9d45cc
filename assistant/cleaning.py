"""Turn the plan as it came out of a scanned PDF into clean paragraphs.

The source has four kinds of noise and nothing else is touched:
a garbled table of contents, stray page numbers on lines of their own
(``-20``), list bullets added by the converter (``- 7. 建设…``), spaces inside
Chinese text (``同谋划、 同部署``), and paragraphs split across page breaks.

>>> clean_plan_text("一、总则\\n\\n- 1. 做好 工作。推进\\n\\n-3\\n\\n建设。")
'一、总则\\n1.做好工作。推进建设。\\n'
"""
from __future__ import annotations

import re

from .errors import StructureError

PART_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}、")
TOC_TITLE = re.compile(r"^目\s*录$")
PAGE_NUMBER = re.compile(r"^[-—–]?\s*\d{1,3}\s*[-—–]?$")
BULLET = re.compile(r"^[-•·]\s+")
# A paragraph that ends with one of these is complete; any other is continued
# on the next line (the PDF broke it at a page end).
PARAGRAPH_END = re.compile(r"[。！？!?;；:：]$")
COLOPHON = re.compile(r"^抄送")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def drop_inner_spaces(line: str) -> str:
    """Remove horizontal whitespace except between two ASCII word characters.

    >>> drop_inner_spaces("同谋划、 同部署 AI 应用")
    '同谋划、同部署AI应用'
    >>> drop_inner_spaces("open AI model")
    'open AI model'
    """
    def keep(m: re.Match) -> str:
        before = line[m.start() - 1] if m.start() else ""
        after = line[m.end()] if m.end() < len(line) else ""
        both_ascii = _ASCII_WORD.match(before or " ") and _ASCII_WORD.match(after or " ")
        return " " if both_ascii else ""
    return re.sub(r"[ \t\u3000\u00a0]+", keep, line.strip())


def drop_toc(lines: list[str]) -> list[str]:
    """Drop everything from the 目录 line up to the paragraph before part 一.

    The body's first paragraph (the preamble) follows the last TOC entry, so
    the TOC ends at the last line that looks like a TOC entry: a heading with
    a trailing page number or a numbered title without a full stop.
    """
    start = next((i for i, l in enumerate(lines) if TOC_TITLE.match(l.strip())), None)
    if start is None:
        return lines
    end = start + 1
    toc_entry = re.compile(r"^(\S.{0,60}?)[\s.·•…]*\d{0,3}$")
    for i in range(start + 1, len(lines)):
        text = lines[i].strip()
        if not text:
            continue
        if "。" in text or len(text) > 120 or not toc_entry.match(text):
            break
        end = i + 1
    return lines[:start] + lines[end:]


def clean_plan_text(raw: str) -> str:
    """Clean the raw plan text; return one paragraph per line.

    Raises StructureError when the text has no part headings at all (it is
    then not a plan in the numbered style this project reads).
    """
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = drop_toc(raw.split("\n"))
    paragraphs: list[str] = []
    in_body = False
    continued = False
    for line in lines:
        text = line.strip()
        if not text or PAGE_NUMBER.match(text):
            continue
        text = drop_inner_spaces(BULLET.sub("", text))
        if PART_HEADING.match(text):
            in_body = True
        elif COLOPHON.match(text):
            in_body = False
            continued = False
        if continued and paragraphs:
            paragraphs[-1] += text
        else:
            paragraphs.append(text)
        last = paragraphs[-1]
        heading = PART_HEADING.match(last) or re.match(r"^[(（][一二三四五六七八九十]+[)）]\S{0,12}$", last)
        continued = in_body and not heading and not PARAGRAPH_END.search(last)
    if not any(PART_HEADING.match(p) for p in paragraphs):
        raise StructureError(
            "no part headings such as '一、…' were found: the text is not a plan in the numbered style"
        )
    return "\n".join(paragraphs) + "\n"
