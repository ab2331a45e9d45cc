"""Offline multiple-choice items (``writer``): which items an enumeration of the task lists (its distractors
stand-ins of the same kind, or items other tasks' lists hold), and which measures belong to the task (2–3 of
one sentence or two adjacent ones, beside 1–2 clauses of other tasks).
"""
from __future__ import annotations

from ..plan import Node
from .models import QuizItem
from .terms_lists import Enumeration
from .terms_sentence import Clause
from .wording import canon, display
from .writer_parts import KindWriter, blanked_fragment, clause_window, quote_around, short_ref


class MultiWriter(KindWriter):
    """Multiple-choice items of a node: enumerations, measures that belong."""

    def items(self, node: Node) -> list[QuizItem]:
        out = []
        for e in self.a.enumerations[node.id]:
            out += self._enumeration_items(node, e)
        return out + self._belongs_multi(node)

    def _enumeration_items(self, node: Node, e: Enumeration) -> list[QuizItem]:
        texts = [t for t, _, _ in e.items]
        if len(texts) < 2:
            return []
        right = self.rng.sample(texts, min(len(texts), self.rng.choice([2, 3, 4])))
        wrong: list[str] = []
        for t in self.rng.sample(texts, len(texts)):
            for sub in self.parts.substitutes(t, "noun", node, 2, listed=True):
                if sub not in wrong and not any(sub in x or x in sub for x in texts):
                    wrong.append(sub)
        if not wrong and all(len(t) == 2 for t in texts):
            wrong = self._listed_elsewhere(node, texts, 2)  # 科普、学术、智库、人才: 政策? 文化?
        wrong = wrong[:self.rng.choice([1, 2])]
        while len(right) + len(wrong) < 4 and len(right) < len(texts):
            right.append(next(t for t in texts if t not in right))
        if not wrong or len(right) + len(wrong) < 4 or len(right) < 2:
            return []
        options = [display(o) for o in right + wrong]
        answer = options[:len(right)]
        self.rng.shuffle(options)
        text = e.sentence.text
        expl = (f"原文列举的是{'、'.join(display(t, nested=True) for t in texts)}；"
                + "；".join(self.parts.source(w) for w in wrong) + "。")
        out = []
        if e.span:
            frag = blanked_fragment(text, e.span[0], e.span[1], 8, 70)
            if frag:
                stem = f"{self.parts.ref(node)}写道：“{frag}”横线处列举的有下列哪些？（多选）"
                quote = quote_around(text, *clause_window(text, e.span[0], e.span[1], 8, 0, 70))
                out.append(self.parts.item("multi", "multi.fill", stem, options, answer, expl, node, quote, 1.5))
        if e.lead and e.head:
            stem = f"{self.parts.ref(node)}提出要{display(e.lead, nested=True)}哪些{display(e.head, nested=True)}？（多选）"
            quote = quote_around(text, e.items[0][1], e.items[-1][2])
            out.append(self.parts.item("multi", "multi.head", stem, options, answer, expl, node, quote, 1.5))
        return out

    def _listed_elsewhere(self, node: Node, texts: list[str], k: int) -> list[str]:
        """Two-character items that other tasks' lists hold and this task never uses, nearest first."""
        own, rank = canon(node.text), {n.id: i for i, n in enumerate(self.a.siblings(node))}
        found = [(min(rank.get(n.id, 99) for n in e.nodes) + self.rng.random(), t)
                 for t, e in self.a.pool.entries.items()
                 if e.listed and len(t) == 2 and t not in texts and canon(t) not in own]
        return [t for _, t in sorted(found)[:k]]

    # --- measures that belong ------------------------------------------------
    def _belongs_multi(self, node: Node) -> list[QuizItem]:
        """2–3 measures of one sentence (or of two adjacent ones) and 1–2 of other tasks."""
        out = []
        by_sentence: dict[str, list[Clause]] = {}
        for c in self.parts.own_measures(node):
            by_sentence.setdefault(c.sentence.id, []).append(c)
        groups = list(by_sentence.values())
        groups += [a + b for a, b in zip(groups, groups[1:]) if len(a) < 3 or len(b) < 3]
        for group in groups:
            # two measures of a short group, so that one is left for another question
            for size in [2] + ([3] if len(group) >= 4 else []):
                out += self._belongs_multi_item(node, group, size)
        return out

    def _belongs_multi_item(self, node: Node, group: list[Clause], size: int) -> list[QuizItem]:
        if len(group) < size:
            return []
        right = sorted(self.rng.sample(group, size), key=lambda c: (c.sentence.start, c.start))
        wrong = self.parts.foreign_clauses(node, right[0].text, self.rng.choice([1, 2]))
        if len(right) + len(wrong) < 4:
            wrong = self.parts.foreign_clauses(node, right[0].text, 4 - len(right))
        if len(right) + len(wrong) < 4:
            return []
        options = [display(c.text) for c in right + wrong]
        answer = options[:len(right)]
        self.rng.shuffle(options)
        expl = ("、".join(f"“{display(c.text, nested=True)}”" for c in right) + f"出自{short_ref(node)}；"
                + "；".join(f"“{display(c.text, nested=True)}”出自{short_ref(c.node)}" for c in wrong) + "。")
        first, last = right[0].sentence, right[-1].sentence
        if first.id == last.id:
            quote = quote_around(first.text, right[0].start, max(c.end for c in right))
        else:  # two sentences: the quote runs from the first to the end of the second
            quote = self.a.plan.text[first.start:last.end]
        return [self.parts.item("multi", template, form.format(ref=self.parts.ref(node)), options, answer, expl, node, quote)
                for template, form in (("multi.belongs", "下列哪些属于{ref}的内容？（多选）"),
                                       ("multi.belongs_measures", "以下哪些举措是{ref}提出的？（多选）"))]
