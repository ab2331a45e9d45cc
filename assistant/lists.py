"""Topical lists: "哪些任务和青少年有关", "涉及农村、农民的任务有哪几个".

A list question's topic is what is left once the list words are gone. Each piece
of it (split on 、 和 或 …) is matched with the plan's own words, in this order:
the piece itself where the plan says it; else its longest run the plan says (at
least three characters, 研究人才成长规律 → 人才成长规律) and its distinctive words
together (新设立奖项 → 设立 + 奖项). Lay words add the plan's terms
(农民 → 农村 乡村 三农). A task belongs to the list when its text holds all the
words of one match; the answer cites the sentence that holds most of them.

>>> is_list_question("哪些任务和青少年有关"), is_list_question("科普队伍建设有哪些措施")
(True, False)
>>> topic_of("涉及农村、农民的任务有哪几个？"), pieces("农村、农民")
('农村、农民', ['农村', '农民'])
>>> topic_of("规划里哪几项任务提到要新设立奖项？"), topic_of("规划里提到的服务平台有哪些")
('新设立奖项', '服务平台')
"""
from __future__ import annotations

import re

from .plan import Node, Plan, Sentence

LIST_QUESTION = re.compile(
    r"哪些任务|哪几(项|个|条)|哪些地方|哪些部分|有几(项|个|条)任务|任务(一共|总共)?有几|分别(是|在)(哪|什么)|"
    r"(出现|分布|体现)在哪|任务(都)?有哪些|有哪些任务|在哪些任务|(几|多少)处|多少(个|项|条)任务|任务有多少|"
    r"各(在|是)哪|都在哪(些|几)|任务(都|就)?(是|有)哪(些|几)|分别(放)?在哪|任务[^，,。？?]{0,20}有几(项|个|条)|"
    r"(提到|提出|说到|讲到)了?(哪些|哪几)(个|项|种)?[\u4e00-\u9fff]|(讲到|提到|说到|写到|涉及)[^，,。？?]{1,16}的(内容|地方)?(都|分别)?在哪|(讲|写|说|提)在哪|哪些条目?|(条款|任务)[^，,。？?]{0,6}列(一下|出来)|"
    r"规划(里|中)?(提到|提出|说|讲|列)的[^，。？?]{2,10}(都)?有哪些|"
    r"(?<!第)(几|多少)(项|个|条)(重点)?任务|哪些地方(讲|说|提|写)|分别(在|是)[^，,。？?]{0,6}(什么|哪些)地方|"
    # "出现过几次，都在哪", "列举/梳理…的任务", "把…的任务都找出来" ("一共几项任务提到了": the count above)
    r"出现(过|了)?(几|多少)(次|回|处)|"
    r"列举|梳理|(任务|条款|条目|地方|内容)[^，,。？?]{0,6}(找|挑|列|摘|拎)(一下|出来)")
# the tasks (clauses, places in the plan) on a topic asked for as a set: "X相关的任务都有什么", "凡是讲到X的地方",
# "关于X的条文都在哪", "涉及X的全部任务", "请逐条列出", "汇总一下", "规划哪些内容跟X有关", "X写了几条"
SET_ASKED = re.compile(
    r"的(任务|条款|条目|条文)(都|一共|总共)?(有啥|有什么|有哪些)|(任务|条款|条目|条文|内容|地方)[^，,。？?]{0,4}(汇总|逐条|都在哪|都有哪些)|"
    r"逐条|汇总|凡是|(涉及|有关|相关|提到|关于)[^，,。？?]{0,3}的?(全部|所有)(任务|条款)|哪些(关于|有关|涉及|跟|和)[^，,。？?]{1,14}的任务|"
    r"哪些内容(跟|和|与)|(写|讲|说|提)了?(几|多少)(条|项|处)|(能不能|可不可以)?都(告诉|列|说)(给)?我")
ONE_TASK = re.compile(r"(这|该|那|此)(个|一)?(项|条)?任务")  # "这项任务有什么要求": one task, said before
# the question asks for tasks by name ("哪几项任务", "哪些条款"), whatever else it names ("试点地方")
TASKS_ASKED = re.compile(r"哪(些|几)(项|个)?(重点)?任务|哪(些|几)条(款)?|哪几项|(任务|条款)(都)?(有|是)哪|"
                         r"(条文|条款|条目|任务)[^，,。？?]{0,2}都?在哪|出现(过|了)?(几|多少)(次|回|处)|第几(项|条)|任务(的)?(编号|序号)|哪(条|项)任务")
