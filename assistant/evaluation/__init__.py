"""`assistant eval`: ours and the baselines on gold question sets, read top-down:

``harness`` (the command: runs, thresholds, reports) → ``evaluate`` (gold sets, one row a question, the
metrics of a system) → ``metrics`` (citation recall, precision, validity and faithfulness of one answer,
over ``assistant.support``) and ``baselines`` (naive LangChain, BM25, dense).
"""
from .evaluate import (answerable_by_single_turn, cited_units, gold_units, is_correct, load_gold, per_category,
                       percentile, run_ours, summarize)
from .harness import main as run_eval
from .metrics import calibrate, citation_is_valid, score_answer

__all__ = ["run_eval", "load_gold", "gold_units", "cited_units", "is_correct", "run_ours", "summarize", "per_category",
           "answerable_by_single_turn", "percentile", "score_answer", "calibrate", "citation_is_valid"]
