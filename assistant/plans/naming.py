"""Which plan a question names, when several are loaded: "江临省规划第17项", "省里的规划对科普有什么要求".

Each plan's names are derived from its id and title: the title, the id, the body that issued it
("江临省", "江临", "青渚市科协"), its level ("省里的规划", "市科协", "学会规划") and its period ("十五五").
A level or a period is a weak name: it counts only when no plan is named by a strong one.

>>> names = [PlanNames.derive("jl", "江临省科学技术协会事业发展“十五五”规划（2026—2030年）"),
...          PlanNames.derive("qz", "青渚市科学技术协会“十五五”发展规划")]
>>> r = route("省里的规划对科普有什么要求", names, "qz")
>>> r.plans, r.question, r.compare
(['jl'], '科普有什么要求', False)
>>> route("两个规划对科普队伍的要求有什么不同", names, "qz").plans
['jl', 'qz']
>>> route("第19项任务是什么", names, "qz").plans, route("第19项任务是什么", names, "qz").named
(['qz'], False)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

PERIOD = re.compile(r"十[一二三四五六七八九]五")
# the body that issued the plan, up to the first generic word of a plan's title
BODY = re.compile(r"^(.+?)(?:科学技术协会|科协|学会|协会|事业|发展|规划|[“\"《(（])")
# a name is taken with the words around it that also just name the plan: "江临省科协规划里" → all of it
AROUND = r"(?:科学技术协会|科协)?(?:的)?(?:事业发展|发展)?(?:规划|计划)?(?:里面|里|中|上)?(?:的)?"
# several plans at once, or asked to compare
SEVERAL = re.compile(r"(?:两|二|三|几|各|每|所有|这些|这几|那些)(?:个|份|级|部)?(?:规划|文件)|(?:规划|文件)之间|分别(?:怎么|如何|是怎么)?(?:说|写|规定)")
COMPARE = re.compile(r"(?:有)?(?:什么|哪些|何)?(?:不同|区别|差别|差异|异同)(?:之处|点)?(?:吗|呢)?|相比(?:之下)?|比较|对比|一样吗|相同吗")
CLAUSE = re.compile(r"[，,；;。？?！!]")


@dataclass
class PlanNames:
    """A plan's id, title, the tag its markers carry ("[江临·任务19]") and the names a question may use."""

    id: str
    title: str
    tag: str
    strong: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)

    @classmethod
    def derive(cls, plan_id: str, title: str, bundled: bool = False) -> "PlanNames":
        """Names from the id and the title: 青渚市科学技术协会“十五五”发展规划 → 青渚市, 青渚, 青渚市科协, 市里 …"""
        strong, weak = [plan_id, title], []
        period = PERIOD.search(title)
        if period:
            weak += [period.group(0), f"{period.group(0)}规划"]
        m = BODY.match(title)
        body = m.group(1) if m else ""
        kind = "学会" if re.match(re.escape(body) + "(?:工程)?学会", title) else "科协"
        if bundled or body in ("中国", "全国"):
            strong += ["中国科协", "全国科协", "国家的规划", "全国的规划", "全国规划", "国家规划", "中国科协的规划"]
        elif body:
            place = re.sub(r"^中国", "", body)
            strong += [body, place, f"{body}{kind}", f"{place}{kind}"]
            short = re.sub(r"(?:省|市|县|区|自治区|工程)$", "", place)
            if len(short) >= 2:
                strong.append(short)
            level = next((lv for lv in ("省", "市", "县", "区") if body.endswith(lv)), None)
            if level:
                weak += [f"{level}里", f"{level}科协", f"{level}级规划", f"{level}规划", f"全{level}", f"本{level}"]
            elif kind == "学会":
                weak += ["学会规划", "学会的规划", "本学会", "该学会"]
        tag = period.group(0) if bundled and period else plan_id
        return cls(plan_id, title, tag, _unique(strong), _unique(weak))


@dataclass
class PlanRoute:
    """Where a question goes: ``plans`` (one, or several side by side when ``compare``), the question
    to ask each of them with the plan names taken out, and whether a plan was named at all."""

    plans: list[str]
    question: str
    compare: bool = False
    named: bool = False


