"""Offline single-choice items (``writer``): which measure belongs to the task (its distractors clauses of the
other tasks of its part), which task a term that one task alone uses comes from, and which term fills a blank
(its distractors stand-ins of the same kind).
"""
from __future__ import annotations

from ..plan import Node
from ..text import longest_shared
from .models import QuizItem
from .wording import canon, display
from .writer_parts import KindWriter, blanked_fragment, clause_window, quote_around, short_ref


class SingleWriter(KindWriter):
    """Single-choice items of a node: belongs, which task, fill."""

    def items(self, node: Node) -> list[QuizItem]:
        return self._belongs(node) + self._which_task(node) + self._fill_choice(node)

    def _belongs(self, node: Node) -> list[QuizItem]:
        out = []
        for clause in self.parts.own_measures(node):
            wrong = self.parts.foreign_clauses(node, clause.text, 3)
            if len(wrong) < 3:
                continue
            sources = [clause] + wrong
            self.rng.shuffle(sources)
            options = [display(c.text) for c in sources]  # an option stands alone: “” for the plan's quotes
            answer = display(clause.text)
            # each distractor named with its own text: an exporter may shuffle the options again
            expl = (f"“{display(clause.text, nested=True)}”出自{short_ref(node)}；" + "；".join(
                f"“{display(c.text, nested=True)}”出自{short_ref(c.node)}" for c in sources if c is not clause) + "。")
            for template, form in (("single.belongs", "下列哪一项是{ref}提出的举措？"),
                                   ("single.belongs_option", "下列选项中，属于{ref}内容的是？")):
                out.append(self.parts.item("single", template, form.format(ref=self.parts.ref(node)), options, [answer], expl,
                                      node, quote_around(clause.sentence.text, clause.start, clause.end)))
        return out

    def _which_task(self, node: Node) -> list[QuizItem]:
        if node.task is None or not self.parts.ask_which_task:
            return []
        out = []
        for term in self.a.terms[node.id]:
            if term.kind == "number" or self.a.df(term.text) != 1 or len(term.text) < 3 and term.kind != "name":
                continue
            others = [n for n in self.a.siblings(node) if n.task is not None][:3]
            others = self.rng.sample(others, len(others))
            shared = longest_shared(term.text, node.title)
            if len(shared) >= 2 and all(len(longest_shared(term.text, o.title)) < len(shared) for o in others):
                continue  # the right title would give the answer away
            tasks = [node] + others
            self.rng.shuffle(tasks)
            options = [f"任务{t.task} {display(t.title)}" for t in tasks]
            answer = f"任务{node.task} {display(node.title)}"
            name = display(term.text, nested=True)
            expl = f"“{name}”出自{short_ref(node)}（{display(node.title, nested=True)}），其他选项中的任务都没有提到它。"
            stem = f"“{name}”出自规划的哪一项任务？"
            window = clause_window(term.sentence.text, term.start, term.end, 6, 10, 36)
            quote = quote_around(term.sentence.text, *(window or (term.start, term.end)))
            out.append(self.parts.item("single", "single.which_task", stem, options, [answer], expl, node, quote,
                                  term.score))
            if window:
                clause = term.sentence.text[window[0]:window[1]]
                if all(len(longest_shared(clause, o.title)) >= len(longest_shared(clause, node.title)) for o in others) \
                        and not any(canon(clause) in canon(o.text) for o in others):
                    stem = f"规划提出“{display(clause, nested=True)}”。这是哪一项任务的内容？"
                    out.append(self.parts.item("single", "single.which_task_quote", stem, options, [answer], expl, node,
                                          quote, term.score))
        return out

    def _fill_choice(self, node: Node) -> list[QuizItem]:
        out = []
        for term in self.a.terms[node.id]:
            frag = blanked_fragment(term.sentence.text, term.start, term.end, 10, 64)
            subs = self.parts.substitutes(term.text, term.kind, node, 3)
            if frag is None or len(subs) < 3:
                continue
            text = term.sentence.text
            if any(canon(text[:term.start] + s + text[term.end:]) in self.a.plan.text for s in subs):
                continue
            options = [display(o) for o in [term.text] + subs]
            answer = options[0]
            self.rng.shuffle(options)
            expl = f"原文为“{display(term.text, nested=True)}”；" + "；".join(self.parts.source(s) for s in subs) + "。"
            stem = f"{self.parts.ref(node)}写道：“{frag}”横线处应为哪一项？"
            quote = quote_around(text, *clause_window(text, term.start, term.end, 10, 0, 64))
            out.append(self.parts.item("single", "single.fill", stem, options, [answer], expl, node, quote, term.score))
        return out
