"""``Assistant.quiz`` (the Python API the web tab will call) delegates to the same maker."""
from __future__ import annotations

from assistant.errors import InputError
from quiz_helpers import assert_item_invariants, maker  # noqa: F401  (maker is a fixture)


def test_assistant_quiz_matches_the_standalone_maker(bot, maker, plan):
    quiz = bot.quiz(tasks=[19], part=None, n=5, kinds=("single", "multi", "judge", "blank"), seed=42)
    assert [i.to_dict() for i in quiz.items] == [i.to_dict() for i in maker.make(tasks=[19], n=5, seed=42).items]
    for item in quiz.items:
        assert_item_invariants(plan, item, 19)
    assert bot.quiz(part="六", n=3, seed=1).items[0].task in {t.task for t in plan.part("六").tasks}


def test_assistant_quiz_validates_its_arguments(bot):
    for kwargs in (dict(tasks=[39]), dict(part="十二"), dict(n=100), dict(kinds=["poem"])):
        try:
            bot.quiz(**kwargs)
        except InputError as e:
            assert e.message_zh
        else:
            raise AssertionError(f"no error for {kwargs}")