def route(question: str, names: list[PlanNames], default: str) -> PlanRoute:
    """The plan(s) a question names; the default plan when it names none (see the module's examples)."""
    found = mentions(question, names)
    several = bool(SEVERAL.search(question))
    named = _order(found, names)
    if len(named) >= 2 and not several:
        named = [pid for pid in named if pid not in compared_with(question, found)] or named
    if len(named) >= 2 and not several and not COMPARE.search(question):
        # "省里和市里的规划都提到“三长”制，省里的规划写在第几条？": the clause that asks decides
        last = [c for c in CLAUSE.split(question) if c.strip()]
        asked = _order(mentions(last[-1], names), names) if last else []
        if len(asked) == 1:
            named = asked
    stripped = strip(question, found)
    if len(named) >= 2 or (several and len(names) > 1):
        plans = named if len(named) >= 2 else [n.id for n in names]
        return PlanRoute(plans, _comparable(stripped), compare=True, named=bool(named))
    if named:
        return PlanRoute(named, stripped or question, named=True)
    return PlanRoute([default], question)


def mentions(question: str, names: list[PlanNames]) -> list[tuple[int, int, str]]:
    """(start, end, plan id) of every plan name in the question, strong names first, longest first, no
    overlaps. A name that several plans share (all are 十五五 plans) names each of them."""
    q = question.lower()
    spans: dict[tuple[int, int], set[str]] = {}
    for strength in ("strong", "weak"):
        candidates = sorted(((alias, n.id) for n in names for alias in getattr(n, strength)),
                            key=lambda x: -len(x[0]))
        for alias, plan_id in candidates:
            for m in re.finditer(re.escape(alias.lower()) + AROUND, q):
                span = (m.start(), m.end())
                if span in spans or not any(s < span[1] and span[0] < e for s, e in spans):
                    spans.setdefault(span, set()).add(plan_id)
    return sorted((s, e, pid) for (s, e), ids in spans.items() for pid in ids)


def compared_with(question: str, found: list[tuple[int, int, str]]) -> set[str]:
    """The plans a question only measures against: "和省里的规划比，学会规划……" → the province's."""
    return {pid for s, e, pid in found
            if (re.search(r"(?:和|与|跟|同|较)$", question[:s]) and re.match(r"(?:相)?比", question[e:]))
            or (re.search(r"(?:像|如同|比照)$", question[:s]) and re.match(r"(?:那样|一样)", question[e:]))}


def strip(question: str, found: list[tuple[int, int, str]]) -> str:
    """The question without the plan names: "江临省规划第17项任务讲的是什么？" → "第17项任务讲的是什么？"."""
    out, last = [], 0
    for s, e, _ in sorted(found):
        out.append(question[last:s])
        last = e
    out.append(question[last:])
    text = "".join(out)
    text = re.sub(r"(^|[，,])(?:和|与|跟|同)?(?:相)?比[，,]|(?:像|如同|比照)(?:那样|一样)的?", r"\1", text)
    text = re.sub(r"^[\s，,、和与及跟]+|(?<=[，,])[\s、和与及跟]+", "", text)
    return re.sub(r"^(?:对|在|关于)(?=.{2})", "", text).strip() or question


def _comparable(question: str) -> str:
    """What each plan is asked in a comparison: "两个规划对科普队伍的要求有什么不同" → "科普队伍的要求"."""
    q = SEVERAL.sub("", question)
    q = COMPARE.sub("", q)
    q = re.sub(r"^[\s，,、和与及跟对在关于]+|[\s，,、？?。都]+$", "", q)
    q = re.sub(r"(?:上|方面)?(?:的)?$", "", q)
    return q or question


def _order(found, names: list[PlanNames]) -> list[str]:
    """The plan ids found, in the order the plans are loaded."""
    ids = {pid for _, _, pid in found}
    return [n.id for n in names if n.id in ids]


def _unique(items: list[str]) -> list[str]:
    out = []
    for item in items:
        if item and len(item) >= 2 and item not in out:
            out.append(item)
    return out
