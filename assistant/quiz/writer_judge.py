"""Offline true/false items (``writer``): a statement a window of whole clauses long, true as written, or false
with one term swapped for a stand-in of the same kind from another task that this task never uses.
"""
from __future__ import annotations

from ..plan import Node
from .models import JUDGE_OPTIONS, QuizItem
from .wording import canon, clause_spans, display
from .writer_parts import JUDGE_TEMPLATES, KindWriter, clause_window, quote_around


class JudgeWriter(KindWriter):
    """True and false statements of a node's sentences."""

    def items(self, node: Node) -> list[QuizItem]:
        """A statement a window of whole clauses long: true as written, false with one term swapped."""
        out = []
        for sent, windows in self._statement_windows(node):
            text = sent.text
            terms = [t for t in self.a.terms[node.id] if t.sentence.id == sent.id]
            for ws, we in windows:
                true, quote = text[ws:we], quote_around(text, ws, we)
                swaps = [t for t in terms if ws + 2 <= t.start and t.end <= we - 2]
                for template, form in JUDGE_TEMPLATES.items():
                    ref = self.parts.ref(node, titled=False)
                    out.append(self.parts.item("judge", template, form.format(ref=ref, statement=display(true, nested=True)),
                                          list(JUDGE_OPTIONS), ["正确"], "正确，与原文一致。", node, quote))
                    for term in swaps:
                        for sub in self.parts.substitutes(term.text, term.kind, node, 1):
                            false = text[ws:term.start] + sub + text[term.end:we]
                            if canon(false) in self.a.plan.text:
                                continue
                            expl = (f"错误。原文是“{display(true, nested=True)}”，题中把“{display(term.text, nested=True)}”"
                                    f"换成了“{display(sub, nested=True)}”（{self.parts.source(sub)}）。")
                            out.append(self.parts.item("judge", template,
                                                  form.format(ref=ref, statement=display(false, nested=True)),
                                                  list(JUDGE_OPTIONS), ["错误"], expl, node, quote, term.score))
        return out

    def _statement_windows(self, node: Node):
        """(sentence, windows): each clause grown to a 10–40 character statement, framing-only ones left out."""
        for sent in node.sentences[1:]:
            if sent.text.count('"') % 2:
                continue
            windows = []
            for a, b in clause_spans(sent.text):
                w = clause_window(sent.text, a, b, 0, 10, 40)
                if w and w not in windows and not self.a.incomplete(sent.text[w[0]:w[1]]):
                    windows.append(w)
            yield sent, windows
