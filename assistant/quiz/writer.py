"""Offline quiz items, built from the plan's structure and its own sentences (``terms``).

``ItemWriter`` turns terms, clauses and enumerations into candidate items with a quiz's random
generator; better-scored terms come first more often:

- blank: a term blanked inside a window of whole clauses of its sentence;
- judge: a statement of whole clauses, true as written, or false with one term swapped for a term
  of the same kind from another task that this task never uses;
- single: which measure belongs to the task (distractors: clauses of the other tasks of its part);
  which task a term used by one task only comes from; which term fills a blank;
- multi: which items an enumeration lists; which measures belong to the task.

Candidates are checked by ``checks.Checker`` before they are used.
"""
from __future__ import annotations

import random

from ..plan import Node
from .models import BLANK, JUDGE_OPTIONS, QuizItem
from .wording import ELLIPSIS, bigram_overlap, canon, clause_spans, display
from .terms import GENERIC_DF, WEAK, Analysis, Clause, Enumeration, skip_dash
from ..text import longest_shared

BLANK_TEMPLATES = {
    "blank.fill": "根据{ref}的内容填空：“{frag}”",
    "blank.says": "{ref}提出：“{frag}”横线处应填写什么？",
    "blank.complete": "补全{ref}中的这句话：“{frag}”",
}
JUDGE_TEMPLATES = {
    "judge.says": "判断正误：{ref}提出“{statement}”。",
    "judge.includes": "“{statement}”是{ref}中的内容。这一说法是否正确？",
    "judge.requires": "规划在{ref}中要求“{statement}”。此说法对吗？",
}


