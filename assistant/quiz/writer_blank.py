"""Offline fill-in-the-blank items (``writer``): a term of the task blanked inside a window of whole clauses
of its sentence, in each stem form of ``writer_parts.BLANK_TEMPLATES``.
"""
from __future__ import annotations

from ..plan import Node
from .models import QuizItem
from .terms_sentence import WEAK
from .wording import display
from .writer_parts import BLANK_TEMPLATES, KindWriter, blanked_fragment, clause_window, quote_around


class BlankWriter(KindWriter):
    """Blank items of a node's terms, better-scored terms weighted up."""

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
