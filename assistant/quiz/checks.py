"""The checks every quiz item passes, whichever generator wrote it (offline rules or an LLM).

An item is kept only when ``Checker.check(item)`` finds no problem:

- **cited**: the quote is verbatim text inside the cited task (or section), character for character;
- **answer in the quote**: a blank's stem with the answer put back is a span of the quote; a true
  statement is in the quote; every correct option is in the quote; a "which task" question's term is
  in the quote and in none of the other tasks offered;
- **distractors are wrong**: no distractor occurs in the cited task's text (nor paraphrases one of its
  clauses); a false statement occurs nowhere in the plan and differs from its quote in one span,
  whose replacement does not occur in the cited task;
- **natural stem**: Chinese, sane length, balanced quotes, no doubled or dangling punctuation, no
  leftover markers, at most one blank, which sits on jieba word boundaries.

``Checker.check_quiz(items)`` adds the quiz-level rules: no two items test the same fact (their
tested spans are equal or one contains the other), no stem gives another item's answer away and
no two items quote the same sentence of the plan.

The wording helpers are in ``wording``, the tests of meaning in ``meaning``.
"""
from __future__ import annotations

import re

from ..plan import Node, Plan
from ..text import Tokenizer
from .meaning import near_meaning, shared_head, synonym_groups, thesaurus_kind, word_classes
from .models import BLANK, JUDGE_OPTIONS, KINDS, QuizItem
from .wording import (CLAUSE_PUNCT, ELLIPSIS, attributions, bigram_overlap, canon, clauses, dangling, overlaps,
                      quoted, shared_ends, statement)

STEM_PUNCT = "，。、；：？！"
TASK_OPTION = re.compile(r"^任务(\d{1,3})[ ：:]")
LEFTOVER = re.compile(r"[\[\]{}<>【】\\*#`_\n,;:\"'?!()]|null|None|(?<!\d)\.|\.(?!\d)")
MIN_CONTEXT = 6
RESTATED = 0.75  # share of an option's characters whose words one clause of the cited text says
SHARED_DF = 6  # a word in at most this many tasks says something particular (发布, 传播; not 服务, 建设)
# heads of named things a "which task" question may ask about: programmes, platforms, events, institutions
NAMED_HEADS = ("计划", "工程", "行动", "平台", "网络", "联盟", "联合体", "共同体", "峰会", "论坛", "会议", "大会",
               "会堂", "馆", "基地", "中心", "品牌", "奖", "活动周", "宣传周", "竞赛", "学院", "研究院", "数据库",
               "案例库", "会员", "志愿者", "辅导员", "党组织", "日")