class ItemWriter:
    """Candidate items for one quiz: ``candidates(node, kind)`` in random order (``rng``)."""

    def __init__(self, analysis: Analysis, rng: random.Random, scope: list[Node] | None = None):
        self.a = analysis
        self.rng = rng
        # "which task is this from?" only makes sense when the quiz covers more than one
        self.ask_which_task = scope is None or len(scope) > 1
        self._weight: dict[int, float] = {}
        self._subs: dict[tuple, list[str]] = {}
        self._foreign: dict[str, list[Clause]] = {}

    def candidates(self, node: Node, kind: str) -> list[QuizItem]:
        """Every candidate of this kind, in a random order that puts better-scored terms first
        more often (a weighted shuffle: key u^(1/w))."""
        make = {"blank": self._blanks, "judge": self._judges, "single": self._singles, "multi": self._multis}[kind]
        return self.reorder(make(node))

    def reorder(self, items: list[QuizItem]) -> list[QuizItem]:
        """A new weighted random order of this writer's candidates."""
        keys = [self.rng.random() ** (1.0 / max(self._weight.get(id(i), 1.0), 0.05)) for i in items]
        return [i for _, i in sorted(zip(keys, items), key=lambda x: -x[0])]

    # --- references and helpers ---------------------------------------------
    def ref(self, node: Node, titled: bool = True) -> str:
        if node.task is not None:
            forms = [f"任务{node.task}", f"第{node.task}项任务"]
            if titled:
                forms.append(f"“{display(node.title, nested=True)}”这项任务")
            return self.rng.choice(forms)
        return f"第{node.part}部分“{display(node.title, nested=True)}”"

    def _item(self, kind, template, stem, options, answer, explanation, node, quote, weight=1.0) -> QuizItem:
        item = QuizItem(kind, stem, options, answer, explanation, node.task, node.section, quote, template,
                        label=node.label)
        self._weight[id(item)] = weight
        return item

    def _source(self, text: str) -> str:
        entry = self.a.pool.get(text)
        node = entry.nodes[0] if entry else None
        return f"“{display(text, nested=True)}”见{_short(node)}" if node else ""

    def substitutes(self, text: str, kind: str, node: Node, k: int, listed: bool = False) -> list[str]:
        """Up to ``k`` terms of the same kind as ``text`` (``Analysis.same_type``, similar length)
        from other tasks, none of which this node's text uses; nearer tasks first."""
        key = (text, kind, node.id, k, listed)
        if key not in self._subs:
            self._subs[key] = self._substitutes(text, kind, node, k, listed)
        return self._subs[key]

    def _substitutes(self, text: str, kind: str, node: Node, k: int, listed: bool) -> list[str]:
        own, found = canon(node.text), []
        near = {n.id for n in self.a.siblings(node)[:8]}
        for other, entry, score in self.a.stand_ins(text, kind):
            if canon(other) in own:
                continue
            score += (1.0 if any(n.id in near for n in entry.nodes) else 0.0) + (1.0 if listed and entry.listed else 0.0)
            found.append((score + self.rng.random(), other))
        found.sort(key=lambda x: -x[0])
        out = [t for _, t in found[:k]]
        if kind == "number" and len(out) < k:
            out += _near_numbers(text, own, k - len(out), self.rng)
        return out

    # --- blanks -------------------------------------------------------------
    def _blanks(self, node: Node) -> list[QuizItem]:
        out = []
        for term in self.a.terms[node.id]:
            if term.kind == "noun" and len(term.text) == 2 and term.score < WEAK:
                continue  # 热情, 力度: too little to test
            frag = _fragment(term.sentence.text, term.start, term.end, 10, 64)
            if frag is None:
                continue
            quote = _quote(term.sentence.text, *_window(term.sentence.text, term.start, term.end, 10, 0, 64))
            for template, form in BLANK_TEMPLATES.items():
                stem = form.format(ref=self.ref(node), frag=frag)
                expl = f"横线处原文为“{display(term.text, nested=True)}”。"
                out.append(self._item("blank", template, stem, [], [term.text], expl, node, quote, term.score))
        return out

    # --- true / false ---------------------------------------------------------
    def _judges(self, node: Node) -> list[QuizItem]:
        """A statement a window of whole clauses long: true as written, false with one term swapped."""
        out = []
        for sent, windows in self._statement_windows(node):
            text = sent.text
            terms = [t for t in self.a.terms[node.id] if t.sentence.id == sent.id]
            for ws, we in windows:
                true, quote = text[ws:we], _quote(text, ws, we)
                swaps = [t for t in terms if ws + 2 <= t.start and t.end <= we - 2]
                for template, form in JUDGE_TEMPLATES.items():
                    ref = self.ref(node, titled=False)
                    out.append(self._item("judge", template, form.format(ref=ref, statement=display(true, nested=True)),
                                          list(JUDGE_OPTIONS), ["正确"], "正确，与原文一致。", node, quote))
                    for term in swaps:
                        for sub in self.substitutes(term.text, term.kind, node, 1):
                            false = text[ws:term.start] + sub + text[term.end:we]
                            if canon(false) in self.a.plan.text:
                                continue
                            expl = (f"错误。原文是“{display(true, nested=True)}”，题中把“{display(term.text, nested=True)}”"
                                    f"换成了“{display(sub, nested=True)}”（{self._source(sub)}）。")
                            out.append(self._item("judge", template,
                                                  form.format(ref=ref, statement=display(false, nested=True)),
                                                  list(JUDGE_OPTIONS), ["错误"], expl, node, quote, term.score))
        return out

    def _statement_windows(self, node: Node):
        """(sentence, windows): each clause grown to a 10–40 character statement, framing-only ones left out."""
        for sent in node.sentences[1:]:
            if sent.text.count('"') % 2:
                continue
            windows = []
            for a, b in clause_spans(sent.text):
                w = _window(sent.text, a, b, 0, 10, 40)
                if w and w not in windows and not self.a.incomplete(sent.text[w[0]:w[1]]):
                    windows.append(w)
            yield sent, windows

    # --- single choice ----------------------------------------------------------
    def _singles(self, node: Node) -> list[QuizItem]:
        return self._belongs(node) + self._which_task(node) + self._fill_choice(node)

    def _foreign_clauses(self, node: Node, like: str, k: int) -> list[Clause]:
        """Clauses of nearby tasks, of about ``like``'s length, that this node does not say."""
        if node.id not in self._foreign:
            own = canon(node.text)
            own_clauses = [c.text for c in self.a.clauses[node.id]]
            self._foreign[node.id] = [
                c for other in self.a.siblings(node)[:10] for c in self.a.clauses.get(other.id, [])
                if canon(c.text) not in own and not any(bigram_overlap(c.text, o) >= 0.5 for o in own_clauses)]
        pool = []
        for c in self._foreign[node.id]:
            if 0.6 <= len(c.text) / len(like) <= 1.6:
                same_verb = c.text[:2] == like[:2]
                pool.append((self.rng.random() + (0.5 if same_verb else 0.0) + (1.0 if c.node.part == node.part else 0.0), c))
        pool.sort(key=lambda x: -x[0])
        out: list[Clause] = []
        for _, c in pool:
            if all(c.text != o.text and c.node.id != o.node.id for o in out):
                out.append(c)
            if len(out) == k:
                break
        return out

    def _own_measures(self, node: Node) -> list[Clause]:
        """The node's measures that do not repeat its title (大力弘扬科学家精神 in 弘扬科学精神和科学家精神
        would answer a "which belongs" question by itself)."""
        out = []
        for c in self.a.clauses[node.id]:
            shared = longest_shared(c.text, node.title, 4)
            if not shared or self.a.df(shared) >= GENERIC_DF:  # sharing 科技工作者 gives nothing away
                out.append(c)
        return out

    def _belongs(self, node: Node) -> list[QuizItem]:
        out = []
        for clause in self._own_measures(node):
            wrong = self._foreign_clauses(node, clause.text, 3)
            if len(wrong) < 3:
                continue
            sources = [clause] + wrong
            self.rng.shuffle(sources)
            options = [display(c.text) for c in sources]  # an option stands alone: “” for the plan's quotes
            answer = display(clause.text)
            # each distractor named with its own text: an exporter may shuffle the options again
            expl = (f"“{display(clause.text, nested=True)}”出自{_short(node)}；" + "；".join(
                f"“{display(c.text, nested=True)}”出自{_short(c.node)}" for c in sources if c is not clause) + "。")
            for template, form in (("single.belongs", "下列哪一项是{ref}提出的举措？"),
                                   ("single.belongs_option", "下列选项中，属于{ref}内容的是？")):
                out.append(self._item("single", template, form.format(ref=self.ref(node)), options, [answer], expl,
                                      node, _quote(clause.sentence.text, clause.start, clause.end)))
        return out

    def _which_task(self, node: Node) -> list[QuizItem]:
        if node.task is None or not self.ask_which_task:
            return []
        out = []
        for term in self.a.terms[node.id]:
            if term.kind == "number" or self.a.df(term.text) != 1 or len(term.text) < 3 and term.kind != "name":
                continue
            others = [n for n in self.a.siblings(node) if n.task is not None][:3]
            others = self.rng.sample(others, len(others))
            shared = longest_shared(term.text, node.title)
            if len(shared) >= 2 and all(len(longest_shared(term.text, o.title)) < len(shared) for o in others):
                continue  # the right title would give the answer away
            tasks = [node] + others
            self.rng.shuffle(tasks)
            options = [f"任务{t.task} {display(t.title)}" for t in tasks]
            answer = f"任务{node.task} {display(node.title)}"
            name = display(term.text, nested=True)
            expl = f"“{name}”出自{_short(node)}（{display(node.title, nested=True)}），其他选项中的任务都没有提到它。"
            stem = f"“{name}”出自规划的哪一项任务？"
            window = _window(term.sentence.text, term.start, term.end, 6, 10, 36)
            quote = _quote(term.sentence.text, *(window or (term.start, term.end)))
            out.append(self._item("single", "single.which_task", stem, options, [answer], expl, node, quote,
                                  term.score))
            if window:
                clause = term.sentence.text[window[0]:window[1]]
                if all(len(longest_shared(clause, o.title)) >= len(longest_shared(clause, node.title)) for o in others) \
                        and not any(canon(clause) in canon(o.text) for o in others):
                    stem = f"规划提出“{display(clause, nested=True)}”。这是哪一项任务的内容？"
                    out.append(self._item("single", "single.which_task_quote", stem, options, [answer], expl, node,
                                          quote, term.score))
        return out

    def _fill_choice(self, node: Node) -> list[QuizItem]:
        out = []
        for term in self.a.terms[node.id]:
            frag = _fragment(term.sentence.text, term.start, term.end, 10, 64)
            subs = self.substitutes(term.text, term.kind, node, 3)
            if frag is None or len(subs) < 3:
                continue
            text = term.sentence.text
            if any(canon(text[:term.start] + s + text[term.end:]) in self.a.plan.text for s in subs):
                continue
            options = [display(o) for o in [term.text] + subs]
            answer = options[0]
            self.rng.shuffle(options)
            expl = f"原文为“{display(term.text, nested=True)}”；" + "；".join(self._source(s) for s in subs) + "。"
            stem = f"{self.ref(node)}写道：“{frag}”横线处应为哪一项？"
            quote = _quote(text, *_window(text, term.start, term.end, 10, 0, 64))
            out.append(self._item("single", "single.fill", stem, options, [answer], expl, node, quote, term.score))
        return out

    # --- multiple choice -----------------------------------------------------
    def _multis(self, node: Node) -> list[QuizItem]:
        out = []
        for e in self.a.enumerations[node.id]:
            out += self._enumeration_items(node, e)
        return out + self._belongs_multi(node)

    def _enumeration_items(self, node: Node, e: Enumeration) -> list[QuizItem]:
        texts = [t for t, _, _ in e.items]
        if len(texts) < 2:
            return []
        right = self.rng.sample(texts, min(len(texts), self.rng.choice([2, 3, 4])))
        wrong: list[str] = []
        for t in self.rng.sample(texts, len(texts)):
            for sub in self.substitutes(t, "noun", node, 2, listed=True):
                if sub not in wrong and not any(sub in x or x in sub for x in texts):
                    wrong.append(sub)
        if not wrong and all(len(t) == 2 for t in texts):
            wrong = self._listed_elsewhere(node, texts, 2)  # 科普、学术、智库、人才: 政策? 文化?
        wrong = wrong[:self.rng.choice([1, 2])]
        while len(right) + len(wrong) < 4 and len(right) < len(texts):
            right.append(next(t for t in texts if t not in right))
        if not wrong or len(right) + len(wrong) < 4 or len(right) < 2:
            return []
        options = [display(o) for o in right + wrong]
        answer = options[:len(right)]
        self.rng.shuffle(options)
        text = e.sentence.text
        expl = (f"原文列举的是{'、'.join(display(t, nested=True) for t in texts)}；"
                + "；".join(self._source(w) for w in wrong) + "。")
        out = []
        if e.span:
            frag = _fragment(text, e.span[0], e.span[1], 8, 70)
            if frag:
                stem = f"{self.ref(node)}写道：“{frag}”横线处列举的有下列哪些？（多选）"
                quote = _quote(text, *_window(text, e.span[0], e.span[1], 8, 0, 70))
                out.append(self._item("multi", "multi.fill", stem, options, answer, expl, node, quote, 1.5))
        if e.lead and e.head:
            stem = f"{self.ref(node)}提出要{display(e.lead, nested=True)}哪些{display(e.head, nested=True)}？（多选）"
            quote = _quote(text, e.items[0][1], e.items[-1][2])
            out.append(self._item("multi", "multi.head", stem, options, answer, expl, node, quote, 1.5))
        return out

    def _listed_elsewhere(self, node: Node, texts: list[str], k: int) -> list[str]:
        """Two-character items that other tasks' lists hold and this task never uses, nearest first."""
        own, rank = canon(node.text), {n.id: i for i, n in enumerate(self.a.siblings(node))}
        found = [(min(rank.get(n.id, 99) for n in e.nodes) + self.rng.random(), t) for t, e in self.a.pool.items()
                 if e.listed and len(t) == 2 and t not in texts and canon(t) not in own]
        return [t for _, t in sorted(found)[:k]]

    def _belongs_multi(self, node: Node) -> list[QuizItem]:
        """2–3 measures of one sentence (or of two adjacent ones) and 1–2 of other tasks."""
        out = []
        by_sentence: dict[str, list[Clause]] = {}
        for c in self._own_measures(node):
            by_sentence.setdefault(c.sentence.id, []).append(c)
        groups = list(by_sentence.values())
        groups += [a + b for a, b in zip(groups, groups[1:]) if len(a) < 3 or len(b) < 3]
        for group in groups:
            # two measures of a short group, so that one is left for another question
            for size in [2] + ([3] if len(group) >= 4 else []):
                out += self._belongs_multi_item(node, group, size)
        return out

    def _belongs_multi_item(self, node: Node, group: list[Clause], size: int) -> list[QuizItem]:
        if len(group) < size:
            return []
        right = sorted(self.rng.sample(group, size), key=lambda c: (c.sentence.start, c.start))
        wrong = self._foreign_clauses(node, right[0].text, self.rng.choice([1, 2]))
        if len(right) + len(wrong) < 4:
            wrong = self._foreign_clauses(node, right[0].text, 4 - len(right))
        if len(right) + len(wrong) < 4:
            return []
        options = [display(c.text) for c in right + wrong]
        answer = options[:len(right)]
        self.rng.shuffle(options)
        expl = ("、".join(f"“{display(c.text, nested=True)}”" for c in right) + f"出自{_short(node)}；"
                + "；".join(f"“{display(c.text, nested=True)}”出自{_short(c.node)}" for c in wrong) + "。")
        first, last = right[0].sentence, right[-1].sentence
        if first.id == last.id:
            quote = _quote(first.text, right[0].start, max(c.end for c in right))
        else:  # two sentences: the quote runs from the first to the end of the second
            quote = self.a.plan.text[first.start:last.end]
        return [self._item("multi", template, form.format(ref=self.ref(node)), options, answer, expl, node, quote)
                for template, form in (("multi.belongs", "下列哪些属于{ref}的内容？（多选）"),
                                       ("multi.belongs_measures", "以下哪些举措是{ref}提出的？（多选）"))]


