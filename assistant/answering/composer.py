"""The base of the composers: each turns the routes of its kinds into Answers.

A composer method is named after the route kind it composes (``tasks``, ``topic_list`` …) and takes
``(question, q, route)``: the question as asked, normalised, and the route. It may hand a route of
another kind back to the answerer (``self.compose``), as a topic no task says is answered by a
part's task list.
"""
from __future__ import annotations


class Composer:
    kinds: tuple[str, ...] = ()  # the route kinds this composer answers

    def __init__(self, answerer):
        self.plan = answerer.plan
        self.retriever = answerer.retriever
        self.quote = answerer.quoting
        self.evidence = answerer.evidence
        self.compose = answerer.compose  # compose(question, q, route) → Answer | None
