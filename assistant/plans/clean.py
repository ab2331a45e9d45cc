"""Layout-independent cleaning: from a document's pages of lines to one paragraph a line.

The same noise the bundled scan had (``assistant.cleaning``), found without
knowing the layout: page numbers, running headers and footers (short lines
that repeat page after page), a table of contents, converter bullets, spaces
inside Chinese, compatibility forms (全角 digits and letters, ⒈ ⑴, Kangxi
radicals some PDF fonts map 一 to), and paragraphs broken at line or page ends.
Everything dropped is counted for the parse report.

>>> from assistant.plans.readers import Document
>>> doc = Document(None, "pdf", [["规划", "一、总则", "1.做好 工作。推进", "- 1 -"],
...                              ["规划", "建设。", "２.加强保障。", "- 2 -"]])
>>> result = clean_document(doc)
>>> result.text
'一、总则\\n1.做好工作。推进建设。\\n2.加强保障。\\n'
>>> [(d.kind, d.text, d.count) for d in result.dropped]
[('running header or footer', '规划', 2), ('page number', '- 1 -', 2)]
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ..cleaning import BULLET, COLOPHON, PAGE_NUMBER, PARAGRAPH_END, drop_inner_spaces, drop_toc
from .markers import marker
from .readers import Document

# Page numbers beyond the bundled scan's "-20": "— 3 —", "第3页", "第 3 页 共 10 页", "3 / 10", "Page 3 of 10".
PAGE_NUMBER_FORMS = [
    PAGE_NUMBER,
    re.compile(r"^[-—–]\s*\d{1,4}\s*[-—–]$"),
    re.compile(r"^第\s*\d{1,4}\s*页(\s*[/，,]?\s*共\s*\d{1,4}\s*页)?$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),
    re.compile(r"^(?i:page)\s*\d{1,4}(\s*(?i:of)\s*\d{1,4})?$"),
]
# Compatibility characters folded to their ordinary forms (NFKC, on these only: Chinese
# punctuation such as ，（） keeps its width, so quotes stay verbatim to the source).
_FOLD = re.compile("[\u3000\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u2460-\u249b\u2f00-\u2fdf\uf900-\ufaff]")
# A running header or footer is a short line with no sentence end, repeated on this share of the pages.
HEADER_MAX_CHARS = 60
HEADER_MIN_SHARE = 0.5
TOC_LEADER = re.compile(r"\S\s*(?:[.…·．]\s*){4,}\d{1,3}$")
_PARENTHESISED = re.compile(r"^[（(][^（()）]*[)）]$")
# Text wrapped at a fixed width has many lines of (nearly) one length: at least this share of them.
WRAPPED_SHARE = 0.25


@dataclass
class Dropped:
    kind: str
    text: str
    count: int = 1


@dataclass
class Cleaned:
    text: str  # one paragraph a line, ending in "\n"
    dropped: list[Dropped] = field(default_factory=list)
    joined: int = 0  # line breaks removed inside paragraphs


def fold_forms(line: str) -> str:
    """Fold full-width digits/letters, enclosed numbers and CJK compatibility forms.

    >>> fold_forms("（２０３０年）⒈ ⼀流 ＡＩ")
    '（2030年）1. 一流 AI'
    """
    return _FOLD.sub(lambda m: unicodedata.normalize("NFKC", m.group()), line)


def is_page_number(line: str) -> bool:
    """A line that is only a page number.

    >>> [is_page_number(s) for s in ("- 3 -", "— 12 —", "第 3 页 共 10 页", "3/10", "2030年")]
    [True, True, True, True, False]
    """
    return any(p.match(line) for p in PAGE_NUMBER_FORMS)


def clean_document(doc: Document) -> Cleaned:
    """Clean a read document into paragraphs; see the module docstring for what is removed."""
    dropped: Counter = Counter()
    first_text: dict[str, str] = {}

    def drop(kind: str, text: str) -> None:
        key = (kind, _shape(text) if kind != "table of contents" else "")
        dropped[key] += 1
        first_text.setdefault(key, text)

    pages = [[fold_forms(l).strip() for l in page] for page in doc.pages]
    furniture = _running_lines(pages) if doc.kind != "docx" else set()
    kept: list[str] = []
    for page in pages:
        lines = [l for l in page if l]
        edges = _edge_positions(lines, furniture) if len(pages) > 1 else None
        for i, line in enumerate(lines):
            if doc.kind != "docx" and is_page_number(line):
                drop("page number", line)
            elif _shape(line) in furniture and (edges is None or i in edges):
                drop("running header or footer", line)
            else:
                kept.append(line)
    # a contents list: from its 目录 line (as in the bundled scan), and any entry with a dot leader and a page
    without_toc = [l for l in drop_toc(kept) if not TOC_LEADER.search(l)]
    if len(without_toc) < len(kept):
        dropped[("table of contents", "")] += len(kept) - len(without_toc)
        first_text.setdefault(("table of contents", ""), "目录")
    lines = []
    for line in without_toc:
        if BULLET.match(line):
            drop("list bullet", line[:1])
        lines.append(drop_inner_spaces(BULLET.sub("", line)))
    paragraphs, joined = _join(lines, wrapped=doc.kind != "docx")
    return Cleaned("\n".join(paragraphs) + "\n" if paragraphs else "",
                   [Dropped(kind, first_text[(kind, shape)], n) for (kind, shape), n in dropped.items()],
                   joined)


def _shape(line: str) -> str:
    """A line with its digits and spaces blurred, so "第3页" and "第4页" are one running footer."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Shapes of running headers and footers: short lines with no sentence end that are not headings,
    found at the top or bottom of at least half the pages (two at least) of a paged document, or
    three times or more anywhere in a text without pages (a PDF saved as text keeps them inline)."""
    def candidate(line: str) -> bool:
        return len(line) <= HEADER_MAX_CHARS and not PARAGRAPH_END.search(line) and marker(line) is None

    seen: Counter = Counter()
    if len(pages) > 1:
        for page in pages:
            lines = [l for l in page if l]
            seen.update({_shape(l) for l in lines[:2] + lines[-2:] if candidate(l)})
        need = max(2, HEADER_MIN_SHARE * len(pages))
    else:
        seen.update(_shape(l) for l in pages[0] if l and candidate(l))
        need = 3
    return {shape for shape, n in seen.items() if n >= need}


def _edge_positions(lines: list[str], furniture: set[str]) -> set[int]:
    """Where on a page running lines may be dropped: the first such line among the top two and the last
    among the bottom two (a title just under a header that repeats its words stays)."""
    top = next((i for i in range(min(2, len(lines))) if _shape(lines[i]) in furniture), None)
    bottom = next((i for i in range(len(lines) - 1, max(len(lines) - 3, -1), -1)
                   if _shape(lines[i]) in furniture), None)
    return {i for i in (top, bottom) if i is not None}


def _join(lines: list[str], wrapped: bool) -> tuple[list[str], int]:
    """Join lines into paragraphs.

    A line continues the one before unless it starts with a numbering mark or a
    dash item, or the one before is a heading or ends a sentence. A sentence end
    does not end a paragraph on a line as long as the longest lines (the text was
    wrapped there); before the first part heading only such wrapped lines join, so
    titles and dates stay lines of their own. A Word file's paragraphs are kept as
    they are (``wrapped=False``).
    """
    if not wrapped:
        return list(lines), 0
    full = wrap_width(lines)
    out: list[str] = []
    joined = 0
    in_body = False
    prev_len = 0
    for line in lines:
        mark = marker(line)
        if mark and mark.family in ("chapter", "cn") and _is_heading(line):
            in_body = True
        elif COLOPHON.match(line):
            in_body = False
        if out and _continues(out[-1], prev_len, line, mark, full, in_body):
            out[-1] += line
            joined += 1
        else:
            out.append(line)
        prev_len = display_width(line)
    return out, joined


def display_width(line: str) -> float:
    """A line's width in Chinese characters: ASCII letters, digits and punctuation count a half.

    >>> display_width("规划(2021—2025年)")
    9.0
    """
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in line)


def wrap_width(lines: list[str]) -> int:
    """The width text was wrapped at (in characters), or 0 when its lines are whole paragraphs.

    >>> wrap_width(["一二三四五六七八九十"] * 3 + ["一二三。"]), wrap_width(["短。", "长一些的段落。", "更长更长的一个段落。"])
    (10, 0)
    """
    lengths = Counter(round(display_width(l)) for l in lines if len(l) >= 8)
    if not lengths:
        return 0
    band = {n: sum(lengths.get(k, 0) for k in range(n - 2, n + 3)) for n in lengths}
    width = max(band, key=lambda n: (band[n], n))
    return width if band[width] >= max(3, WRAPPED_SHARE * len(lines)) else 0


def _continues(prev: str, prev_len: int, line: str, mark, full: float, in_body: bool) -> bool:
    if (mark and mark.family != "shi") or line.startswith("——") or COLOPHON.match(line):
        return False
    prev_mark = marker(prev)
    if prev_mark and _is_heading(prev):
        return False
    # as long as the wrapped lines (a line in a smaller font, or a whole parenthesised note, is not)
    was_full = full and full - 3 <= prev_len <= full + 2 and not _PARENTHESISED.match(prev)
    if PARAGRAPH_END.search(prev):
        return bool(was_full)
    return in_body or bool(was_full)


def _is_heading(line: str) -> bool:
    """A numbered line with no sentence in it: "一、总体要求", "（二）基本原则", "专栏1 主要指标"."""
    return "。" not in line and len(line) <= 40
