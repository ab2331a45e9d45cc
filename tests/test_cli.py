"""The ``python -m assistant`` command, run as a real subprocess on the session's index."""
from __future__ import annotations

import json
import re
import subprocess

import pytest

TIMEOUT = 120


@pytest.fixture(scope="module")
def run(python, subprocess_env, tmp_path_factory):
    cwd = tmp_path_factory.mktemp("cli-cwd")  # not the repo: the installed package must find its corpus

    def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([python, "-m", "assistant", *args], input=stdin, capture_output=True,
                              env=subprocess_env, cwd=cwd, timeout=TIMEOUT)
    return _run


def out(p: subprocess.CompletedProcess) -> str:
    return p.stdout.decode("utf-8")


def err(p: subprocess.CompletedProcess) -> str:
    return p.stderr.decode("utf-8")


def assert_clean_error(p: subprocess.CompletedProcess) -> str:
    """Non-zero exit, one readable (Chinese) line on stderr, no traceback."""
    assert p.returncode != 0
    text = err(p)
    assert "Traceback" not in text
    lines = [l for l in text.splitlines() if l.strip()]
    assert len(lines) == 1, text
    assert re.search(r"[\u4e00-\u9fff]", lines[0])
    return lines[0]


def test_ask_prints_a_cited_answer(run, plan):
    p = run("ask", "第19项任务要求什么？")
    assert p.returncode == 0, err(p)
    stdout = out(p)
    assert "[任务19]" in stdout
    assert plan.task(19).label in stdout
    # the quoted sentences are the plan's own
    body = [s.text for s in plan.task(19).sentences[1:]]
    assert any(s in stdout for s in body)
    assert "Traceback" not in err(p)


@pytest.mark.parametrize("question", ["明天北京天气怎么样？", "个人所得税怎么申报？"])
def test_a_decline_prints_no_empty_citation_heading(run, question):
    p = run("ask", question)
    assert p.returncode == 0, err(p)
    assert "引用：" not in out(p), out(p)
    assert json.loads(out(run("ask", "--json", question)))["refused"] is True


def test_ask_json_has_the_answer_fields(run, plan):
    p = run("ask", "--json", "一共有多少项任务")
    assert p.returncode == 0, err(p)
    data = json.loads(out(p))
    for key in ("text", "refused", "citations", "passages"):
        assert key in data
    assert data["refused"] is False
    assert "38" in data["text"]
    assert data["citations"]
    for c in data["citations"]:
        assert plan.text[c["start"]:c["end"]] == c["quote"]
        assert c["marker"] in data["text"]
    assert isinstance(data["passages"], list)


def test_ask_reads_the_question_from_stdin(run, plan):
    p = run("ask", "-", stdin="第六部分包括哪些任务\n".encode("utf-8"))
    assert p.returncode == 0, err(p)
    stdout = out(p)
    for t in plan.part("六").tasks:
        assert f"[任务{t.task}]" in stdout
    assert "[任务16]" not in stdout and "[任务24]" not in stdout


def test_ask_stdin_that_is_not_utf8_is_a_clean_error(run):
    assert_clean_error(run("ask", "-", stdin="第19项任务".encode("gbk")))


def test_ask_empty_question_is_a_clean_error(run):
    assert_clean_error(run("ask", ""))


def test_tasks_lists_all_38(run, plan):
    p = run("tasks")
    assert p.returncode == 0, err(p)
    lines = [l.strip() for l in out(p).splitlines()]
    task_lines = [l for l in lines if l.startswith("任务")]
    assert len(task_lines) == 38
    assert task_lines == [t.label for t in plan.tasks]
    # grouped under their parts
    for part in plan.parts:
        if part.tasks:
            assert lines.index(part.label) < lines.index(part.tasks[0].label)


@pytest.mark.parametrize("arg", ["19", "十九"])
def test_show_prints_the_task_text(run, plan, arg):
    p = run("show", arg)
    assert p.returncode == 0, err(p)
    assert plan.task(19).text in out(p)
    assert plan.task(19).label in out(p)


def test_show_missing_task_is_one_readable_error_line(run):
    line = assert_clean_error(run("show", "39"))
    assert "38" in line and "39" in line


def test_show_non_number_is_a_clean_error(run):
    assert_clean_error(run("show", "abc"))


def test_help_lists_the_commands(run):
    p = run("--help")
    assert p.returncode == 0
    for cmd in ("ask", "index", "tasks", "show"):
        assert cmd in out(p)


def test_output_closed_early_is_not_a_traceback(python, subprocess_env, tmp_path):
    """`assistant tasks | head -1`: the reader goes away; the command must not print a traceback."""
    proc = subprocess.Popen([python, "-m", "assistant", "tasks"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=subprocess_env, cwd=tmp_path)
    proc.stdout.close()  # like `head` exiting before the command writes
    _, stderr = proc.communicate(timeout=TIMEOUT)
    assert "Traceback" not in stderr.decode("utf-8", "replace"), stderr.decode("utf-8", "replace")
