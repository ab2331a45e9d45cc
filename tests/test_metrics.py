"""The metrics can fail: deliberately wrong answers score low, right ones high."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from assistant.evaluation import calibrate, citation_is_valid, score_answer
from assistant.support import SupportTest, statements, support_score
from assistant.models import Answer, Citation

REPO_LABELS = __import__("pathlib").Path(__file__).resolve().parents[1] / "eval" / "support_labels.jsonl"


@pytest.fixture(scope="module")
def support(bot):
    pairs = [json.loads(x) for x in REPO_LABELS.read_text("utf-8").splitlines() if x.strip()]
    return SupportTest(bot.tokenizer, calibrate(pairs, bot.tokenizer)["tau"])


def _answer(plan, task: int, sentence_index: int, text_override: str | None = None, marker_task: int | None = None):
    node = plan.task(task)
    s = node.sentences[sentence_index]
    cited = plan.task(marker_task) if marker_task else node
    body = text_override or s.text
    cite = Citation(cited.task, cited.section, cited.label, s.text, cited.marker, cited.id, s.start, s.end)
    return Answer("q", f"- {body} {cited.marker}", False, [cite])


def test_a_real_quote_with_its_own_marker_scores_full(bot, plan, support):
    scores = score_answer(plan, _answer(plan, 19, 1), support)
    assert scores.citation_recall == scores.faithfulness == scores.citation_precision == 1.0
    assert scores.citation_validity == 1.0


def test_the_wrong_task_cited_scores_zero(bot, plan, support):
    scores = score_answer(plan, _answer(plan, 19, 1, marker_task=8), support)
    assert scores.faithfulness == 0.0 and scores.citation_recall == 0.0


def test_an_invented_sentence_under_a_real_citation_scores_zero(bot, plan, support):
    invented = "规划要求每个县在2023年前建成一座国家级应急科普馆。"
    scores = score_answer(plan, _answer(plan, 19, 1, text_override=invented), support)
    assert scores.faithfulness == 0.0


def test_a_changed_number_is_not_supported(bot, plan, support):
    original = next(s.text for s in plan.node("part-2.3").sentences if "15%" in s.text)
    assert support(original, plan.node("part-2.3").text)
    assert not support(original.replace("15%", "20%"), plan.node("part-2.3").text)


def test_a_swapped_term_is_not_supported(bot, plan, support):
    original = next(s.text for s in plan.task(29).sentences if "海智计划" in s.text)
    assert support(original, plan.task(29).text)
    assert not support(original.replace("海智计划", "英才计划"), plan.task(29).text)


def test_a_fake_quote_is_an_invalid_citation(plan):
    node = plan.task(19)
    s = node.sentences[1]
    real = Citation(19, "六", node.label, s.text, node.marker, node.id, s.start, s.end)
    assert citation_is_valid(plan, real)
    assert not citation_is_valid(plan, replace(real, quote=s.text.replace("应急", "日常")))
    assert not citation_is_valid(plan, replace(real, task=39))
    assert not citation_is_valid(plan, replace(real, node_id="task-39"))
    other = plan.task(20)
    assert not citation_is_valid(plan, replace(real, node_id=other.id))  # quote outside the cited node


def test_a_statement_without_citation_is_unsupported(bot, plan, support):
    s = plan.task(19).sentences[1].text
    scores = score_answer(plan, Answer("q", f"- {s}", False, []), support)
    assert scores.citation_recall == 0.0


def test_statements_split_on_chinese_stops_and_lines_not_english_punctuation():
    text = "根据任务19：\n- 推进建设。加强传播；开展活动! [任务19]\n- Version 2.0 of it, really. [任务20]"
    got = statements(text)
    assert [s for s, _ in got][:3] == ["推进建设。", "加强传播；", "开展活动!"]
    assert got[0][1] == ["[任务19]"] and got[-1][1] == ["[任务20]"]


def test_calibration_reports_precision_and_recall_on_the_labels(bot):
    pairs = [json.loads(x) for x in REPO_LABELS.read_text("utf-8").splitlines() if x.strip()]
    assert len(pairs) >= 100
    kinds = {p["kind"] for p in pairs}
    assert {"swapped_term", "changed_number"} <= kinds  # hard negatives are there
    result = calibrate(pairs, bot.tokenizer)
    assert result["precision"] >= 0.9 and result["recall"] >= 0.9
    # the support test is not a constant: negatives score below positives on average
    pos = [support_score(p["sentence"], p["passage"], bot.tokenizer) for p in pairs if p["supported"]]
    neg = [support_score(p["sentence"], p["passage"], bot.tokenizer) for p in pairs if not p["supported"]]
    assert sum(pos) / len(pos) > sum(neg) / len(neg) + 0.3
