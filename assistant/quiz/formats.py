"""Quizzes as files: Markdown, JSON, CSV, XLSX, Moodle GIFT and Aiken.

``export(quiz, "gift")`` returns the file's text (bytes for XLSX); ``FORMATS`` maps each format to
its file extension and MIME type, so a web layer can offer downloads::

    ext, mime = FORMATS["xlsx"]           # ("xlsx", "application/vnd.openxmlformats-…")
    data = export(quiz, "xlsx")

- **md**: the questions grouped by kind, then a separate answer key with explanations and citations.
- **json**: ``Quiz.to_dict()`` (every item field, the answer as option texts and as letters).
- **csv** / **xlsx**: one row an item, the columns an exam system's spreadsheet import expects:
  序号, 题型 (单选题/多选题/判断题/填空题), 题干, 选项A–F, 答案 (letters, 正确/错误, or the word),
  解析, 任务, 章节, 出处 (the task's label), 原文 (the verbatim quote). The CSV starts with a UTF-8 BOM so that Excel reads the Chinese.
- **gift** (Moodle): single → ``{=right ~wrong}``, multi → ``{~%50%right ~%-100%wrong}`` (``multi_scoring``
  "all-or-nothing", the default) or ``{~%50%right ~%-50%wrong}`` ("partial", see ``multi_weights``), judge →
  ``{T}``/``{F}``, blank → short answer ``{=word =variant …}`` (every
  spelling of ``answer_variants``: middle dots · • ・, full/half width); the explanation as general feedback ``####``;
  ``~ = # { } :`` and ``\\`` escaped with a backslash.
- **aiken** (Moodle): single-choice only. True/false items become "A. 正确 / B. 错误" questions;
  multiple-choice and blank items cannot be written and are left out: ``skipped(items, "aiken")``
  lists them so the caller can say so.

>>> sorted(FORMATS)
['aiken', 'csv', 'gift', 'json', 'md', 'xlsx']
>>> gift_escape("a=b {c}: ~d #e")
'a\\\\=b \\\\{c\\\\}\\\\: \\\\~d \\\\#e'
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata

from ..errors import InputError
from .models import KIND_NAMES, LETTERS, Quiz, QuizItem

FORMATS: dict[str, tuple[str, str]] = {
    "md": ("md", "text/markdown; charset=utf-8"),
    "json": ("json", "application/json"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "gift": ("gift.txt", "text/plain; charset=utf-8"),
    "aiken": ("aiken.txt", "text/plain; charset=utf-8"),
}
MAX_OPTIONS = 6
COLUMNS = ["序号", "题型", "题干"] + [f"选项{LETTERS[i]}" for i in range(MAX_OPTIONS)] + [
    "答案", "解析", "任务", "章节", "出处", "原文"]


MULTI_SCORING = ("all-or-nothing", "partial")


def export(quiz: Quiz | list[QuizItem], fmt: str, multi_scoring: str = "all-or-nothing") -> str | bytes:
    """The quiz in format ``fmt`` (one of FORMATS): text, or bytes for xlsx. ``multi_scoring`` (one of
    MULTI_SCORING) is how GIFT weighs a multiple-choice item's options; the other formats carry no weights."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}: choose from {', '.join(FORMATS)}",
                         f"不支持的导出格式“{fmt}”，可选：{'、'.join(FORMATS)}。")
    if multi_scoring not in MULTI_SCORING:
        raise InputError(f"unknown multi_scoring {multi_scoring!r}: choose from {', '.join(MULTI_SCORING)}",
                         f"不支持的多选题计分方式“{multi_scoring}”，可选：{'、'.join(MULTI_SCORING)}。")
    if isinstance(quiz, list):
        quiz = Quiz(quiz, sorted({i.task for i in quiz if i.task}), [], len(quiz), [], None)
    if fmt == "gift":
        return to_gift(quiz, multi_scoring)
    return {"md": to_markdown, "json": to_json, "csv": to_csv, "xlsx": to_xlsx, "aiken": to_aiken}[fmt](quiz)


