"""Answering from the plan, offline: a question is routed (``Router`` → a typed ``Route``), then
composed into a cited ``Answer`` by the composer of its kind.

In the order a question flows:

- ``router``: what the question is (a task, a part's tasks, a topical list, a decline …), as routes;
- ``route``: the typed routes;
- ``answerer``: ``ExtractiveAnswerer``, which hands each route to its composer;
- the composers: ``structure`` (tasks, parts, sections, annotated units), ``topics`` (topical lists,
  term scans, title patterns), ``search`` (retrieval, and declines);
- what they share: ``evidence`` (which sentences answer, whether they hold what was asked, whether the
  plan covers it) and ``quoting`` (verbatim citations and the Answer).

Retrieval is ``assistant.retrieval``; question reading (``assistant.refs``, ``assistant.scope``,
``assistant.lists``) stays beside this package, since the conversation, the plan shelf, retrieval and the
annotations read questions too.
"""
from .answerer import ExtractiveAnswerer
from .evidence import Thresholds
from .route import Route

__all__ = ["ExtractiveAnswerer", "Route", "Thresholds"]
