"""Offline quizzes on the real plan: every task, every kind, seeds, parts and bad requests."""
from __future__ import annotations

import pytest

from assistant.errors import InputError
from assistant.quiz import KINDS, MAX_ITEMS
from quiz_helpers import BLANK, assert_item_invariants, maker  # noqa: F401  (maker is a fixture)

TASKS = list(range(1, 39))


def most(plan, task: int, n: int) -> int:
    """How many items a quiz of ``n`` on one task can hold: at most one item a sentence (the title is none)."""
    return min(n, len(plan.task(task).sentences) - 1)


def holds(items, plan, task: int, n: int) -> bool:
    """A short task gives one item a sentence, or one fewer when a multiple-choice item draws on two."""
    k = most(plan, task, n)
    return k - (k < n) <= len(items) <= k


@pytest.mark.parametrize("task", TASKS)
def test_every_task_gets_five_valid_items(maker, plan, task):
    quiz = maker.make(tasks=[task], n=5, seed=task)  # its speed: benchmarks/quiz.py
    k = len(quiz.items)
    assert holds(quiz.items, plan, task, 5) and (quiz.notice is None) == (k == 5), quiz.notice
    assert maker.checker.check_quiz(quiz.items) == []
    for item in quiz.items:
        assert_item_invariants(plan, item, task)
    if k == 5:
        assert {i.kind for i in quiz.items} == set(KINDS)  # five items, four kinds: each kind at least once
    assert len({i.template for i in quiz.items}) == k, "a stem template repeats"
    assert len({i.stem for i in quiz.items}) == k
    quoted = [maker.checker.pairs.sentences(i) for i in quiz.items]
    assert all(quoted) and len(frozenset().union(*quoted)) >= k, "two items quote one sentence"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_other_seeds_are_just_as_valid(maker, plan, seed):
    for task in TASKS:
        quiz = maker.make(tasks=[task], n=5, seed=seed)
        assert holds(quiz.items, plan, task, 5), (task, seed, quiz.notice)
        assert maker.checker.check_quiz(quiz.items) == [], (task, seed)
        for item in quiz.items:
            assert_item_invariants(plan, item, task)


def test_the_same_seed_gives_the_same_quiz(maker):
    a = maker.make(tasks=[19], n=10, seed=42)
    b = maker.make(tasks=[19], n=10, seed=42)
    c = maker.make(tasks=[19], n=10, seed=43)
    assert [i.to_dict() for i in a.items] == [i.to_dict() for i in b.items]
    assert [i.to_dict() for i in a.items] != [i.to_dict() for i in c.items]
    assert maker.make(tasks=[19], n=3).seed is not None  # a random seed is recorded so it can be replayed


def test_kinds_are_respected_and_spread_evenly(maker, plan):
    # tasks 23 and 29: three single-choice forms (29 has a "which task" name, 海智计划), so an even
    # split needs no form twice (23 and 27 have only two now that 跨界集智 is no "which task" term)
    quiz = maker.make(tasks=[23, 29], n=6, kinds=("single", "judge"), seed=5)
    assert sorted(i.kind for i in quiz.items) == ["judge"] * 3 + ["single"] * 3
    assert {i.task for i in quiz.items} == {23, 29}
    quiz = maker.make(tasks="19", n=4, kinds="blank", seed=5)
    assert [i.kind for i in quiz.items] == ["blank"] * 4


def test_a_part_quiz_spreads_over_its_tasks(maker, plan):
    quiz = maker.make(part="六", n=14, seed=3)
    tasks = {t.task for t in plan.part("六").tasks}
    assert len(quiz.items) == 14 and {i.task for i in quiz.items} <= tasks
    assert len({i.task for i in quiz.items}) >= 6
    assert [i.to_dict() for i in maker.make(part=6, n=14, seed=3).items] == [i.to_dict() for i in quiz.items]
    assert maker.checker.check_quiz(quiz.items) == []
    for item in quiz.items:
        assert_item_invariants(plan, item)
    # "which task is this from?" is asked only when the quiz covers more than one task
    assert not any(i.template.startswith("single.which_task") for i in maker.make(tasks=[19], n=20, seed=1).items)


def test_a_part_without_tasks_quizzes_its_sections(maker, plan):
    quiz = maker.make(part="二", n=6, seed=1)
    assert quiz.items and all(i.task is None and i.section.startswith("二(") for i in quiz.items)
    for item in quiz.items:
        assert_item_invariants(plan, item)


def test_blanks_are_on_meaningful_terms(maker, plan):
    answers = [i.answer[0] for t in TASKS for i in maker.make(tasks=[t], n=3, kinds="blank", seed=t).items]
    stop = maker.analysis.tokenizer.stopwords
    # at most one blank a sentence; a very short task may have fewer blankable terms than sentences
    assert len(answers) >= sum(most(plan, t, 3) for t in TASKS) - 5
    assert all(len(a) >= 2 and a not in stop for a in answers)
    names = [a for a in answers if f'"{a}"' in plan.text]  # programme names the plan puts in quotes
    assert len(names) >= 10, names
    assert {"科普中国", "海智计划", "英才计划"} & set(answers) or len(set(names)) >= 8


def test_false_statements_swap_in_a_term_from_another_task(maker, plan):
    seen = 0
    for t in TASKS:
        for item in maker.make(tasks=[t], n=4, kinds="judge", seed=t).items:
            if item.answer == ["错误"]:
                seen += 1
                assert "换成了" in item.explanation and "见" in item.explanation
    assert seen >= 20


def test_when_the_tasks_cannot_give_n_items_the_quiz_is_shorter_and_says_so(maker, plan):
    quiz = maker.make(tasks=[16], n=MAX_ITEMS, seed=1)
    assert len(quiz.items) == len(plan.task(16).sentences) - 1  # one item a sentence
    assert quiz.notice and f"{len(quiz.items)}道" in quiz.notice
    assert maker.checker.check_quiz(quiz.items) == []


@pytest.mark.parametrize("kwargs,words", [
    (dict(tasks=[39]), "38"), (dict(tasks=[0]), "38"), (dict(tasks="abc"), "任务编号"),
    (dict(part="十一"), "十个部分"), (dict(part=0), "十个部分"),
    (dict(tasks=[19], n=0), "1到50"), (dict(tasks=[19], n=51), "1到50"), (dict(tasks=[19], n="5"), "1到50"),
    (dict(tasks=[19], kinds=("essay",)), "single"), (dict(tasks=[19], kinds=()), "题型"),
])
def test_bad_requests_raise_input_errors_in_chinese(maker, kwargs, words):
    with pytest.raises(InputError) as e:
        maker.make(**kwargs)
    assert words in e.value.message_zh


def test_blank_stems_keep_four_underscores(maker):
    for item in maker.make(tasks=[23], n=3, kinds="blank", seed=9).items:
        assert BLANK in item.stem and "_____" not in item.stem