CLAUSE = re.compile(r"[，,。？?！!；;：:]")
# a pattern with a wildcard: “实施……工程”, “××中国”, "国家XX中心"
WILDCARD = re.compile(r"…|\.{3}|×|＊|\*|某某|(?<![A-Za-z])[Xx]{2}(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])[Xx]{2}(?![A-Za-z])")
QUOTED = re.compile(r"[\"“「『]([^\"”」』]{2,20})[\"”」』]")  # a quoted term: “党建强会”
# "讲科普的那一大块", "学术交流那部分": the list is a part's tasks ("培训这块" is only "on training")
PART_WORDS = re.compile(r"(那|这)(一大?|大)块|(那|这)(一)?(部分|板块|章)|部分")
# "科技和经济结合那块": a part only when its title says most of the topic ("评价体系改革这块" is about 评价)
BLOCK = re.compile(r"(那|这)块")
LIST_NOISE = re.compile(
    r"请问|规划(中|里面|里|当中)?|(一共|总共|共)?(有)?(哪些|哪几|几|多少)(项|个|条款|条|处)?(重点)?(任务|地方|部分|内容)?(里|中)?|"
    r"分别(是|在)?(哪些|哪几)?(任务)?(里|中)?|(都)?有(哪些|啥)|都有啥|有啥|(出现|分布|体现)(在)?|列出来?|清单|"
    r"(几|多少)处|有多少(个|项|条)?|的?(都|分别)?在哪(里|儿)?|各(类|种|个|在|是)?(哪)?|都在|(给我)?列(一下|出来)|条款|有关系的?|直接|"
    r"提到了?|提及了?|涉及(到)?了?|说到了?|讲到了?|谈到了?|写到了?|有关的?|相关的?|关于|这个说法|这一说法|说法|问题|"
    r"(的)?(支持|要求|措施|举措|安排|部署|规定)|比如(说)?|例如|譬如|诸如|的事(?!迹|业|务|项|宜|例)|事情|哪(项|个|条)|这些|"
    r"的?(重点)?任务|的?内容|条目|方面的?|(那|这)一?大?块|那部分|这部分|这一块|(直接)?以|为题|打算|准备|要|搞|"
    r"凡是|全部|所有|逐条(列出)?|汇总(一下)?|(能不能|可不可以)?都?告诉我|挂钩|有关系|相关联|对应|的?条文|有什么|请|"
    r"这类|之类|一类|第几(项|条|个)?|编号|序号|是多少|出现(过|了)?(几|多少)?(次|回)?|列举(一下)?|梳理(一下)?|帮我|都?(找|挑|摘|拎)(一下|出来)|"
    r"(都)?(是|有)哪(些|几)(项|个|条|处)?|(是)?靠|来推的?|放在|里提过|提过|在讲|的地方|"
    r"(学会秘书|老师)?(问一下|想问|请教|咨询一下)|我(们)?(县|市|乡|镇|单位|学会|协会|科协)?(想|要|打算|准备)?(知道|了解|问问?|看看)?|"
    r"[?？!！。,，:：\s\"“”「」『』]")
RARE = 5  # a word in at most this many tasks may stand for a topic on its own
EDGE = "的了呢吗呀啊吧嘛中里都有是和与跟同对在讲说谈写提把"
POINTER = re.compile(r"这|那|他们|她们|它们|它")  # "这方面规划有哪几条": the topic was said before
LEADING_POINTER = re.compile(r"^(这|那)(种|类|个|些|样)的?")
POINTER_WORDS = re.compile(r"(这|那)(种|类|个|些|样|方面|件事|块)?(的)?|他们|她们|它们|它|方面")
PIECE_SPLIT = re.compile(r"、|和|或者|或|及|以及|与|跟|/|[()（）]")


def is_list_question(q: str) -> bool:
    return bool(LIST_QUESTION.search(q) or (SET_ASKED.search(q) and not ONE_TASK.search(q)))


def topic_of(q: str) -> str:
    """The topic of a list question ("" when it asks about every task): a quoted term if any, else
    what is left of the clause that asks for the list, else of the clause before it
    ("我是高校科协的老师，规划里提到高校的任务都有哪些？" → 高校; "让科技人员觉得科协像娘家一样，
    这方面规划有哪几条" → the clause before, which 这方面 points to)."""
    return next(iter(topic_candidates(q)), "")


