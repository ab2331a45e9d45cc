"""The numbering marks a plan's paragraphs start with, in both character widths.

>>> marker("第三章 服务产业创新").family, marker("（２）开展调查。").number
('chapter', 2)
>>> marker("1.5倍以上") is None, marker("二是完善机制。").family
(True, 'shi')
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import cn_to_int

CN = "一二三四五六七八九十百零〇"
_FAMILIES = [
    # family, pattern (group 1 the numeral, group 2 the rest of the line)
    ("chapter", re.compile(rf"^第([{CN}]{{1,4}})(?:章|部分|篇)[\s:：、]*(.*)$")),
    ("jie", re.compile(rf"^第([{CN}]{{1,4}})节[\s:：、]*(.*)$")),
    ("cn", re.compile(rf"^([{CN}]{{1,4}})[、．.](?![{CN}]、)\s*(.*)$")),
    ("paren_cn", re.compile(rf"^[（(]([{CN}]{{1,4}})[)）]\s*(.*)$")),
    ("arabic", re.compile(r"^(\d{1,3})(?:[、．]|\.(?!\d))\s*(.*)$")),
    ("paren_num", re.compile(r"^[（(](\d{1,3})[)）]\s*(.*)$")),
    ("shi", re.compile(rf"^([{CN}]{{1,3}})是(.+)$")),
    ("box", re.compile(rf"^专栏\s*(\d{{1,3}}|[{CN}]{{1,4}})(?![\d{CN}])[\s:：、.．]*(.*)$")),
]
_CN_DIGIT_RE = re.compile(rf"^[{CN}]+$")


@dataclass(frozen=True)
class Marker:
    family: str
    numeral: str  # as written: "三", "12", "２"
    number: int
    rest: str  # the line after the mark


def marker(line: str) -> Marker | None:
    """The numbering mark a paragraph starts with, or None."""
    for family, pattern in _FAMILIES:
        m = pattern.match(line)
        if not m:
            continue
        numeral = m.group(1)
        number = int(numeral) if numeral.isdigit() else cn_to_int(numeral.replace("〇", "零"))
        if number is None or (not numeral.isdigit() and not _CN_DIGIT_RE.match(numeral)):
            continue
        return Marker(family, numeral, number, m.group(2).strip())
    return None


TITLE_END = re.compile(r"[。！？]")


def split_title(rest: str, limit: int = 40) -> tuple[str, str]:
    """(title, body) of a numbered paragraph: the first sentence when it is short and has no comma.

    >>> split_title("加强科普人才培养。推动建立科普人才评价制度。")
    ('加强科普人才培养', '推动建立科普人才评价制度。')
    >>> split_title("个人会员达到4万人，其中青年会员占比不低于45%。")
    ('', '个人会员达到4万人，其中青年会员占比不低于45%。')
    >>> split_title("指导思想")
    ('指导思想', '')
    """
    m = TITLE_END.search(rest)
    head = rest[:m.start()] if m else rest
    if m is None and len(rest) > limit:
        return "", rest
    if not head or len(head) > limit or re.search(r"[，,；;：:]", head):
        return "", rest
    return head.strip(), rest[m.end():].strip() if m else ""
