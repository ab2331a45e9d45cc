"""Offline fill-in-the-blank items (``writer``): a term of the task blanked inside a window of whole clauses
of its sentence, in each stem form of ``BLANK_TEMPLATES``.
"""
from __future__ import annotations

from ..plan import Node
from .models import QuizItem
from .terms import WEAK
from .wording import display
from .writer_parts import ItemParts, blanked_fragment, clause_window, quote_around

BLANK_TEMPLATES = {
    "blank.fill": "根据{ref}的内容填空：“{frag}”",
    "blank.says": "{ref}提出：“{frag}”横线处应填写什么？",
    "blank.complete": "补全{ref}中的这句话：“{frag}”",
}


class BlankWriter:
    """Blank items of a node's terms, better-scored terms weighted up."""

    def __init__(self, parts: ItemParts):
        self.parts, self.a = parts, parts.a

    def items(self, node: Node) -> list[QuizItem]:
        out = []
        for term in self.a.terms[node.id]:
            if term.kind == "noun" and len(term.text) == 2 and term.score < WEAK:
                continue  # 热情, 力度: too little to test
            frag = blanked_fragment(term.sentence.text, term.start, term.end, 10, 64)
            if frag is None:
                continue
            quote = quote_around(term.sentence.text, *clause_window(term.sentence.text, term.start, term.end, 10, 0, 64))
            for template, form in BLANK_TEMPLATES.items():
                stem = form.format(ref=self.parts.ref(node), frag=frag)
                expl = f"横线处原文为“{display(term.text, nested=True)}”。"
                out.append(self.parts.item("blank", template, stem, [], [term.text], expl, node, quote, term.score))
        return out