def topic_candidates(q: str) -> list[str]:
    """Where a list question's topic may be, most likely first (see ``topic_of``)."""
    quoted = QUOTED.findall(q)
    if len(quoted) == 1:
        return [quoted[0]]
    clauses = [c for c in CLAUSE.split(q) if c.strip()]
    # the last clause that asks ("学会党支部该参照哪些条？哪些任务讲了党建" → 党建)
    asking = next((i for i in reversed(range(len(clauses))) if LIST_QUESTION.search(clauses[i])), None)
    if asking is None:
        return [r for r in [_rest(q)] if len(r) >= 2]
    order = (asking, asking - 1, asking + 1)
    # "这种产学研合作" names its own topic; "这种合作", "这类活动" only its kind
    rest = _rest(clauses[asking])
    if asking > 0 and POINTER.search(rest) and len(POINTER_WORDS.sub("", rest).strip(EDGE)) < 3:
        order = (asking - 1, asking, asking + 1)
    rests = [_rest(clauses[i]) for i in order if 0 <= i < len(clauses)]
    # then the earlier clauses, nearest first ("科技伦理问题，规划里有几处讲到？分别是哪几项任务")
    rests += [_rest(clauses[i]) for i in reversed(range(max(0, min(order))))]
    # "除了总目标那段，还有哪几条": what is left out is no topic
    rests = [LEADING_POINTER.sub("", r) for r in rests]  # "这种产学研合作" → 产学研合作
    return list(dict.fromkeys(r for r in rests if len(r) >= 2 and not r.startswith("除了")))


def _rest(text: str) -> str:
    return LIST_NOISE.sub("", text).strip(EDGE + "、")


LIGHT_VERB = re.compile(r"^(做|搞|办|弄|抓|开展|进行)")  # "做示范" names 示范
# the plan's verbs of action before what they act on (弘扬科学家精神, 加强科普队伍建设)
ACTION = re.compile(r"^(弘扬|加强|推动|推进|开展|实施|支持|建立|建设|完善|打造|培育|提升|促进|深化|举办|组织|引导|鼓励|"
                    r"发展|宣传|培养|构建|强化|提高|健全)")


def pieces(topic: str) -> list[str]:
    out = [LIGHT_VERB.sub("", p.strip(EDGE)).strip(EDGE) for p in PIECE_SPLIT.split(topic)]
    return [p for p in out if len(p) >= 2]


def topic_pieces(topic: str, tokenizer) -> list[str]:
    """The pieces of a topic that name something: not a bare verb ("培养和吸纳" says what is done to it)."""
    out = []
    for p in pieces(topic):
        tags = [flag for word, flag in tokenizer.tagged(p) if word.strip()]
        if not tags or not all(flag == "v" for flag in tags):
            out.append(p)
    return out or pieces(topic)


