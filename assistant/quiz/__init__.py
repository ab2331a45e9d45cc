"""Quizzes on the plan, every item cited and checked, read in the order an item is made:

``maker`` (``QuizMaker``: which tasks, how many items of which kinds, one seed) → ``terms`` (what a task's
sentences offer: ``terms_sentence`` its terms and clauses, ``terms_lists`` its enumerations, ``terms_pool``
the stand-ins for distractors) → ``writer`` (offline items from them: ``writer_blank``, ``writer_judge``,
``writer_single``, ``writer_multi``, all made of ``writer_parts``) or ``llm`` (items a model writes, with an
OpenAI-compatible endpoint configured) → ``checks`` (every item's key, distractors, swaps and blanks checked
against the plan: ``checks_blank``, ``checks_judge``, ``checks_choice`` by kind, ``checks_pairs`` between
items, all reading the plan through ``checks_text``, with ``wording`` and ``meaning``) → ``formats``
(Markdown, JSON, CSV, XLSX, Moodle GIFT, Aiken). ``models`` holds the item and quiz records they share.
"""
from .formats import FORMATS, MULTI_SCORING, export, skipped
from .maker import MAX_ITEMS, QuizMaker, parse_kinds
from .models import KIND_NAMES, KINDS, Quiz, QuizItem

__all__ = ["QuizMaker", "MAX_ITEMS", "parse_kinds", "Quiz", "QuizItem", "KIND_NAMES", "KINDS", "FORMATS", "MULTI_SCORING",
           "export", "skipped"]
