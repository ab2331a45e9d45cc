"""``Assistant``: the Python API every interface builds on::

    bot = Assistant()                              # bundled corpus, offline
    bot.ask("第19项任务要求什么？").citations[0].task  # → 19
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .answering import ExtractiveAnswerer, Thresholds
from .config import Config
from .errors import InputError
from .models import Answer
from .plan import Node, Plan
from .plans.shelf import BUNDLED, PlanShelf
from .plans.toplan import load_plan
from .retrieval import DEFAULT_FUSION, Fusion, Retriever, build_index, load_synonyms, load_thesaurus, open_index
from .text import Tokenizer, load_tokenizer


def bundled_title(config: Config) -> str:
    """The bundled plan's title, from its manifest."""
    import json

    try:
        return json.loads(config.manifest_path.read_text("utf-8"))["title"]
    except (OSError, ValueError, KeyError):
        return "中国科学技术协会事业发展“十四五”规划"


def load_plan_and_tokenizer(config: Config) -> tuple[Plan, Tokenizer]:
    """The parsed corpus and its jieba tokenizer (cache under the data dir)."""
    plan = load_plan(config)
    tokenizer = load_tokenizer(str(config.home / "jieba"), str(config.userdict), str(config.stopwords))
    return plan, tokenizer


class Assistant:
    """Answers questions about the plans it serves, offline: the bundled plan (the default, unless
    ``config.default_plan``) and every plan added with ``assistant plans add`` (``config.plans`` chooses),
    each with its own index (built on first use). ``bot.ask(q)`` goes to the plan ``q`` names, else the
    default (``assistant.plans.shelf``); ``bot.ask(q, plan="jiangling")`` pins one. ``Assistant(plan="jiangling")``
    serves that plan alone."""

    def __init__(self, config: Config | None = None, *, plan: str | None = None, home: str | Path | None = None,
                 fusion: Fusion = DEFAULT_FUSION, thresholds: Thresholds = Thresholds(),
                 llm: str | None = None, model: str | None = None, base_url: str | None = None,
                 api_key: str | None = None, timeout: float | None = None):
        self.config = config or Config()
        overrides = {"home": Path(home) if home is not None else None, "llm": llm, "llm_model": model,
                     "llm_base_url": base_url, "llm_api_key": api_key, "llm_timeout": timeout}
        overrides = {k: v for k, v in overrides.items() if v is not None}
        if overrides:
            self.config = replace(self.config, **overrides)
        self._base = self.config  # what the other plans served beside this one are built from
        pinned = plan is not None
        plan = None if plan == BUNDLED else plan
        if not pinned and self.config.default_plan not in (None, BUNDLED):
            plan = self.config.default_plan
        self.config = self.config.for_plan(plan)
        self.plan, self.tokenizer = load_plan_and_tokenizer(self.config)
        self.index = open_index(self.config, self.plan, self.tokenizer)
        self.retriever = Retriever(self.plan, self.index, fusion, load_synonyms(self.config.synonyms),
                                   load_thesaurus(self.index._vocab))
        self.answerer = ExtractiveAnswerer(self.plan, self.retriever, thresholds, self.config.top_k)
        self.use_log(None)
        self.llm = None
        if self.config.llm == "openai":
            from .llm import LLMAnswerer
            from .support import SupportTest

            self.llm = LLMAnswerer(self, SupportTest(self.tokenizer))
        self.shelf = self._shelf(pinned)

    @property
    def plan_id(self) -> str:
        """This Assistant's own plan: "bundled" or an added plan's id."""
        return self.config.plan_id or BUNDLED

    def _shelf(self, pinned: bool) -> PlanShelf:
        """The plans served beside this one (config.plans; None: every added plan), unless pinned to one."""
        from .plans.registry import PlanStore

        store = PlanStore(self.config.home)
        served = [self.plan_id]
        if not pinned:
            wanted = self.config.plans if self.config.plans is not None else \
                [BUNDLED] + [p.id for p in store.list()]
            served += [p for p in wanted if p != self.plan_id and p not in served]
        members, titles = {}, {}
        for pid in served:
            members[pid] = self if pid == self.plan_id else Assistant(self._base, plan=pid)
            titles[pid] = bundled_title(self.config) if pid == BUNDLED else store.get(pid).title
        return PlanShelf(members, titles, self.plan_id)

    def plans(self) -> list[dict]:
        """The plans served: id, title, marker tag, task count and which is the default."""
        return self.shelf.describe()

    def ask(self, question: str | bytes, plan: str | None = None) -> Answer:
        """Answer one question from the plan it names (else the default plan), or from ``plan`` (an id);
        raise InputError for empty, non-text or over-long input, PlanRegistryError for a plan not loaded."""
        question = self.check_question(question)
        return self.shelf.ask(question, plan)

    def stream(self, question: str, plan: str | None = None):
        """Yield text chunks as they are written, then the verified Answer (offline: just the Answer)."""
        question = self.check_question(question)
        yield from self.shelf.ask(question, plan, stream=True)

    def answer_here(self, question: str) -> Answer:
        """This plan's answer alone (what the shelf asks each plan)."""
        return self.llm.answer(question) if self.llm else self.answerer.answer(question)

    def stream_here(self, question: str):
        if self.llm:
            yield from self.llm.stream(question)
        else:
            yield self.answerer.answer(question)

    def warm(self) -> None:
        """Load now what the first questions would otherwise load while holding a core (jieba's
        part-of-speech tables: ~1 s of CPU, which under 32 clients stalled every request behind it).
        The server calls this before it takes requests; a one-off ``assistant ask`` does not pay for it."""
        for member in self.shelf.members.values():  # every plan served
            member.tokenizer.pos_tokenizer  # noqa: B018 (a lazy property)
            if member.llm is None:  # offline: one question through every stage (a model endpoint is not called)
                member.answerer.answer("规划提出了哪些重点任务？")

    def member(self, plan: str | None) -> "Assistant":
        """The single-plan Assistant answering from ``plan`` (None: the default)."""
        return self.shelf.members[self.shelf.check(plan)]

    def check_question(self, question) -> str:
        if isinstance(question, bytes):
            try:
                question = question.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError("question is not UTF-8 text", "问题不是有效的文本（需要UTF-8编码）。") from None
        if not isinstance(question, str):
            raise InputError(f"question must be a string, not {type(question).__name__}",
                             "问题必须是文本。")
        try:
            question.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates, e.g. "\ud800" from a JSON body
            raise InputError("question contains invalid Unicode (a lone surrogate)",
                             "问题包含无效字符，请重新输入。") from None
        if "\x00" in question:
            raise InputError("question contains NUL bytes (binary data?)", "问题包含二进制数据，请输入文字。")
        if not question.strip():
            raise InputError("question is empty", "问题为空，请输入您想了解的规划内容。")
        limit = self.config.max_question_chars
        if len(question) > limit:
            raise InputError(f"question is {len(question)} characters; the limit is {limit}",
                             f"问题太长（{len(question)}字），请精简到{limit}字以内。")
        return question

    # --- annotations (assistant.annotations) ----------------------------------
    def use_log(self, store) -> None:
        """Read and write annotations in ``store`` (a store.Log; None: ``<home>/log.sqlite3``, opened on first write)."""
        from .annotations import QuestionMemory

        path = store.path if store is not None else self.config.home / "log.sqlite3"  # store.path: None on PostgreSQL
        self.memory = QuestionMemory(self.plan, path, store, getattr(self.index, "client", None))
        self.answerer.memory = self.memory

    def annotate(self, question: str, tasks=(), sections=(), decline: bool = False, author: str = "python",
                 answer_id: str | None = None):
        """Say which tasks (or sections) answer ``question``, or that the plan does not (``decline``);
        close questions are then routed there (``ans.route == "annotation"``)::

            bot.annotate("老专家下乡讲课有支持吗", tasks=[11]).id
        """
        return self.memory.add(question, tasks, sections, decline, author, answer_id)

    def annotations(self):
        """The active annotations, oldest first."""
        return self.memory.all()

    def remove_annotation(self, annotation_id: str, author: str = "python") -> bool:
        """Undo an annotation; False when no active one has this id."""
        return self.memory.remove(annotation_id, author)

    def conversation(self, max_turns: int = 10, plan: str | None = None):
        """A new, independent chat that resolves follow-up questions ("它", "第二个", "上一个");
        ``plan`` pins it to one plan (an id), else each question goes where it names."""
        from .conversation import Conversation

        return Conversation(self, max_turns, plan=self.shelf.check(plan) if plan is not None else None)

    def quiz(self, tasks=None, part=None, n: int = 10, kinds=("single", "multi", "judge", "blank"),
             seed: int | None = None, plan: str | None = None):
        """A cited quiz on ``tasks`` and/or ``part`` of ``plan`` (None: the default plan; see
        ``assistant.quiz.QuizMaker.make``)::

            bot.quiz(tasks=[19], n=5, kinds=("single", "judge"), seed=42).items[0].quote
        """
        from .quiz import QuizMaker

        if plan is not None and self.shelf.check(plan) != self.plan_id:
            return self.member(plan).quiz(tasks, part, n, kinds, seed)

        if getattr(self, "_quiz_maker", None) is None:
            self._quiz_maker = QuizMaker(self.plan, self.tokenizer, self.config)
        return self._quiz_maker.make(tasks=tasks, part=part, n=n, kinds=kinds, seed=seed)

    def rebuild_index(self) -> None:
        self.index = build_index(self.config, self.plan, self.tokenizer)
        self.retriever = Retriever(self.plan, self.index, self.retriever.fusion, self.retriever.synonyms,
                                   self.retriever.thesaurus)
        self.answerer = ExtractiveAnswerer(self.plan, self.retriever, self.answerer.thresholds, self.config.top_k)
        self.answerer.memory = self.memory
        self.memory.client = getattr(self.index, "client", None)
        self.memory.refresh(force=True)

    def tasks(self) -> list[Node]:
        return self.plan.tasks

    def task(self, number: int) -> Node:
        return self.plan.task(number)
