"""Reference readers for the Moodle GIFT and Aiken formats, written from Moodle's format
documentation (docs.moodle.org "GIFT format" and "Aiken format") for the export tests.
They share no code with ``assistant.quiz.formats``.

GIFT, as documented:
- ``//`` starts a comment line; ``$CATEGORY: path`` sets the category of the questions below it;
- questions are separated by blank lines; ``::title::`` may open a question;
- the answers sit in ``{ }``: ``=right``, ``~wrong``, ``~%50%partly right`` (percent weights),
  ``#feedback`` after an answer, ``####general feedback``; ``{T}``/``{TRUE}``/``{F}``/``{FALSE}``
  for true/false; only ``=`` answers (no ``~``) make a short-answer question;
- ``~ = # { } :`` are written ``\\~ \\= \\# \\{ \\} \\:`` in text, ``\\\\`` is a backslash, ``\\n`` a newline.

Aiken, as documented: the question on one line, then options on lines ``A. text`` or ``A) text``,
then ``ANSWER: A``; questions separated by a blank line.
"""
from __future__ import annotations

import re

SPECIAL = "~=#{}:"


def gift_unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _unescaped(text: str, i: int) -> bool:
    """Is text[i] not preceded by an odd number of backslashes?"""
    k, slashes = i - 1, 0
    while k >= 0 and text[k] == "\\":
        slashes, k = slashes + 1, k - 1
    return slashes % 2 == 0


def _find(text: str, token: str, start: int = 0) -> int:
    i = text.find(token, start)
    while i != -1 and not _unescaped(text, i):
        i = text.find(token, i + 1)
    return i


def parse_gift(text: str) -> list[dict]:
    """[{title, text, type, answers: [(text, weight, feedback)], general_feedback, category}]"""
    questions, category = [], None
    for block in re.split(r"\n\s*\n", text):
        lines = []
        for line in block.splitlines():
            if line.strip().startswith("//"):
                continue
            if line.strip().startswith("$CATEGORY:"):
                category = line.strip()[len("$CATEGORY:"):].strip()
                continue
            lines.append(line)
        body = "\n".join(lines).strip()
        if not body:
            continue
        title = None
        if body.startswith("::"):
            end = _find(body, "::", 2)
            title, body = gift_unescape(body[2:end]), body[end + 2:]
        open_ = _find(body, "{")
        close = _find(body, "}", open_ + 1)
        assert open_ != -1 and close != -1, f"no answer block in {body!r}"
        assert body[close + 1:].strip() == "", "text after the answers (missing-word format) is not expected here"
        question = gift_unescape(body[:open_].strip())
        inner = body[open_ + 1:close]
        general = None
        g = _find(inner, "####")
        if g != -1:
            inner, general = inner[:g], gift_unescape(inner[g + 4:].strip())
        stripped = inner.strip()
        if stripped.split("#")[0].strip() in ("T", "TRUE", "F", "FALSE"):
            value = stripped.split("#")[0].strip() in ("T", "TRUE")
            questions.append(dict(title=title, text=question, type="truefalse", answers=[(value, None, None)],
                                  general_feedback=general, category=category))
            continue
        answers = []
        starts = [i for i, ch in enumerate(inner) if ch in "=~" and _unescaped(inner, i)]
        for k, s in enumerate(starts):
            chunk = inner[s + 1:starts[k + 1] if k + 1 < len(starts) else len(inner)]
            weight = 100.0 if inner[s] == "=" else 0.0
            m = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", chunk)
            if m:
                weight, chunk = float(m.group(1)), chunk[m.end():]
            f = _find(chunk, "#")
            feedback = gift_unescape(chunk[f + 1:].strip()) if f != -1 else None
            answer = gift_unescape((chunk[:f] if f != -1 else chunk).strip())
            answers.append((answer, weight, feedback))
        if all(inner[s] == "=" for s in starts):
            kind = "shortanswer"
        elif sum(1 for _, w, _ in answers if w > 0) > 1 or any(w not in (0.0, 100.0) for _, w, _ in answers):
            kind = "multichoice_multiple"
        else:
            kind = "multichoice"
        questions.append(dict(title=title, text=question, type=kind, answers=answers, general_feedback=general,
                              category=category))
    return questions


# Moodle's answer grades (question_bank::fraction_options_full, as percentages): its GIFT import refuses
# any other weight unless "nearest grade" is chosen on import; negative weights are the same list negated.
MOODLE_GRADES = [100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667,
                 14.28571, 12.5, 11.11111, 10, 5, 0]


def is_moodle_grade(weight: float) -> bool:
    return any(abs(abs(weight) - g) < 1e-6 for g in MOODLE_GRADES)


def moodle_multi_score(answers: list[tuple], ticked: set[str]) -> float:
    """How Moodle marks a multiple-answer multichoice question: the ticked options' percentages added up,
    kept between 0 and 100."""
    return min(100.0, max(0.0, sum(w for a, w, _ in answers if a in ticked)))


def parse_aiken(text: str) -> list[dict]:
    """[{question, options: {letter: text}, answer: letter}]"""
    questions, current = [], None
    for line in text.splitlines():
        if not line.strip():
            continue
        option = re.match(r"^([A-Z])[.)] (.*)$", line)
        answer = re.match(r"^ANSWER:\s*([A-Z])\s*$", line)
        if answer:
            assert current and answer.group(1) in current["options"], line
            current["answer"] = answer.group(1)
            questions.append(current)
            current = None
        elif option and current is not None:
            assert option.group(1) not in current["options"]
            current["options"][option.group(1)] = option.group(2)
        else:
            assert current is None, f"a question without ANSWER before {line!r}"
            current = {"question": line, "options": {}, "answer": None}
    assert current is None, "the last question has no ANSWER line"
    return questions