class TopicMatcher:
    """Which tasks a topic's pieces are found in, by the plan's own words."""

    def __init__(self, plan: Plan, tokenizer, synonyms: dict[str, list[str]], common: set[str],
                 vocabulary: set[str]):
        self.plan = plan
        self.vocabulary = vocabulary  # the plan's own words: 人工 inside 候选人工作 is not one
        self.tokenizer = tokenizer
        self.synonyms = synonyms
        self.common = common  # words in most sections (科协, 建设): never a match on their own

    def alternatives(self, piece: str) -> list[tuple[str, ...]]:
        """Ways the plan may say ``piece``: each a tuple of strings that must all occur in one sentence."""
        text = self.plan.text
        out: list[tuple[str, ...]] = []
        if piece in text:
            out.append((piece,))
        else:
            run = self._word_run(piece, 3).strip(EDGE)  # not 成果的
            if len(run) >= 3 and run not in self.common and len(run) >= max(3, len(piece) // 2):
                out.append((run,))
            # its distinctive words together (科技工作者 + 办实事): whole words only, not the
            # search-mode pieces inside them, and none of the plan's everyday words
            words = [w for w in self.tokenizer.tokens(piece)
                     if len(w) >= 2 and w in self.vocabulary and w not in self.common]
            words = [w for w in dict.fromkeys(words) if not any(w != o and w in o for o in words)]
            verbs = {w for w, flag in self.tokenizer.tagged(piece) if flag == "v"}
            if any(w not in verbs for w in words):  # 打造品牌: the thing named, not what is done to it
                words = [w for w in words if w not in verbs]
            if len(words) >= 2:
                out.append(tuple(words))
            elif len(words) == 1 and (not out or len(words[0]) >= 3):
                out.append((words[0],))
        if len(out) == 1 and out[0] == (piece,):
            # the plan's everyday word plus the topic (科技伦理 = 科技 + 伦理): the topic alone too
            rest = [w for w in self.tokenizer.tokens(piece)
                    if len(w) >= 2 and w != piece and w in self.vocabulary and w not in self.common]
            rest = [w for w in rest if not any(w != o and w in o for o in rest)]
            if len(rest) == 1 and all(w in self.common or w in rest[0] or w == piece
                                      for w in self.tokenizer.tokens(piece) if len(w) >= 2) \
                    and sum(rest[0] in t.text for t in self.plan.tasks) <= RARE:  # not 科普 out of 科普中国
                out.append((rest[0],))
        thing = ACTION.sub("", piece)  # 弘扬科学家精神: also where the plan names the thing alone
        if thing != piece and len(thing) >= 3 and thing in text and thing not in self.common and (thing,) not in out:
            out.append((thing,))
        found = bool(out)
        for lay, terms in self.synonyms.items():
            if lay == piece or (lay in piece and (not found or len(lay) >= 2 and lay not in text)):
                out += [(t,) for t in terms if (t,) not in out]
        return out

    def _specific(self, piece: str, limit: int = 10) -> list[tuple[str, ...]]:
        """A piece's alternatives without those found in more than ``limit`` tasks when narrower ones
        exist (年轻科研人员: 青年, not 科技工作者, which most tasks say)."""
        alts = self.alternatives(piece)
        spread = {a: sum(all(w in t.text for w in a) for t in self.plan.tasks) for a in alts}
        narrow = [a for a in alts if a == (piece,) or spread[a] <= limit]
        return narrow if any(spread[a] for a in narrow) else alts

    def _shared_head(self, parts: list[str]) -> str:
        """The head word two or more pieces end in, which names their kind (资源共享、共建共享 → 共享): a word
        of the plan of two characters or more, not one of its everyday words."""
        ends = [p[-k:] for p in parts for k in range(2, len(p)) if p[-k:] in self.vocabulary]
        shared = [e for e in dict.fromkeys(ends) if ends.count(e) >= 2 and e not in self.common]
        return max(shared, key=len, default="")

    def _word_run(self, piece: str, shortest: int) -> str:
        """The longest run of whole words of ``piece`` (at least ``shortest`` characters) that the plan says:
        转化落地 gives no 化落地, which starts inside 转化."""
        cuts = [0]
        for word, _ in self.tokenizer.tagged(piece):
            cuts.append(cuts[-1] + len(word))
        runs = sorted(((i, j) for i in cuts for j in cuts if j - i >= shortest), key=lambda r: r[0] - r[1])
        return next((piece[i:j] for i, j in runs if piece[i:j] in self.plan.text), "")

    def members(self, topic: str, limit: int = 10, ranked: list[Node] | None = None) -> list[tuple[Node, Sentence]]:
        """Tasks holding one of the topic's matches, in plan order, each with its first matching body sentence.

        A topic found in more than ``limit`` tasks keeps those ``ranked`` puts first (retrieval's order for
        the topic), else those where it is found most often."""
        if "…" in topic:  # a pattern such as 国家…中心
            literal = [re.escape(p) for p in topic.split("…") if p]
            pattern = re.compile(".{1,8}?".join(literal))
            return [(t, next(s for s in t.sentences if pattern.search(s.text)))
                    for t in self.plan.tasks if any(pattern.search(s.text) for s in t.sentences)][:limit]
        parts = topic_pieces(topic, self.tokenizer) or [topic]
        alts = [a for p in parts for a in self._specific(p)]
        head = self._shared_head(pieces(topic))  # the verbs too: 共建共享
        if head and (head,) not in alts:
            alts.append((head,))
        if not alts:
            return []
        found = []
        for node in self.plan.tasks:
            # words of one alternative may stand in different sentences of the task; the sentence
            # quoted is the one holding most of them
            alive = [alt for alt in alts if all(w in node.text for w in alt)]
            if not alive:
                continue
            in_title = any(all(w in node.title for w in alt) for alt in alive)
            body = node.sentences[1:] or node.sentences
            held = [(max(sum(w in s.text for w in alt) / len(alt) for alt in alive), s) for s in body]
            best = max((h for h, _ in held), default=0.0)
            quoted = next((s for h, s in held if h == best and h > 0), None)
            found.append((node, quoted or node.sentences[0], sum(h == 1.0 for h, _ in held) + 2 * in_title))
        if len(found) > limit:
            order = {n.id: i for i, n in enumerate(ranked or [])}
            keep = {id(n) for n, _, c in sorted(found, key=lambda f: (order.get(f[0].id, len(order)), -f[2]))[:limit]}
            found = [f for f in found if id(f[0]) in keep]
        return [(n, s) for n, s, _ in found]
