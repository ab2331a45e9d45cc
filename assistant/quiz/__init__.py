"""Quizzes on the plan, every item cited and checked, read in the order an item is made:

``maker`` (``QuizMaker``: which tasks, how many items of which kinds, one seed) → ``terms`` (what a task's
sentences offer: terms, clauses, enumerations) → ``writer`` (offline items from them) or ``llm`` (items a
model writes, with an OpenAI-compatible endpoint configured) → ``checks`` (every item's key, distractors,
swaps and blanks checked against the plan, with ``wording`` and ``meaning``) → ``formats`` (Markdown, JSON, CSV, XLSX, Moodle GIFT, Aiken).
``models`` holds the item and quiz records they share.
"""
from .formats import FORMATS, MULTI_SCORING, export, skipped
from .maker import MAX_ITEMS, QuizMaker, parse_kinds
from .models import KIND_NAMES, KINDS, Quiz, QuizItem

__all__ = ["QuizMaker", "MAX_ITEMS", "parse_kinds", "Quiz", "QuizItem", "KIND_NAMES", "KINDS", "FORMATS", "MULTI_SCORING",
           "export", "skipped"]
