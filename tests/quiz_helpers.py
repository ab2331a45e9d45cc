"""Shared pieces of the quiz tests: one QuizMaker for the session (plan + jieba, no index) and
item invariants written here from the issue's rules, independently of ``assistant.quiz.checks``."""
from __future__ import annotations

import re
import unicodedata

import pytest

from assistant.config import Config
from assistant.quiz import QuizMaker

BLANK = "____"


@pytest.fixture(scope="session")
def maker(tmp_path_factory) -> QuizMaker:
    return QuizMaker.from_config(Config(home=tmp_path_factory.mktemp("quiz-home"), progress=False))


def norm(text: str) -> str:
    """Punctuation folded to one width and one quote mark, so a stem's “，” matches the plan's ","."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[“”‘’]", '"', text)


def quoted_segments(stem: str) -> list[str]:
    """Top-level “…” segments (‘’ nest inside)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(stem):
        if ch == "“":
            depth, start = depth + 1, (i + 1 if depth == 0 else start)
        elif ch == "”":
            depth -= 1
            if depth == 0:
                out.append(stem[start:i])
    return out


def assert_item_invariants(plan, item, task: int | None = None) -> None:
    """What every item must satisfy, checked from the plan's raw text."""
    node = plan.task(item.task) if item.task is not None else plan.section_node(item.section)
    if task is not None:
        assert item.task == task
    assert item.section == node.section and item.label == node.label
    assert item.quote and item.quote in node.text, "the quote is not verbatim text of the cited task"
    stem = item.stem
    assert 8 <= len(stem) <= 220 and stem[-1] in "？。”）", stem
    assert not re.search(r'[\[\]{}<>"]|任务\d+\]|，，|。。|、、|，。', stem), stem
    assert stem.count("“") == stem.count("”"), stem
    assert item.explanation
    if item.kind == "blank":
        assert stem.count(BLANK) == 1 and item.options == [] and len(item.answer) == 1
        fragment = next(s for s in quoted_segments(stem) if BLANK in s).strip("…")
        assert item.answer[0] in item.quote
        assert norm(fragment.replace(BLANK, item.answer[0])) in norm(item.quote), (fragment, item.quote)
        assert item.answer[0] not in stem
    elif item.kind == "judge":
        assert item.options == ["正确", "错误"] and item.answer in (["正确"], ["错误"])
        statement = norm(max(quoted_segments(stem), key=len))
        if item.answer == ["正确"]:
            assert statement in norm(item.quote)
        else:
            assert statement not in norm(plan.text), "a false statement must occur nowhere in the plan"
    else:
        assert len(set(item.options)) == len(item.options)
        assert set(item.answer) <= set(item.options)
        if item.kind == "single":
            assert len(item.answer) == 1 and 3 <= len(item.options) <= 5
        else:
            assert 2 <= len(item.answer) < len(item.options) <= 6
        wrong = [o for o in item.options if o not in item.answer]
        if all(re.match(r"任务\d+ ", o) for o in item.options):  # "which task is this from?"
            term = norm(quoted_segments(stem)[0])
            assert item.answer[0].startswith(f"任务{item.task} ") and term in norm(item.quote)
            for o in wrong:
                assert term not in norm(plan.task(int(re.match(r"任务(\d+)", o).group(1))).text)
        else:
            assert all(norm(a) in norm(item.quote) for a in item.answer), "a correct option is not in the quote"
            for o in wrong:
                assert norm(o) not in norm(node.text), f"distractor {o!r} is in the cited text"