def skipped(items: list[QuizItem], fmt: str) -> list[QuizItem]:
    """Items that ``fmt`` cannot hold (Aiken: multiple choice and blanks)."""
    return [i for i in items if fmt == "aiken" and i.kind in ("multi", "blank")]


def source_line(item: QuizItem) -> str:
    """出处：任务19 实施平战结合科普能力提升工程（第六部分）：“quote”"""
    where = item.label or (f"任务{item.task}" if item.task is not None else item.section)
    part = f"（第{item.section}部分）" if item.task is not None else ""
    return f"出处：{where}{part}：“{item.quote}”"


# --- Markdown and JSON --------------------------------------------------------------
def to_markdown(quiz: Quiz) -> str:
    lines = [f"# {md_escape(quiz.title)}", ""]
    if quiz.notice:
        lines += [f"> {md_escape(quiz.notice)}", ""]
    number = 0
    numbers: dict[int, int] = {}
    for section, kind in enumerate(k for k in KIND_NAMES if any(i.kind == k for i in quiz.items)):
        lines += [f"## {'一二三四'[section]}、{KIND_NAMES[kind]}", ""]
        for item in (i for i in quiz.items if i.kind == kind):
            number += 1
            numbers[id(item)] = number
            lines.append(f"{number}. {md_escape(item.stem)}")
            if kind in ("single", "multi"):
                lines += [f"   - {LETTERS[k]}. {md_escape(o)}" for k, o in enumerate(item.options)]
            elif kind == "judge":
                lines.append("   - A. 正确　B. 错误")
            lines.append("")
    lines += ["---", "", "## 答案与解析", ""]
    for item in sorted(quiz.items, key=lambda i: numbers[id(i)]):
        answer = item.answer[0] if item.kind in ("blank", "judge") else item.letters
        if item.kind in ("single", "multi"):
            answer += "（" + "；".join(o for o in item.options if o in item.answer) + "）"
        lines.append(f"{numbers[id(item)]}. **{md_escape(answer)}**　{md_escape(item.explanation)}")
        lines.append(f"   {md_escape(source_line(item))}")
        lines.append("")
    return "\n".join(lines)


def md_escape(text: str) -> str:
    """Markdown's own characters escaped, so a blank ____ stays four underscores."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def to_json(quiz: Quiz) -> str:
    return json.dumps(quiz.to_dict(), ensure_ascii=False, indent=2) + "\n"


# --- spreadsheets --------------------------------------------------------------------
def rows(quiz: Quiz) -> list[list]:
    """One row an item, in ``COLUMNS`` order."""
    out = []
    for k, item in enumerate(quiz.items, 1):
        options = item.options[:MAX_OPTIONS] + [""] * (MAX_OPTIONS - len(item.options[:MAX_OPTIONS]))
        answer = item.answer[0] if item.kind in ("judge", "blank") else item.letters
        out.append([k, KIND_NAMES[item.kind], item.stem, *options, answer, item.explanation,
                    item.task if item.task is not None else "", item.section, item.label, item.quote])
    return out


def to_csv(quiz: Quiz) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(quiz))
    return "\ufeff" + buffer.getvalue()


def to_xlsx(quiz: Quiz) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "题目"
    ws.append(COLUMNS)
    for row in rows(quiz):
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = {"序号": 6, "题型": 8, "题干": 60, "答案": 12, "解析": 50, "任务": 6, "章节": 8, "出处": 30, "原文": 60}
    for col, name in enumerate(COLUMNS, 1):
        ws.column_dimensions[ws.cell(1, col).column_letter].width = widths.get(name, 24)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Moodle ------------------------------------------------------------------------------
def gift_escape(text: str) -> str:
    """GIFT's control characters ~ = # { } : (and the backslash itself) escaped with a backslash."""
    return re.sub(r"([\\~=#{}:])", r"\\\1", text)


