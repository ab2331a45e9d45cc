"""The learned second opinion on what a question asks for (assistant/askkind.py)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from assistant import askkind, scope

REPO = Path(__file__).resolve().parent.parent


def test_the_shipped_weights_are_what_the_tuning_sets_train(tmp_path):
    spec = importlib.util.spec_from_file_location("train_askkind", REPO / "eval" / "train_askkind.py")
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    out = tmp_path / "askkind.npz"
    train.main(out)
    fresh, shipped = askkind.AskKindModel.load(out), askkind.AskKindModel.load()
    assert fresh.vocabulary == shipped.vocabulary and fresh.labels == shipped.labels
    assert np.allclose(fresh.weights, shipped.weights, atol=1e-5)


@pytest.mark.parametrize("question,kind", [
    ("我们想申请成为科普教育基地，需要准备些什么东西？", "procedure"),
    ("国家科技传播中心的馆址定在哪儿了？", "place"),
])
def test_a_way_of_asking_no_pattern_knows_is_recognised_and_declined(bot, question, kind):
    assert not any(asks.search(question) for asks, _ in scope.ASKS.values())  # the premise: no pattern
    assert scope.asked_figure(question) == kind
    answer = bot.ask(question)
    assert answer.refused and answer.text.startswith("规划中没有给出"), answer.text
    assert answer.citations  # … and quotes what the plan does say


@pytest.mark.parametrize("text", ["中国科技会堂论坛", "科普中国百人会"])
def test_a_bare_term_is_not_read_as_a_question_for_a_detail(text):
    assert scope.asked_figure(text) is None
