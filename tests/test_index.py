"""The persisted index: what it records, reuse without re-embedding, and rebuilding when damaged.

Rebuilding embeds every passage (the slow step), so the suite does exactly one
real rebuild (garbage version.json).  The other kinds of damage are shown to
be detected by ``load_index`` (an ``IndexError_``), which is what makes
``open_index`` rebuild; the real rebuild test proves that path end to end.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import assistant.retrieval.index as index_module
from assistant import Assistant
from assistant.config import Config
from assistant.retrieval.embeddings import MODEL_ID, embed_query
from assistant.errors import IndexError_
from assistant.retrieval.index import FORMAT_VERSION, fingerprint, load_index, make_passages

REPO = Path(__file__).resolve().parents[1]


class BuildSpy:
    """Wraps the real ``build_index`` (it still runs) and counts the calls."""

    def __init__(self, real):
        self.real = real
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.real(*args, **kwargs)


@pytest.fixture
def build_spy(monkeypatch) -> BuildSpy:
    spy = BuildSpy(index_module.build_index)
    monkeypatch.setattr(index_module, "build_index", spy)  # the name open_index calls
    return spy


@pytest.fixture
def copied_home(index_home, tmp_path) -> Config:
    """A private copy of the session's index (no re-embedding), to damage at will."""
    home = tmp_path / "copied-home"
    shutil.copytree(index_home, home)
    return Config(home=home, progress=False)


def _mtimes(root: Path) -> dict[str, int]:
    files = [root / "version.json", root / "passages.json", *sorted((root / "bm25").iterdir())]
    return {str(f.relative_to(root)): f.stat().st_mtime_ns for f in files}


# --- what is on disk ---------------------------------------------------------

def test_index_lives_in_the_temporary_home(bot, index_home):
    root = index_home / "index"
    for name in ("version.json", "passages.json", "bm25", "chroma"):
        assert (root / name).exists(), name
    assert bot.config.index_dir == root
    # jieba's cache goes to the home as well, not to /tmp or the user's cache
    assert (index_home / "jieba" / "jieba.cache").is_file()


def test_default_home_comes_from_the_environment(tmp_path):
    home = Path(os.environ["ASSISTANT_HOME"])
    assert Config().home == home
    assert tmp_path in home.parents
    assert Path.home() / ".cache" not in home.parents


def test_version_file_records_corpus_hash_model_and_format(bot, index_home, plan):
    version = json.loads((index_home / "index" / "version.json").read_text("utf-8"))
    assert version["format_version"] == FORMAT_VERSION
    assert version["model_id"] == MODEL_ID
    assert len(version["corpus_sha256"]) == 64 and int(version["corpus_sha256"], 16) >= 0
    assert version == fingerprint(bot.config, plan)


def test_corpus_hash_changes_with_the_corpus_and_the_user_dictionary(tmp_path, plan):
    base = Config(home=tmp_path / "h")
    corpus = tmp_path / "corpus"
    shutil.copytree(base.corpus_dir, corpus)
    same = fingerprint(Config(home=tmp_path / "h", corpus_dir=corpus), plan)
    assert same == fingerprint(base, plan)

    plan_txt = corpus / "plan.txt"
    plan_txt.write_text(plan_txt.read_text("utf-8").replace("乡村振兴", "乡村发展", 1), "utf-8")
    changed_corpus = fingerprint(Config(home=tmp_path / "h", corpus_dir=corpus), plan)
    assert changed_corpus["corpus_sha256"] != same["corpus_sha256"]

    shutil.copy(base.corpus_dir / "plan.txt", plan_txt)
    with (corpus / "userdict.txt").open("a", encoding="utf-8") as f:
        f.write("新增词语 10 n\n")
    changed_dict = fingerprint(Config(home=tmp_path / "h", corpus_dir=corpus), plan)
    assert changed_dict["corpus_sha256"] not in (same["corpus_sha256"], changed_corpus["corpus_sha256"])


def test_passages_are_verbatim_spans_and_every_store_holds_all_of_them(bot, plan, index_home):
    rows = json.loads((index_home / "index" / "passages.json").read_text("utf-8"))
    passages = make_passages(plan)
    assert [r["id"] for r in rows] == [p.id for p in passages]
    for r in rows:
        assert plan.text[r["start"]:r["end"]] == r["text"]
        assert r["text"] in plan.node(r["node_id"]).text
    # one whole-section passage per node, so every task can be found
    assert {r["node_id"] for r in rows if r["grain"] == "section"} == {n.id for n in plan.nodes}
    index = bot.index
    assert index.vectorstore._collection.count() == len(rows)
    assert index.bm25.scores["num_docs"] == len(rows)
    assert index.matrix.shape == (len(rows), 384)
    norms = np.linalg.norm(index.matrix, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-3)