class Checker:
    """Validates quiz items against the plan, with the plan's jieba tokenizer for word boundaries."""

    def __init__(self, plan: Plan, tokenizer: Tokenizer):
        self.plan = plan
        self.tokenizer = tokenizer
        self.plan_canon = canon(plan.text)
        self._words: dict[str, tuple[str, ...]] = {}
        self._df: dict[str, int] = {}
        # the words of the document's own name (中国科学技术协会事业发展"十四五"规划): a term made of them names the plan
        title = re.search(r"《([^》]*规划[^》]*)》", plan.text)
        self.document_words = {w for w, _ in tokenizer.tagged(title.group(1)) if len(w) >= 2} if title else set()
        synonym_groups(), word_classes()  # the thesaurus, read now rather than during the first quiz

    def words(self, text: str) -> tuple[str, ...]:
        """jieba's words of ``text`` (cached: the generator asks about the same sentences often)."""
        if text not in self._words:
            self._words[text] = tuple(w for w, _ in self.tokenizer.tagged(text))
        return self._words[text]

    def shared_content(self, a: str, b: str) -> set[str]:
        """The words two clauses both say that few tasks use (发布 and 传播 in "…研究成果…发布传播" and
        "…决策咨询产品的发布和传播…"): two of them make one clause a fair answer where the other is keyed."""
        return {w for w in set(self.words(a)) & set(self.words(b))
                if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w) and self._task_df(w) <= SHARED_DF}

    def restates(self, option: str, text: str) -> str | None:
        """The clause of ``text`` that says ``option`` in other words, if any: most of the option's characters
        are in its words (two characters or more) that the clause has, as such or as a near-synonym
        (促进科技成果转移转化 in 集中推介、转移转化技术成果: 科技成果 ≈ 技术成果, 转移, 转化)."""
        words = [w for w in self.words(option) if len(w) >= 2]
        size = sum(map(len, words))
        for clause in clauses(text):
            cut = self.words(clause)
            runs = set(cut) | {a + b for a, b in zip(cut, cut[1:])}
            held = [w for w in words if w in clause or any(near_meaning(w, r) for r in runs if len(r) >= 2)]
            if len(held) >= 2 and sum(map(len, held)) >= RESTATED * size:
                return clause
        return None

    def _task_df(self, word: str) -> int:
        if word not in self._df:
            self._df[word] = sum(word in t.text for t in self.plan.tasks)
        return self._df[word]

    # --- one item ---------------------------------------------------------
    def check(self, item: QuizItem) -> list[str]:
        """Every problem found with one item (empty when it is valid)."""
        if item.kind not in KINDS:
            return [f"kind must be one of {', '.join(KINDS)}, not {item.kind!r}"]
        node, problems = self._node(item)
        if node is None:
            return problems
        if len(item.quote) < 6 or item.quote not in node.text:
            return [f"quote is not verbatim text of {node.label}"]
        problems += self._stem_problems(item)
        problems += self._shape_problems(item)
        if problems:
            return problems
        check = {"blank": self._check_blank, "judge": self._check_judge}.get(item.kind, self._check_choice)
        return check(item, node) + self._attribution_problems(item)

    def _attribution_problems(self, item: QuizItem) -> list[str]:
        """Every “…”出自任务N of the explanation must be true: the text occurs in task N (a trainer reads
        the key to the learners; "其余三项分别出自任务6、任务1" in another order than the options misleads)."""
        out = []
        for text, task in attributions(item.explanation):
            if not 1 <= task <= self.plan.task_count or canon(text) not in canon(self.plan.task(task).text):
                out.append(f"the explanation says {text!r} comes from task {task}, which does not contain it")
        listed = re.search(r"分别(?:出自|见)((?:任务\d{1,3}[、，和及与]?)+)", item.explanation)
        if listed:  # by position: the options that are not the answer, in the options' order
            wrong = [o for o in item.options if o not in item.answer]
            for text, task in zip(wrong, (int(x) for x in re.findall(r"\d+", listed.group(1)))):
                if not 1 <= task <= self.plan.task_count or canon(text) not in canon(self.plan.task(task).text):
                    out.append(f"the explanation says {text!r} comes from task {task}, which does not contain it")
        return out

    def facts(self, item: QuizItem) -> list[str]:
        """What an item tests, as plan text: the blank's word, the correct options, the statement
        (or, when false, the span it falsified), or the term of a "which task" question."""
        if item.kind == "judge":
            said = canon(statement(item.stem))
            if item.answer == ["错误"]:
                diff = self._diff(said, canon(item.quote))
                return [diff[2]] if diff else [said]
            return [said]
        if self._task_options(item):
            return [canon(quoted(item.stem)[0])] if quoted(item.stem) else []
        return [canon(a) for a in item.answer]

    # --- a whole quiz -----------------------------------------------------
    def check_quiz(self, items: list[QuizItem]) -> list[str]:
        problems = []
        for i, item in enumerate(items):
            problems += [f"item {i + 1}: {p}" for p in self.check(item)]
        for i, a in enumerate(items):
            for j in range(i):
                b = items[j]
                if canon(a.stem) == canon(b.stem):
                    problems.append(f"items {j + 1} and {i + 1} have the same stem")
                elif self.duplicate(a, b):
                    problems.append(f"items {j + 1} and {i + 1} test the same fact")
                elif self.leaks(a, b) or self.leaks(b, a):
                    problems.append(f"items {j + 1} and {i + 1}: one stem gives the other's answer away")
                elif self.same_sentence(a, b):
                    problems.append(f"items {j + 1} and {i + 1} quote the same sentence")
        return problems

    def sentences(self, item: QuizItem) -> frozenset[str]:
        """Ids of the plan sentences an item's quote draws on (one, or several for a quote across
        sentences); empty when the quote is not in the cited text."""
        node, _ = self._node(item)
        at = node.text.find(item.quote) if node is not None and item.quote else -1
        if at == -1:
            return frozenset()
        a, b = node.start + at, node.start + at + len(item.quote)
        return frozenset(s.id for s in node.sentences if s.start < b and a < s.end)

    def same_sentence(self, a: QuizItem, b: QuizItem) -> bool:
        """At most one item a sentence: three items on one sentence test one fact in three wordings."""
        return bool(self.sentences(a) & self.sentences(b))

    def duplicate(self, a: QuizItem, b: QuizItem) -> bool:
        return any(overlaps(x, y) for x in self.facts(a) for y in self.facts(b))

    def leaks(self, a: QuizItem, b: QuizItem) -> bool:
        """Does ``b``'s stem or options show the word ``a`` asks the reader to supply (for a false
        statement: its original words with two characters either side, 巩固拓展脱贫攻坚成果同乡村振兴)?"""
        shown = canon(b.stem + "".join(b.options))
        if a.kind == "judge" and a.answer == ["错误"]:
            said = canon(statement(a.stem))
            diff = self._diff(said, canon(a.quote))
            if diff is None:
                return False
            true = diff[2]
            p, q = shared_ends(said, true)
            return true[max(0, p - 2):len(true) - q + 2] in shown
        if BLANK not in a.stem:
            return False
        if a.kind in ("blank", "single") and any(canon(ans) in shown for ans in a.answer):
            return True
        # the blank's words with a little of its context around them: "积极承接重大科技创新____等咨询评估"
        # is answered by an option that prints "积极承接重大科技创新战略、政策、规划等咨询评估"
        found = self._fill(a)
        if found is None:
            return False
        fragment = next(f for f in quoted(a.stem) if BLANK in f).strip().removeprefix(ELLIPSIS).removesuffix(ELLIPSIS)
        pre, post = (canon(x) for x in fragment.split(BLANK, 1))
        right = [canon(x) for x in a.answer]
        return any(all(r in span for r in right) and (pre[-2:] + span in shown or span + post[:2] in shown)
                   for span in found[0])

    # --- parts ------------------------------------------------------------
    def _node(self, item: QuizItem) -> tuple[Node | None, list[str]]:
        if item.task is not None:
            if not isinstance(item.task, int) or not 1 <= item.task <= self.plan.task_count:
                return None, [f"task {item.task!r} does not exist (1–{self.plan.task_count})"]
            node = self.plan.task(item.task)
            if item.section != node.section:
                return None, [f"section {item.section!r} is not task {item.task}'s ({node.section})"]
            return node, []
        try:
            return self.plan.section_node(item.section), []
        except Exception:
            return None, [f"no section {item.section!r} and no task"]

    def _stem_problems(self, item: QuizItem) -> list[str]:
        stem = item.stem
        out = []
        if not 8 <= len(stem) <= 220:
            out.append(f"stem length {len(stem)} outside 8–220")
        cjk = sum(1 for ch in stem if "\u4e00" <= ch <= "\u9fff")
        if cjk < 0.5 * len(re.sub(r"[\W_]", "", stem)) or cjk < 6:
            out.append("stem is not Chinese")
        bare = stem.replace(BLANK, "")
        if LEFTOVER.search(bare):
            out.append(f"leftover marker or ASCII punctuation in stem: {LEFTOVER.search(bare).group()!r}")
        if re.search(f"[{STEM_PUNCT}]{{2,}}", stem.replace("？（", "")) or re.search(r"“[，。、；：]|[，、；：]”", stem):
            out.append("doubled or dangling punctuation")
        if stem[0] in STEM_PUNCT or stem[-1] not in "？。”）":
            out.append("stem starts with punctuation or does not end a sentence")
        if stem.count("“") != stem.count("”") or stem.count("‘") != stem.count("’") \
                or stem.count("（") != stem.count("）"):
            out.append("unbalanced quotes or brackets")
        if stem.count(BLANK) > 1 or (item.kind in ("judge",) and BLANK in stem):
            out.append("too many blanks")
        if item.kind == "blank" and stem.count(BLANK) != 1:
            out.append("a fill-in-the-blank stem needs exactly one blank")
        if item.kind == "judge" and not quoted(stem):
            out.append("a true/false stem must quote its statement in “”")
        if not item.explanation.strip():
            out.append("no explanation")
        return out

    def _shape_problems(self, item: QuizItem) -> list[str]:
        opts, ans = item.options, item.answer
        if any(not isinstance(x, str) or not x.strip() for x in opts + ans):
            return ["empty option or answer"]
        if item.kind == "judge":
            if opts != JUDGE_OPTIONS or len(ans) != 1 or ans[0] not in JUDGE_OPTIONS:
                return ["a true/false item has options 正确/错误 and one of them as answer"]
            return []
        if item.kind == "blank":
            if opts or len(ans) != 1 or len(ans[0]) > 20:
                return ["a blank has no options and one short answer"]
            return []
        out = []
        if len({canon(o) for o in opts}) != len(opts):
            out.append("duplicate options")
        if any(a not in opts for a in ans):
            out.append("answer is not among the options")
        lo, hi = (3, 5) if item.kind == "single" else (4, 6)
        if not lo <= len(opts) <= hi:
            out.append(f"{item.kind} needs {lo}–{hi} options")
        if item.kind == "single" and len(ans) != 1:
            out.append("single choice needs exactly one answer")
        if item.kind == "multi" and not 2 <= len(ans) <= len(opts) - 2:
            out.append("multiple choice needs at least two correct and two wrong options")
        if BLANK not in item.stem and any(dangling(a) for a in ans):
            out.append("a key is a dangling fragment (通过…/以…/…等), not a whole measure")
        if any(len(o) > 40 for o in opts):
            out.append("option longer than 40 characters")
        return out

    def _check_blank(self, item: QuizItem, node: Node) -> list[str]:
        span = self._fill(item)
        answer = canon(item.answer[0])
        if span is None:
            return ["the stem's quoted fragment is not the quote's text"]
        spans, quote = span
        if answer not in spans:
            return [f"the answer {item.answer[0]!r} does not fill the blank in the quote"]
        out = []
        if answer in canon(item.stem.replace(BLANK, "")):
            out.append("the stem already shows the answer")
        others = [x for x in self._fillers(item) if x != answer]
        if others:
            out.append(f"the blank's context also fits {others[0]!r} elsewhere in the plan")
        start = next(s for x, s in spans.items() if x == answer)
        end = start + len(answer)
        if not self._on_word_boundaries(quote, start, end):
            out.append("the blank cuts through a word")
        elif self._takes_subject_and_verb(answer, quote[end:]):
            out.append(f"the blank {answer!r} takes in a subject and the verb after it, so the verb alone fits too")
        elif pair := self._pair_cut(answer, quote[end:]):
            out.append(f"the blank {answer!r} ends on the first of a pair the plan says as one ({pair}), so its "
                       "last word alone fits too")
        elif cut := self._titled_phrase_cut(quote, start, end):
            out.append(f"the blank cuts {cut!r}, a phrase a title of the plan names, so its other half fits too")
        return out

    def _takes_subject_and_verb(self, answer: str, rest: str) -> bool:
        """科技工作者服务|现代产业体系构建: a blank of several words that ends on an action word (同义词词林) whose
        object follows it reads as "____ 现代产业体系", which 服务, 支撑 or 助力 fill as well."""
        words = self.words(answer)
        after = self.tokenizer.tagged(rest)[:1]
        return (len(words) >= 2 and thesaurus_kind(words[-1]) == "verb" and thesaurus_kind(words[-2]) != "verb"
                and bool(after) and after[0][1][:1] in ("n", "t", "s") and len(after[0][0]) >= 2)

    def _pair_cut(self, answer: str, rest: str) -> str:
        """联系科技工作者桥梁|和纽带: a blank of several words ending on the first of a pair the plan says more than
        once as a set phrase (桥梁和纽带); the pair, or ""."""
        words = self.words(answer)
        joined = re.match(r"[和与及]", rest)
        nxt = self.words(rest[1:])[:1] if joined else ()
        pair = words[-1] + rest[0] + nxt[0] if len(words) >= 2 and nxt else ""
        return pair if pair and self.plan_canon.count(pair) >= 2 else ""

    def _titled_phrase_cut(self, text: str, start: int, end: int) -> str:
        """The two words a blank's edge falls between when a title of the plan says them together: 创新|创业大赛
        cuts 创新创业 (组织开展创新创业创造活动), and 创新____ then takes 创业创造活动 as well."""
        words, pos = [], 0
        for word in self.words(text):
            words.append((pos, pos + len(word), word))
            pos += len(word)
        for edge in (start, end):
            before = next((w for a, b, w in words if b == edge), "")
            after = next((w for a, b, w in words if a == edge), "")
            pair = before + after
            if len(before) >= 2 and len(after) >= 2 and any(pair in n.title for n in self.plan.nodes if n.title):
                return pair
        return ""

    def _check_judge(self, item: QuizItem, node: Node) -> list[str]:
        said = canon(statement(item.stem))
        quote = canon(item.quote)
        if len(said) < 6:
            return ["statement too short"]
        if item.answer == ["正确"]:
            return [] if said in quote else ["a true statement must be verbatim in the quote"]
        if said in self.plan_canon:
            return ["the false statement occurs in the plan"]
        diff = self._diff(said, quote)
        if diff is None:
            return ["the false statement does not differ from the quote in one short span"]
        made_up, real, context = diff[0], diff[1], diff[3]
        if context in canon(node.text):
            return [f"the false statement's {context!r} is in the cited task, so the statement may be true"]
        for new, old in [(made_up, real)] + self._swap_pairs(said, diff[2]):
            if near_meaning(new, old, self.words, self.plan.text):
                return [f"the false statement swaps {old!r} for its near-synonym {new!r}, so it may still be true"]
        cut = self._swap_cut(said, diff[2])
        if cut:
            return [cut]
        for new, old in self._swap_pairs(said, diff[2]):
            head = shared_head(new, old)  # 联系科技工作者 → 基层科技工作者: the verb before the head is lost
            if head and {thesaurus_kind(head[0]), thesaurus_kind(head[1])} == {"noun", "verb"}:
                return [f"the swap puts {head[0]!r} for {head[1]!r} before {head[2]!r}, a verb for a modifier or the "
                        "other way round, so the statement is ungrammatical"]
            if head and word_classes().get(head[0], frozenset()) & word_classes().get(head[2], frozenset()):
                return [f"the swapped-in {head[0]!r} says what {head[2]!r} says (one 同义词词林 class), so "
                        f"{head[0] + head[2]!r} still reads as {head[1] + head[2]!r}: the statement may still be true"]
        if self._word_class(made_up) != self._word_class(real):
            return [f"the swapped-in {made_up!r} is not the same part of speech as {real!r}, so the statement "
                    "is ungrammatical"]
        return self._swapped_in_problems([(made_up, real)] + self._swap_pairs(said, diff[2]))

    def _swapped_in_problems(self, pairs: list[tuple[str, str]]) -> list[str]:
        """What a false statement puts in must be a name for a name (科普中国 is quoted in the plan, 贡献中国 is
        not), and where the plan says it, it must be a whole term there in one of its forms (alone, or with
        the word it shares with what it replaces): not 领域深度交流, cut from …人才等领域深度交流合作."""
        made_up, real = pairs[0]
        if f'"{real}"' in self.plan_canon and f'"{made_up}"' not in self.plan_canon:
            return [f"the false statement swaps the name {real!r} for {made_up!r}, which names nothing in the plan"]
        said = [(new, [canon(s.text) for n in self.plan.nodes for s in n.sentences if new in canon(s.text)])
                for new, _ in pairs]
        said = [(new, sources) for new, sources in said if sources]
        if said and not any(self._whole_term(new, s) for new, sources in said for s in sources):
            return [f"the swapped-in {said[-1][0]!r} is cut from a longer phrase of the plan, so the statement "
                    "reads as a fragment"]
        return []

    def _swap_pairs(self, said: str, true: str) -> list[tuple[str, str]]:
        """The swapped words of a false statement and of its true version, alone and with the word
        they share on either side: 激发科技人员的 / 激发技术技能人员的 → (科技, 技术技能), (科技人员, 技术技能人员)."""
        p, q = shared_ends(said, true)
        a, b = self._widen(said, p, len(said) - q), self._widen(true, p, len(true) - q)
        lo, rest = min(a[0], b[0]), min(len(said) - a[1], len(true) - b[1])  # whole words in both texts
        a, b = (lo, len(said) - rest), (lo, len(true) - rest)
        pairs = [(said[a[0]:a[1]], true[b[0]:b[1]])]
        after = self.words(said[a[1]:])[:1]
        before = self.words(said[:a[0]])[-1:]
        if after:
            pairs.append((pairs[0][0] + after[0], pairs[0][1] + after[0]))
        if before:
            pairs.append((before[0] + pairs[0][0], before[0] + pairs[0][1]))
        return pairs

    def _swap_cut(self, said: str, true: str) -> str | None:
        """Why the swapped span of a false statement is no whole term of ``true`` (None if it is): the
        span grown to the noun phrase it sits in must not start after a one-character word that belongs
        to it (新|时代中国特色: 新时代) and must not be a member of a 、-list (学会、学科、产业协同机制),
        where a term from elsewhere rarely fits its neighbours."""
        p, q = shared_ends(said, true)
        words, pos = [], 0
        for word, flag in self.tokenizer.tagged(true):
            words.append((pos, pos + len(word), word, flag))
            pos += len(word)
        inside = [k for k, (a, b, _, _) in enumerate(words) if a < len(true) - q and b > p] or \
            [k for k, (a, b, _, _) in enumerate(words) if a <= p < b]
        if not inside:
            return None
        lo, hi = inside[0], inside[-1]
        nounish = lambda w: w[3][:1] == "n" or w[3] in ("vn", "an")
        while lo > 0 and nounish(words[lo - 1]) and len(words[lo - 1][2]) >= 2:
            lo -= 1
        while hi + 1 < len(words) and nounish(words[hi + 1]) and len(words[hi + 1][2]) >= 2:
            hi += 1
        if lo > 0 and len(words[lo - 1][2]) == 1 and words[lo - 1][3][:1] in ("n", "a", "b"):
            return f"the swap cuts {words[lo - 1][2] + words[lo][2]!r} apart, so the statement is ungrammatical"
        start, end = words[lo][0], words[hi][1]
        if true[start - 1:start] == "、" or true[end:end + 1] == "、":
            return "the swap replaces one member of a 、-list, so the list no longer holds together"
        return None

    def _word_class(self, text: str) -> str:
        """The part of speech of a term's head (last) word, nouns of every kind as "n" (科技人员 → "n")."""
        tags = self.tokenizer.tagged(text)
        tag = tags[-1][1] if tags else "x"
        return "n" if tag[:1] == "n" or tag in ("vn", "an") else tag[:1]

    def _check_choice(self, item: QuizItem, node: Node) -> list[str]:
        quote, node_text = canon(item.quote), canon(node.text)
        wrong = [canon(o) for o in item.options if o not in item.answer]
        right = [canon(a) for a in item.answer]
        task_options = self._task_options(item)
        if task_options:
            return self._check_which_task(item, task_options)
        out = []
        if BLANK in item.stem:
            found = self._fill(item)
            if found is None:
                return ["the stem's quoted fragment is not the quote's text"]
            spans, _ = found
            if item.kind == "single" and right[0] not in spans:
                out.append("the correct option does not fill the blank in the quote")
            fits = [w for w in wrong if w in self._fillers(item)]
            if fits:
                out.append(f"distractor {fits[0]!r} fills the blank elsewhere in the plan, so it may be correct")
            if item.kind == "multi" and not any(all(r in s for r in right) and not any(w in s for w in wrong)
                                                for s in spans):
                out.append("the blank's span does not hold exactly the correct options")
        else:
            out += [f"correct option {a!r} is not in the quote" for a in right if a not in quote]
        for w in wrong:
            if w in node_text:
                out.append(f"distractor {w!r} occurs in the cited text, so it may be correct")
            elif len(w) >= 6 and any(bigram_overlap(w, c) >= 0.6 for c in clauses(node_text)):
                out.append(f"distractor {w!r} paraphrases the cited text")
            elif restated := self.restates(w, node_text):
                out.append(f"distractor {w!r} says in other words what the cited text says ({restated!r}), "
                           "so it may be correct")
            key = next((r for r in right if near_meaning(w, r, self.words, self.plan.text)), None)
            if key is not None:
                out.append(f"distractor {w!r} is a near-synonym of the key {key!r}, so it may be correct")
            said = next((r for r in right if len(self.shared_content(w, r)) >= 2), None)
            if said is not None and BLANK not in item.stem:
                out.append(f"distractor {w!r} says what the key {said!r} says "
                           f"({'、'.join(sorted(self.shared_content(w, said)))}), so it may be correct")
        options = [canon(o) for o in item.options]
        out += [f"options {a!r} and {b!r} are near-identical" for i, a in enumerate(options) for b in options[:i]
                if (a in right) == (b in right) and near_meaning(a, b, self.words, self.plan.text)]  # key vs distractor: above
        return out

    def _check_which_task(self, item: QuizItem, task_options: list[int]) -> list[str]:
        terms = quoted(item.stem)
        if not terms:
            return ["a which-task stem quotes its term in “”"]
        term = canon(terms[0])
        out = []
        if term not in canon(item.quote):
            out.append("the term is not in the quote")
        correct = [n for n, o in zip(task_options, item.options) if o in item.answer]
        if correct != [item.task]:
            out.append("the correct option is not the cited task")
        for n in task_options:
            if not 1 <= n <= self.plan.task_count:
                out.append(f"option task {n} does not exist")
            elif n != item.task and term in canon(self.plan.task(n).text):
                out.append(f"the term also occurs in task {n}")
        if any(term in canon(a) for a in item.answer):
            out.append("the correct option gives the term away")
        if 1 <= (item.task or 0) <= self.plan.task_count \
                and self.plan_canon.count(term) != canon(self.plan.task(item.task).text).count(term):
            out.append("the term also occurs outside the cited task (another task, a part or the plan's title)")
        if self.names_the_plan(term):
            out.append(f"the term {term!r} is made of the plan's own name, so it is about the whole plan")
        if not self._whole_term(term, canon(item.quote)):
            out.append("the term is a fragment of a phrase, not a whole term")
        elif 1 <= (item.task or 0) <= self.plan.task_count and not self._task_concept(term, self.plan.task(item.task)):
            out.append("the term is not a named programme, platform or event of the task, nor in its title or "
                       "repeated there: an incidental word (科协特色, 区位优势) that nothing ties to one task")
        return out

    def names_the_plan(self, term: str) -> bool:
        """Is ``term`` made of the words of the document's own name (事业发展规划)?"""
        words = [w for w in self.words(term) if re.search(r"[\u4e00-\u9fff]", w)]
        return len(words) >= 2 and all(w in self.document_words for w in words)

    def _task_concept(self, term: str, node: Node) -> bool:
        """Is ``term`` something the task is about? A name the plan quotes, a word of its title or one
        it uses twice, or a named thing: four characters or more ending in a programme, platform, event
        or institution noun (中国科技峰会, 科协会史馆; not 科协特色, 归属感, 所思所想)."""
        text = canon(node.text)
        if f'"{term}"' in self.plan_canon or f"《{term}》" in self.plan_canon:
            return True
        if term in canon(node.title) or text.count(term) >= 2:
            return True
        name = term.removesuffix("活动")  # 全国科普日活动: the event of a named day
        return len(name) >= 4 and name.endswith(NAMED_HEADS)

    def _whole_term(self, term: str, quote: str) -> bool:
        """A name the plan puts in quotes or 《》, or a noun phrase that reads as a whole in the quote:
        whole jieba words at both ends, no verb inside, no noun glued on either side, not cut from a
        quoted name, and nothing of its own phrase left before it (see ``_phrase_prefix``). Fragments
        this turns away, all once generated: “能力现代化” (治理能力现代化), “科学家命名科普” (以知名科学家命名
        的科普工作室), “媒体科普” (新媒体科普), “基地年度评估” (双创示范基地年度评估)."""
        if f'"{term}"' in self.plan_canon or f"《{term}》" in self.plan_canon:
            return True
        start = quote.find(term)
        if start == -1:
            return False
        if any(a < start and start + len(term) <= b and quote[a:b] != term
               for a, b in ((m.start() + 1, m.end() - 1) for m in re.finditer(r'"[^"]+"', quote))):
            return False  # a piece of a quoted name ("我为科技工作者办实事")
        words, pos, inside, before, after = [], 0, [], None, None
        for word, tag in self.tokenizer.tagged(quote):
            words.append((pos, word, tag))
            pos += len(word)
        bounds = {p for p, _, _ in words} | {pos}
        if start not in bounds or start + len(term) not in bounds:
            return False
        for p, word, tag in words:
            if p + len(word) <= start:
                before = (word, tag)
            elif p >= start + len(term):
                after = after or (word, tag)
            else:
                inside.append(tag)
        if len(inside) > 1 and any(t == "v" for t in inside):
            return False
        nounish = {"n", "vn", "nz", "nt", "nr", "ns", "an", "j"}
        if (before and before[1] in nounish) or (after and after[1] in nounish and inside[-1] != "v"):
            return False
        return not self._modified(words[:[p for p, _, _ in words].index(start)])

    @staticmethod
    def _modified(words: list[tuple[int, str, str]]) -> bool:
        """Do the words before a term modify it, so that the term is cut from a longer noun phrase?
        An adjective, time, place or distinguishing word just before it (新|媒体科普, 青年|科学家峰会,
        前沿|科技体验基地, 重大|风险方面); or, in a list, a verb just before it that is no predicate: the
        earlier items are nouns only (院士、知名|科学家…), or start with that same word (治理体系和治理|能力现代化).
        A verb before it in a list of verb phrases is fine (凝练…议题、组织开展|决策咨询活动)."""
        if not words:
            return False
        _, word, tag = words[-1]
        if tag in ("a", "b", "t", "s", "z"):
            return True
        if not tag.startswith("v") or len(words) < 2 or words[-2][1] not in ("、", "和", "与", "及", "或", "以及"):
            return False
        earlier = []
        for _, w, t in reversed(words[:-2]):
            if t[:1] in ("x", "u", "p", "c") or w == "等":
                break
            earlier.insert(0, (w, t))
        return bool(earlier) and (earlier[0][0] == word or not any(t.startswith("v") and t != "vn" for _, t in earlier))

    def _task_options(self, item: QuizItem) -> list[int]:
        if item.kind not in ("single", "multi") or not item.options:
            return []
        nums = [TASK_OPTION.match(o) for o in item.options]
        return [int(m.group(1)) for m in nums] if all(nums) else []

    def _fill(self, item: QuizItem) -> tuple[dict[str, int], str] | None:
        """Spans of the quote that the blank stands for: {span: start}, and the canonical quote."""
        fragment = next((f for f in quoted(item.stem) if BLANK in f), None)
        if fragment is None:
            return None
        fragment = fragment.strip().removeprefix(ELLIPSIS).removesuffix(ELLIPSIS)
        pre, post = (canon(x) for x in fragment.split(BLANK, 1))
        quote = canon(item.quote)
        if len(pre) + len(post) < MIN_CONTEXT:
            return None
        spans: dict[str, int] = {}
        if pre:
            for m in re.finditer(re.escape(pre), quote):
                i = m.end()
                j = quote.find(post, i) if post else next(
                    (k for k in range(i, len(quote)) if quote[k] in CLAUSE_PUNCT), len(quote))
                if j != -1 and j - i <= 60:
                    spans.setdefault(quote[i:j], i)
        else:
            for m in re.finditer(re.escape(post), quote):
                j = m.start()
                i = max((k + 1 for k in range(j) if quote[k] in CLAUSE_PUNCT), default=0)
                spans.setdefault(quote[i:j], i)
        return (spans, quote) if spans else None

    def _fillers(self, item: QuizItem) -> set[str]:
        """Every text of up to 15 characters that fills the stem's blank somewhere in the plan."""
        fragment = next((f for f in quoted(item.stem) if BLANK in f), "")
        pre, post = (canon(x) for x in fragment.strip().removeprefix(ELLIPSIS).removesuffix(ELLIPSIS).split(BLANK, 1))
        if not pre or not post:
            return set()
        out = {m.group(1) for m in re.finditer(re.escape(pre) + r"([^,;:。!?]{1,15}?)" + re.escape(post),
                                               self.plan_canon)}
        # the half of each side next to the blank as such, the rest in other words ("…'____'服务能力进一步提高"
        # takes 科创中国 from "…'科创中国'服务能力进一步提升")
        near_pre, far_pre = pre[len(pre) // 2:], pre[:len(pre) // 2]
        near_post, far_post = post[:(len(post) + 1) // 2], post[(len(post) + 1) // 2:]
        for m in re.finditer(re.escape(near_pre) + r"([^,;:。!?]{1,15}?)" + re.escape(near_post), self.plan_canon):
            before = self.plan_canon[max(0, m.start() - len(far_pre)):m.start()]
            after = self.plan_canon[m.end():m.end() + len(far_post)]
            pairs = [(re.sub(r"[^\w]", "", a), re.sub(r"[^\w]", "", b)) for a, b in ((before, far_pre), (after, far_post))]
            if all(a == b or near_meaning(a, b) for a, b in pairs):
                out.add(m.group(1))
        return out

    def _on_word_boundaries(self, text: str, start: int, end: int) -> bool:
        bounds, pos = {0}, 0
        for word in self.words(text):
            pos += len(word)
            bounds.add(pos)
        return start in bounds and end in bounds

    def _diff(self, statement: str, quote: str) -> tuple[str, str, str, str] | None:
        """(made-up words, real words, the quote's true version, the made-up words with two characters
        either side) when ``statement`` is a stretch of ``quote`` with one inner span replaced and at
        least half of it kept; None otherwise."""
        i, k = 0, 0
        for pos in range(len(quote)):
            m = 0
            while m < len(statement) and pos + m < len(quote) and quote[pos + m] == statement[m]:
                m += 1
            if m > k:
                i, k = pos, m
        rest = statement[k:]
        if not k or not rest:
            return None
        for s in range(len(rest) - 1, 0, -1):  # the longest suffix of the statement found after the prefix
            j = quote.find(rest[-s:], i + k)
            if j != -1:
                break
        else:
            return None
        made_a, made_b = self._widen(statement, k, len(statement) - s)
        real_a, real_b = self._widen(quote, i + k, j)
        made_up, real = statement[made_a:made_b], quote[real_a:real_b]
        if j == i + k or len(statement) - len(made_up) < 0.5 * len(statement) or len(real) > 15 or len(made_up) > 15:
            return None
        return made_up, real, quote[i:j + s], statement[max(0, made_a - 2):made_b + 2]

    def _widen(self, text: str, start: int, end: int) -> tuple[int, int]:
        """The smallest run of whole jieba words of ``text`` that covers [start, end)."""
        a, pos = start, 0
        for word in self.words(text):
            if pos <= start < pos + len(word):
                a = pos
            if pos < end <= pos + len(word):
                return a, pos + len(word)
            pos += len(word)
        return a, end
