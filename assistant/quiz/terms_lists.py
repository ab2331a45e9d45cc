"""Reading the enumerations of a sentence (``terms``): lists joined by 、 ("内容库、专家库、团队库",
"科技活动周、防灾减灾日…等主题活动") and runs of quoted names, each with the items cleanly parsed, the verb before
the list ("开展") and the noun after 等 ("主题活动").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from ..plan import Node, Sentence
from .terms_sentence import ITEM_POS, MAX_TERM, NAME, NOUN_POS, SentenceReader
from .wording import clause_spans, split_spans

CONJUNCTION = r"等|以及|及|和|与|并"


@dataclass(frozen=True)
class Enumeration:
    """A list joined by 、: the items cleanly parsed, the span of the whole list (when both ends
    parsed cleanly), the verb before it ("开展") and the noun after 等 ("主题活动")."""

    node: Node
    sentence: Sentence
    items: tuple[tuple[str, int, int], ...]
    span: tuple[int, int] | None
    lead: str
    head: str


class ListReader:
    """The enumerations of a sentence, with the sentence reader's jieba tags and verb-like nouns."""

    def __init__(self, reader: SentenceReader):
        self.pos = reader.pos
        self.verbish = reader.verbish

    def enumerations(self, node, sent, words) -> list[Enumeration]:
        tags, pos = [], 0
        for word, flag in words:
            tags.append((pos, pos + len(word), flag))
            pos += len(word)
        out = []
        for a, b in clause_spans(sent.text):
            segs = _segments(sent.text, a, b)
            if len(segs) >= 3:
                e = self._list(node, sent, segs, tags)
                if e:
                    out.append(e)
            names = re.search(r'(?:"[^",、]{2,10}"){3,}', sent.text[a:b])
            if names:
                items = tuple((m.group(1), a + names.start() + m.start(1), a + names.start() + m.end(1))
                              for m in NAME.finditer(names.group()))
                lead = sent.text[a:a + names.start()]
                out.append(Enumeration(node, sent, items, (a + names.start(), a + names.end()),
                                       lead if _ends_in_verb(lead, tags, a) else "", ""))
        return out

    def _nominal(self, item: str, start: int, text: str) -> bool:
        """A quoted name, or a noun phrase: nouns, adjectives and verbal nouns, ending in a noun."""
        if text[start - 1:start] == '"':
            return True
        words = self.pos.tagged(item)
        return bool(words) and words[-1][1] in NOUN_POS | {"vn"} and all(
            f in ITEM_POS and w not in self.verbish for w, f in words)

    def _list(self, node, sent, segs, tags) -> Enumeration | None:
        text = sent.text
        for k, (s, e) in enumerate(segs[1:], 1):  # a conjunction ends the list: 团队库以及品牌、渠道…
            if re.search(CONJUNCTION, text[s:e]):
                segs = segs[:k + 1]
                break
        if len(segs) < 3:
            return None
        middle = [(text[s:e].strip('"'), s + (text[s] == '"'), e - (text[e - 1] == '"')) for s, e in segs[1:-1]]
        if any(not 2 <= len(t) <= MAX_TERM or re.search(r"[^\w\u4e00-\u9fff]", t) or not self._nominal(t, s, text)
               for t, s, _ in middle):
            return None
        size = median(len(t) for t, _, _ in middle)
        items = list(middle)
        fs, fe = segs[0]
        first_start = fe
        for s, e, flag in reversed(tags):  # the first item: the nouns that end the first segment
            if s < fs or e > fe:
                continue
            if flag not in ITEM_POS or fe - s > MAX_TERM or text[s:e] in self.verbish:
                break
            first_start = s
        lead = text[fs:first_start]
        first = text[first_start:fe].strip('"')
        first_ok = 0.5 <= len(first) / size <= 2 and len(first) >= 2 and self._nominal(first, first_start, text)
        if first_ok:
            items.insert(0, (first, first_start + (text[first_start] == '"'), fe - (text[fe - 1] == '"')))
        ls, le = segs[-1]
        last_seg, head = text[ls:le], ""
        cut = re.search(CONJUNCTION, last_seg)
        last_end = ls + (cut.start() if cut else len(last_seg))
        if cut and cut.group() == "等":
            head = text[last_end + 1:le]
            if not 2 <= len(head) <= 8 or _last_flag(tags, le) not in NOUN_POS | {"vn", "l"}:
                head = ""
        last = text[ls:last_end].strip('"')
        last_ok = 0.5 <= len(last) / size <= 2 and len(last) >= 2 and not re.search(r"[^\w\u4e00-\u9fff]", last) \
            and self._nominal(last, ls + (text[ls] == '"'), text)
        if last_ok:
            items.append((last, ls + (text[ls] == '"'), last_end - (text[last_end - 1] == '"')))
        if len(items) < 3:
            return None
        span = (first_start, last_end) if first_ok and last_ok else None
        lead = _opening_verbs(text, fs, tags) if not lead or not _ends_in_verb(lead, tags, fs) else lead
        lead = lead if len(lead) <= 8 else ""
        return Enumeration(node, sent, tuple(items), span, lead, head)


def _segments(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The 、-separated parts of text[a:b], outside quotes and brackets."""
    return split_spans(text, "、", a, b, opens="(（", closes=")）", keep_empty=True)


def _ends_in_verb(lead: str, tags, offset: int) -> bool:
    end = offset + len(lead)
    flags = [f for s, e, f in tags if e == end]
    return bool(lead) and bool(flags) and flags[0].startswith("v") and not re.search(r"[^\u4e00-\u9fff]", lead)


def _opening_verbs(text: str, start: int, tags) -> str:
    """The verbs a segment opens with ("支持开展世界科技与发展论坛" → "支持开展")."""
    end = start
    for s, e, flag in tags:
        if s < start:
            continue
        if s != end or not flag.startswith("v") or flag == "vn":
            break
        end = e
    return text[start:end]


def _last_flag(tags, end: int) -> str:
    return next((f for s, e, f in tags if e == end), "x")