def test_chroma_collection_is_searchable_through_langchain(bot, plan):
    node = plan.task(22)
    sentence = max(node.sentences[1:], key=lambda s: len(s.text)).text
    hits = bot.index.dense_search(embed_query(sentence), k=5)
    assert len(hits) == 5
    assert hits[0][0].node_id == "task-22"
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0.8
    # Chroma's ranking agrees with the exact cosine over the stored matrix
    exact = bot.index.dense_scores(embed_query(sentence))
    assert bot.index.passages[int(np.argmax(exact))].id == hits[0][0].id


# --- reuse -------------------------------------------------------------------

def test_second_assistant_on_the_same_home_does_not_re_embed(bot, index_home, build_spy, plan):
    before = _mtimes(index_home / "index")
    second = Assistant(Config(home=index_home, progress=False))
    assert build_spy.calls == 0
    assert _mtimes(index_home / "index") == before
    assert second.ask("第19项任务要求什么？").cited_tasks[0] == 19
    # the reopened index ranks exactly as the one built in this session
    question = "如何加强科普队伍建设"
    a = [h.node.id for h in second.retriever.search(question).hits[:5]]
    b = [h.node.id for h in bot.retriever.search(question).hits[:5]]
    assert a == b


def test_an_intact_copy_loads_without_rebuilding(copied_home, bot, plan, build_spy):
    index = load_index(copied_home, plan, bot.tokenizer)
    assert len(index.passages) == len(bot.index.passages)
    Assistant(copied_home)
    assert build_spy.calls == 0


# --- damage is detected -------------------------------------------------------

def _garbage_version(root: Path):
    (root / "version.json").write_bytes(b"\x00\xffnot json{{{")


def _missing_version(root: Path):
    (root / "version.json").unlink()


def _delete_passages(root: Path):
    (root / "passages.json").unlink()


def _truncate_passages(root: Path):
    (root / "passages.json").write_text("[{\"id\": ", "utf-8")


def _edit_version(key, value):
    def damage(root: Path):
        v = json.loads((root / "version.json").read_text("utf-8"))
        v[key] = value
        (root / "version.json").write_text(json.dumps(v), "utf-8")
    damage.__name__ = f"_set_{key}"
    return damage


def _delete_bm25(root: Path):
    shutil.rmtree(root / "bm25")


def _delete_chroma(root: Path):
    shutil.rmtree(root / "chroma")


DAMAGE = [_garbage_version, _missing_version, _delete_passages, _truncate_passages,
          _edit_version("format_version", FORMAT_VERSION + 1), _edit_version("format_version", FORMAT_VERSION - 1),
          _edit_version("model_id", "some-other-model"), _edit_version("corpus_sha256", "0" * 64),
          _delete_bm25, _delete_chroma]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda d: d.__name__.strip("_"))
def test_damaged_or_stale_index_is_detected(copied_home, bot, plan, damage):
    damage(copied_home.index_dir)
    with pytest.raises(IndexError_):
        load_index(copied_home, plan, bot.tokenizer)


# --- and rebuilt (the one real rebuild of the suite) --------------------------

def test_garbage_version_and_missing_passages_trigger_a_rebuild_that_answers(copied_home, bot, plan, build_spy):
    root = copied_home.index_dir
    _garbage_version(root)
    (root / "passages.json").unlink()
    rebuilt = Assistant(copied_home)
    assert build_spy.calls == 1
    # the rebuilt index is complete and current
    version = json.loads((root / "version.json").read_text("utf-8"))
    assert version == fingerprint(copied_home, plan)
    assert (root / "passages.json").is_file()
    assert len(rebuilt.index.passages) == len(make_passages(plan))
    assert rebuilt.index.vectorstore._collection.count() == len(rebuilt.index.passages)
    load_index(copied_home, plan, bot.tokenizer)  # now loads cleanly
    # and it answers: by number, and by retrieval over the new vectors
    assert rebuilt.ask("第19项任务要求什么？").cited_tasks[0] == 19
    for n in (13, 21, 33):
        sentence = max(plan.task(n).sentences[1:], key=lambda s: len(s.text)).text
        assert rebuilt.retriever.search(sentence).hits[0].node.task == n
    question = "科技期刊建设的目标是什么"
    assert [h.node.id for h in rebuilt.retriever.search(question).hits[:5]] == \
           [h.node.id for h in bot.retriever.search(question).hits[:5]]
    # a second open reuses what was just rebuilt
    Assistant(copied_home)
    assert build_spy.calls == 1