def multi_weights(options: int, right: int, scoring: str) -> tuple[float, float]:
    """The GIFT percentages (each right option, each wrong option) of a multiple-choice item.

    Moodle adds up the percentages of the options ticked and keeps the sum between 0 and 100 %.
    "partial": each right option +100/k %, each wrong one -100/(n-k) %, so ticking every option scores 0
    and a trainee earns credit for each right pick. "all-or-nothing": any wrong option ticked takes the
    score to 0 (-100 %); core Moodle still gives j/k for j of the k right options and no wrong one, since
    GIFT has no all-or-nothing question type (that is the qtype_multichoiceset plugin, not GIFT's).

    >>> multi_weights(4, 2, "partial"), multi_weights(4, 3, "partial"), multi_weights(4, 2, "all-or-nothing")
    ((50.0, -50.0), (33.333333333333336, -100.0), (50.0, -100.0))
    """
    wrong = options - right
    if scoring == "partial":
        return 100 / right, (-100 / wrong if wrong else 0.0)
    return 100 / right, -100.0


def to_gift(quiz: Quiz, multi_scoring: str = "all-or-nothing") -> str:
    out = [f"// {quiz.title}", f"$CATEGORY: {gift_escape(quiz.title)}", ""]
    for k, item in enumerate(quiz.items, 1):
        where = f"任务{item.task}" if item.task is not None else item.section
        title = gift_escape(f"{k:02d} {where} {KIND_NAMES[item.kind]}")
        feedback = gift_escape(f"{item.explanation} {source_line(item)}")
        if item.kind == "single":
            answers = [("=" if o in item.answer else "~") + gift_escape(o) for o in item.options]
        elif item.kind == "multi":
            right, wrong = (_weight(w) for w in multi_weights(len(item.options), len(item.answer), multi_scoring))
            answers = [f"~%{right if o in item.answer else wrong}%{gift_escape(o)}" for o in item.options]
        elif item.kind == "judge":
            answers = ["TRUE" if item.answer == ["正确"] else "FALSE"]
        else:
            answers = ["=" + gift_escape(a) for a in answer_variants(item.answer[0])]
        body = "\n".join(f"\t{a}" for a in answers)
        out += [f"::{title}::{gift_escape(item.stem)} {{", body, f"\t####{feedback}", "}", ""]
    return "\n".join(out)


_DOTS = "·•・‧"


def answer_variants(answer: str) -> list[str]:
    """The spellings a trainee may type for a short answer, the plan's own first: any middle dot
    (· • ・ ‧) for another, full-width and half-width letters, digits and punctuation, “” as "".
    Moodle's short answer matches typed text exactly, so GIFT lists each as an accepted answer.

    >>> answer_variants("科学·技术")
    ['科学·技术', '科学•技术', '科学・技术', '科学‧技术']
    >>> answer_variants("5G网络")
    ['5G网络', '５Ｇ网络']
    """
    widths = [answer, unicodedata.normalize("NFKC", answer),
              "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in unicodedata.normalize("NFKC", answer)),
              re.sub("[“”]", '"', unicodedata.normalize("NFKC", answer))]
    out: list[str] = []
    for text in widths:
        for dot in ([text[i] for i in range(len(text)) if text[i] in _DOTS][:1] or [None]):
            spellings = [text] if dot is None else [text] + [text.replace(dot, d) for d in _DOTS if d != dot]
            out += [x for x in spellings if x not in out]
    return out


def _weight(value: float) -> str:
    """Moodle's grade fractions (its import refuses others): 50, 33.33333, 25, 20, 16.66667, -14.28571."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def to_aiken(quiz: Quiz) -> str:
    out = []
    for item in quiz.items:
        if item.kind in ("multi", "blank"):
            continue
        options = item.options if item.kind == "single" else ["正确", "错误"]
        stem = " ".join(item.stem.split())  # Aiken: the question on one line
        out.append(stem)
        out += [f"{LETTERS[k]}. {' '.join(o.split())}" for k, o in enumerate(options)]
        out.append(f"ANSWER: {LETTERS[options.index(item.answer[0])]}")
        out.append("")
    return "\n".join(out)