# --- text windows -------------------------------------------------------------
def _window(text: str, start: int, end: int, min_ctx: int, min_len: int, max_len: int,
            inner: bool = False) -> tuple[int, int] | None:
    """Whole clauses of ``text`` around [start, end): at least ``min_ctx`` other characters and
    ``min_len`` in all, at most ``max_len``. ``inner``: at least two characters on either side."""
    spans = clause_spans(text)
    idx = next((i for i, (a, b) in enumerate(spans) if a <= start and end <= b), None)
    if idx is None:
        return None
    lo = hi = idx

    def size(l, h):
        return spans[h][1] - skip_dash(text, spans[l][0])

    def short(l, h):
        a, b = skip_dash(text, spans[l][0]), spans[h][1]
        return (b - a) - (end - start) < min_ctx or b - a < min_len or (inner and (start - a < 2 or b - end < 2))

    while short(lo, hi):
        if hi + 1 < len(spans) and size(lo, hi + 1) <= max_len and not (inner and start - skip_dash(text, spans[lo][0]) < 2
                                                                         and lo > 0):
            hi += 1
        elif lo > 0 and size(lo - 1, hi) <= max_len:
            lo -= 1
        else:
            return None
    if size(lo, hi) > max_len:
        return None
    return skip_dash(text, spans[lo][0]), spans[hi][1]


