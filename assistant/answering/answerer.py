"""The extractive answerer: a question's path is route → compose, from the plan's own sentences only.

``ExtractiveAnswerer.answer`` asks the router (``router.Router``) for the question's routes and hands
each to the composer of its kind (``COMPOSERS``) until one answers; only a tentative route (a list or a
scan the plan's words do not match) lets the next one try. Adding a kind of question means a route in
``route.Route``, a branch in the router and a method in one composer.
"""
from __future__ import annotations

from .. import lists
from ..models import Answer
from ..plan import Plan
from ..retrieval import Retriever
from ..text import normalize
from .evidence import Evidence, Thresholds
from .quoting import Quoting
from .route import Route
from .router import Router
from .search import SearchComposer
from .structure import StructureComposer
from .topics import TopicComposer

COMPOSERS = (StructureComposer, TopicComposer, SearchComposer)


class ExtractiveAnswerer:
    def __init__(self, plan: Plan, retriever: Retriever, thresholds: Thresholds = Thresholds(), top_k: int = 5):
        self.plan = plan
        self.retriever = retriever
        self.thresholds = thresholds
        self.top_k = top_k
        self.quoting = Quoting(plan, top_k)
        self.evidence = Evidence(plan, retriever, thresholds)
        self.topic_matcher = lists.TopicMatcher(plan, retriever.index.tokenizer, retriever.synonyms,
                                                self.evidence.common_words, set(retriever.doc_freq))
        self.router = Router(plan, retriever, self.evidence, self.topic_matcher)
        self._composers = {}
        for composer in (cls(self) for cls in COMPOSERS):
            self._composers.update({kind: getattr(composer, kind) for kind in composer.kinds})

    @property
    def memory(self):
        """Annotated questions (assistant.annotations.QuestionMemory) the router consults; set by Assistant."""
        return self.router.memory

    @memory.setter
    def memory(self, memory) -> None:
        self.router.memory = memory

    def answer(self, question: str) -> Answer:
        q = normalize(question)
        for route in self.router.routes(q):
            answer = self.compose(question, q, route)
            if answer is not None:
                return answer
        raise AssertionError(f"no route answered {question!r}")  # the last route (a search) always answers

    def compose(self, question: str, q: str, route: Route) -> Answer | None:
        """The Answer for one route (None: a tentative route found nothing)."""
        return self._composers[route.kind](question, q, route)
