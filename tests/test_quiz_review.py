"""The faults of the blind review of issue 14 (/work/review14), each on the real item: the quiz is made
again with the reviewer's command and seed, and the fault must be gone; the check behind each fix
must reject the faulty item."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from assistant.quizcheck import attributions
from quiz_helpers import maker, norm  # noqa: F401  (maker is a fixture)

# the reviewer's runs: (tasks, part, n, seed)
REVIEWED = {
    "task4": ([4], None, 6, 7310), "task11": ([11], None, 6, 2458), "task15": ([15], None, 6, 9917),
    "task22": ([22], None, 6, 533), "task29": ([29], None, 6, 16021), "task37": ([37], None, 6, 4848),
    "part7": (None, "七", 17, 31337), "part9": (None, "九", 16, 8126),
}


@pytest.fixture(scope="module")
def reviewed(maker):
    return {name: maker.make(tasks=t, part=p, n=n, seed=s).items for name, (t, p, n, s) in REVIEWED.items()}


def all_items(reviewed):
    return [i for items in reviewed.values() for i in items]


# --- 1. "which option belongs to task N": the explanation names each option's real task ----------------
def sources(item) -> dict[str, int]:
    """option → the task the explanation says it comes from (read here without the checker)."""
    named = {norm(t): int(n) for t, n in re.findall(r"“((?:[^“”]|‘[^’]*’)+)”出自任务(\d+)", item.explanation)}
    return {o: named.get(norm(o)) for o in item.options}


def test_each_option_is_attributed_to_the_task_it_comes_from(reviewed, plan):
    belongs = [i for i in all_items(reviewed) if i.template.startswith("single.belongs")]
    assert len(belongs) >= 6
    for item in belongs:
        for option, task in sources(item).items():
            assert task is not None, (option, item.explanation)
            assert norm(option) in norm(plan.task(task).text), (option, task, item.explanation)


def test_a_misattributing_explanation_is_rejected(maker, reviewed):
    item = next(i for i in reviewed["task4"] if i.template.startswith("single.belongs"))  # review #1
    assert maker.checker.check(item) == []
    wrong = [o for o in item.options if o not in item.answer]
    tasks = [sources(item)[o] for o in wrong]
    # the review's form, "其余三项分别出自任务6、任务5、任务1", with the tasks out of the options' order
    shifted = tasks[1:] + tasks[:1]
    by_position = item.explanation.split("；")[0] + "；其余三项分别出自" + "、".join(f"任务{t}" for t in shifted) + "。"
    problems = maker.checker.check(replace(item, explanation=by_position))
    assert any("does not contain it" in p for p in problems), problems
    in_order = item.explanation.split("；")[0] + "；其余三项分别出自" + "、".join(f"任务{t}" for t in tasks) + "。"
    assert maker.checker.check(replace(item, explanation=in_order)) == []
    # by text: two options' tasks exchanged
    a, b = wrong[0], wrong[1]
    text = item.explanation.replace(f"{a}”出自任务{tasks[0]}", "\0").replace(
        f"{b}”出自任务{tasks[1]}", f"{b}”出自任务{tasks[0]}").replace("\0", f"{a}”出自任务{tasks[1]}")
    assert text != item.explanation
    assert any("does not contain it" in p for p in maker.checker.check(replace(item, explanation=text)))


def test_attributions_are_read_with_nested_quotes():
    assert attributions("“建设‘科普中国’”出自任务23；“办好科技周”见任务20。其他“词”不算。") == [
        ("建设‘科普中国’", 23), ("办好科技周", 20)]