def _quote(text: str, start: int, end: int, least: int = 60, most: int = 120) -> str:
    """The item's quote: the whole sentence when it is at most ``most`` characters, else whole clauses
    around [start, end), grown to ``least`` characters (and the full stop when they reach it)."""
    if len(text) <= most:
        return text
    spans = clause_spans(text)
    lo = next((i for i, (a, b) in enumerate(spans) if start < b), 0)
    hi = next((i for i, (a, b) in enumerate(spans) if end <= b), len(spans) - 1)
    while spans[hi][1] - spans[lo][0] < least:
        if hi + 1 < len(spans) and spans[hi + 1][1] - spans[lo][0] <= most:
            hi += 1
        elif lo > 0 and spans[hi][1] - spans[lo - 1][0] <= most:
            lo -= 1
        else:
            break
    qa, qb = skip_dash(text, spans[lo][0]), spans[hi][1]
    return text[qa:len(text) if hi == len(spans) - 1 else qb]


def _fragment(text: str, start: int, end: int, min_ctx: int, max_len: int) -> str | None:
    """The clause window around [start, end) with the span blanked, as a stem quotes it:
    "……" where it is cut, "。" where the sentence ends."""
    window = _window(text, start, end, min_ctx, 0, max_len)
    if window is None:
        return None
    ws, we = window
    first = clause_spans(text)[0][0]
    hole = "\x00"
    body = display(text[ws:start] + hole + text[end:we], nested=True).replace(hole, BLANK)
    prefix = ELLIPSIS if skip_dash(text, first) < ws else ""
    suffix = "。" if text[we:].strip() == "。" else ELLIPSIS
    return prefix + body + suffix


def _short(node: Node | None) -> str:
    if node is None:
        return ""
    if node.task is not None:
        return f"任务{node.task}"
    return node.marker.strip("[]")


def _near_numbers(text: str, own: str, k: int, rng: random.Random) -> list[str]:
    """Made-up figures near ``text`` ("15%" → "20%") that the cited text does not contain."""
    value = float(text.rstrip("%"))
    unit = "%" if text.endswith("%") else ""
    out = []
    for factor in rng.sample([0.5, 0.8, 1.2, 1.5, 2.0], 5):
        v = value * factor
        s = (f"{v:.0f}" if v >= 10 or float(v).is_integer() else f"{v:.1f}") + unit
        if s != text and s not in own and s not in out:
            out.append(s)
    return out[:k]
