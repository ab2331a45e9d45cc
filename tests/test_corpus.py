"""The cleaned corpus is the scanned source minus its noise, and nothing else.

The checks use their own, deliberately simple normalisation of the raw
source (not ``assistant.cleaning``): remove all whitespace, drop lines that
are only a page number such as ``-20``, drop a leading ``- `` bullet.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from assistant.cleaning import clean_plan_text
from assistant.plan import Plan

REPO = Path(__file__).resolve().parents[1]
TOC_FIRST = "目 录"
TOC_LAST = "38 加强规划实施的评估考核\t23"


SOURCE = REPO / "corpus" / "source.txt"   # the scanned plan as it reached us, shipped with the repository


@pytest.fixture(scope="module")
def source_bytes() -> bytes:
    return SOURCE.read_bytes()


@pytest.fixture(scope="module")
def source(source_bytes) -> str:
    return source_bytes.decode("utf-8")


def _strip_ws(text: str) -> str:
    return re.sub(r"\s+", "", text)


def normalise_lines(lines: list[str]) -> str:
    """Independent normalisation: no page-number lines, no '- ' bullets, no whitespace."""
    out = []
    for line in lines:
        s = line.strip()
        if re.fullmatch(r"-\s*\d{1,3}", s):
            continue
        if s.startswith("- "):
            s = s[2:]
        out.append(_strip_ws(s))
    return "".join(out)


def toc_bounds(lines: list[str]) -> tuple[int, int]:
    first = [i for i, l in enumerate(lines) if l.strip() == TOC_FIRST]
    last = [i for i, l in enumerate(lines) if l.rstrip("\r") == TOC_LAST]
    assert len(first) == 1 and len(last) == 1, (first, last)
    assert first[0] < last[0]
    return first[0], last[0]


@pytest.fixture(scope="module")
def normalised_source(source) -> str:
    return normalise_lines(source.split("\n"))


@pytest.fixture(scope="module")
def normalised_body(source) -> str:
    """The normalised source with the table of contents removed."""
    lines = source.split("\n")
    a, b = toc_bounds(lines)
    return normalise_lines(lines[:a] + lines[b + 1:])


def test_normalisation_helper_removes_only_the_declared_noise():
    lines = ["- 7. 建设 平台。", "-20", "  -3 ", "正文 继续", "- ——坚持 原则。", "2021年"]
    assert normalise_lines(lines) == "7.建设平台。正文继续——坚持原则。2021年"


def test_source_has_a_table_of_contents_listing_all_38_tasks(source):
    lines = source.split("\n")
    a, b = toc_bounds(lines)
    toc = lines[a:b + 1]
    # the TOC block names every task title exactly once, so removing it is removing a copy
    assert len(toc) > 38
    assert any(l.startswith("38 ") for l in toc)


@pytest.mark.parametrize("n", range(1, 39))
def test_every_task_text_occurs_in_the_normalised_source(plan, normalised_source, n):
    task = plan.task(n)
    body = _strip_ws(task.text)
    assert body.startswith(f"{n}.")
    assert len(body) > 40
    assert body in normalised_source


def test_cleaned_corpus_equals_source_minus_toc_and_noise(plan_text, normalised_body, normalised_source):
    cleaned = _strip_ws(plan_text)
    assert cleaned == normalised_body
    # and the TOC is really gone: the body is strictly shorter than the whole source
    assert len(normalised_body) < len(normalised_source)
    assert not any(re.fullmatch(r"目\s*录", line.strip()) for line in plan_text.split("\n"))


def test_clean_plan_text_reproduces_the_bundled_corpus_byte_for_byte(source, plan_text):
    cleaned = clean_plan_text(source)
    assert cleaned.encode("utf-8") == (REPO / "corpus" / "plan.txt").read_bytes()
    assert cleaned == plan_text


def test_cleaned_corpus_is_one_paragraph_per_line_without_noise(plan_text):
    lines = plan_text.split("\n")
    assert lines[-1] == "" and all(lines[:-1])
    for line in lines[:-1]:
        assert line == line.strip()
        assert not re.fullmatch(r"[-—–]?\s*\d{1,3}\s*[-—–]?", line), line
        assert not line.startswith("- "), line
        # no whitespace between two Chinese characters
        assert not re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", line), line


def test_cleaned_corpus_parses_to_the_plan_the_source_toc_announces(source, plan_text):
    plan = Plan.parse(clean_plan_text(source))
    lines = source.split("\n")
    a, b = toc_bounds(lines)
    toc_compact = _strip_ws("".join(lines[a:b + 1]))
    # every task title is listed in the source's own table of contents (the TOC
    # lines of tasks 1-6 are OCR-garbled, one glyph per cell, so start at 7)
    assert plan.task_count == 38
    for t in plan.tasks[6:]:
        assert _strip_ws(t.title) in toc_compact, t.label


def test_manifest_metadata_and_source_hash(source_bytes):
    manifest = json.loads((REPO / "corpus" / "manifest.json").read_text("utf-8"))
    assert manifest["issuing_number"] == "科协发智字〔2021〕30号"
    assert manifest["adopted"] == "2021-05-30"
    assert manifest["source_sha256"] == hashlib.sha256(source_bytes).hexdigest()
    assert manifest["tasks"] == 38 and manifest["parts"] == 10
    # the facts the manifest states are in the source itself
    src = _strip_ws(source_bytes.decode("utf-8"))
    assert manifest["issuing_number"] in src
    assert "2021年5月30日" in src


def test_manifest_counts_match_the_parsed_corpus(plan):
    manifest = json.loads((REPO / "corpus" / "manifest.json").read_text("utf-8"))
    assert manifest["tasks"] == plan.task_count
    assert manifest["parts"] == len(plan.parts)
