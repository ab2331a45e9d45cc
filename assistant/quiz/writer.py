"""Offline quiz items, built from the plan's structure and its own sentences (``terms``).

``ItemWriter`` turns terms, clauses and enumerations into candidate items with a quiz's random
generator; better-scored terms come first more often. A writer of each kind makes them, all with
the parts of ``writer_parts`` (the reference to the task, the quote, the stand-ins of other tasks):

- blank (``writer_blank``): a term blanked inside a window of whole clauses of its sentence;
- judge (``writer_judge``): a statement of whole clauses, true as written, or false with one term swapped
  for a term of the same kind from another task that this task never uses;
- single (``writer_single``): which measure belongs to the task (distractors: clauses of the other tasks
  of its part); which task a term used by one task only comes from; which term fills a blank;
- multi (``writer_multi``): which items an enumeration lists; which measures belong to the task.

Candidates are checked by ``checks.Checker`` before they are used.
"""
from __future__ import annotations

import random

from ..plan import Node
from .models import QuizItem
from .terms import Analysis
from .writer_blank import BlankWriter
from .writer_judge import JudgeWriter
from .writer_multi import MultiWriter
from .writer_parts import ItemParts
from .writer_single import SingleWriter


class ItemWriter:
    """Candidate items for one quiz: ``candidates(node, kind)`` in random order (``rng``)."""

    def __init__(self, analysis: Analysis, rng: random.Random, scope: list[Node] | None = None):
        self.rng = rng
        self.parts = ItemParts(analysis, rng, scope)
        self.writers = {"blank": BlankWriter(self.parts), "judge": JudgeWriter(self.parts),
                        "single": SingleWriter(self.parts), "multi": MultiWriter(self.parts)}

    def candidates(self, node: Node, kind: str) -> list[QuizItem]:
        """Every candidate of this kind, in a random order that puts better-scored terms first
        more often (a weighted shuffle: key u^(1/w))."""
        return self.reorder(self.writers[kind].items(node))

    def reorder(self, items: list[QuizItem]) -> list[QuizItem]:
        """A new weighted random order of this writer's candidates."""
        keys = [self.rng.random() ** (1.0 / max(self.parts.weight.get(id(i), 1.0), 0.05)) for i in items]
        return [i for _, i in sorted(zip(keys, items), key=lambda x: -x[0])]
