"""The web UI (gradio, Chinese): chat with citation chips, a plan browser, feedback.

Built by :func:`build_ui` and mounted on the FastAPI app by ``web.app.create_app``.
A citation chip opens the cited task's full text with the quoted sentence
highlighted; 👍/👎 on an answer goes to the same log as ``/api/feedback``.
"""
from __future__ import annotations

import html
import os
import time
import uuid

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio loads: no calls to outside hosts
import gradio as gr  # noqa: E402

from .desk import details
from ..models import Answer
from ..store import LogUnavailable

EXAMPLES = ["第19项任务要求什么？", "哪些任务涉及乡村振兴？", "“科普中国”是哪项任务的内容？",
            "第六部分有哪些任务？", "一共有多少项任务？", "规划对科技期刊有什么要求？"]
INTRO = ("### 规划助手\n中国科协事业发展“十四五”规划（2021—2025年）问答。每个回答都注明出自哪项任务（任务1–38）"
         "或哪一部分（一–十），点击引用可查看原文。规划没有写到的内容，助手会直接说明。")


def node_html(plan, node_id: str, quote_start: int | None = None, quote_end: int | None = None,
              fold: bool = False) -> str:
    """A task or section's full text as HTML, the quoted span (corpus offsets) in <mark>.

    ``fold``: in a panel the reader can fold away (open at first), as the cited text under an answer is.
    """
    try:
        node = plan.node(node_id)
    except KeyError:
        return "<p>找不到这一段原文。</p>"
    part = plan.part_of(node) if node.kind == "task" else None
    head = f"{node.label}" + (f"（{part.label}）" if part else "")
    text = node.text
    if quote_start is not None and node.start <= quote_start < quote_end <= node.end:
        a, b = quote_start - node.start, quote_end - node.start
        body = (html.escape(text[:a]) + '<mark id="quoted">' + html.escape(text[a:b]) + "</mark>"
                + html.escape(text[b:]))
    else:
        body = html.escape(text)
    if fold:
        return (f'<details class="plan-text cited" open><summary><h3>{html.escape(head)}</h3></summary>'
                f'<p>{body}</p></details>')
    return f'<div class="plan-text"><h3>{html.escape(head)}</h3><p>{body}</p></div>'


def _plain(text: str) -> str:
    """Chat text as text: the chat renders no markdown (render_markdown=False) but still renders HTML,
    so a question's ``<img src=…>`` is escaped here (line breaks are kept by ui.css).

    >>> _plain("<img src='http://x/p.png'> 第19项")
    '&lt;img src=&#x27;http://x/p.png&#x27;&gt; 第19项'
    """
    return html.escape(text)


def answer_html(text: str) -> str:
    r"""An answer as HTML: its "- " lines as a list, every other line as its own paragraph, so a
    heading such as "相关内容：" is never drawn inside the bullet before it; all text escaped.

    >>> answer_html("根据任务19：\n- 甲 [任务19]\n相关内容：\n- <b>乙</b>")
    '<p>根据任务19：</p><ul><li>甲 [任务19]</li></ul><p>相关内容：</p><ul><li>&lt;b&gt;乙&lt;/b&gt;</li></ul>'
    """
    out, items = [], []
    for line in text.split("\n") + [""]:
        if line.startswith("- "):
            items.append(f"<li>{_plain(line[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if line.strip():
            out.append(f"<p>{_plain(line)}</p>")
    return "".join(out)


def _snippet(quote: str, size: int = 12) -> str:
    quote = quote.strip()
    return quote if len(quote) <= size else quote[:size] + "…"


def part_html(plan, part) -> str:
    """A part's introduction and sub-sections, then the titles of its tasks."""
    nodes = ([part.intro] if part.intro else []) + part.subsections
    body = "".join(f"<p>{html.escape(n.text)}</p>" for n in nodes)
    tasks = "".join(f"<li>{html.escape(t.label)}</li>" for t in part.tasks)
    return (f'<div class="plan-text"><h3>{html.escape(part.label)}</h3>{body}'
            + (f"<p>本部分的任务：</p><ul>{tasks}</ul>" if tasks else "") + "</div>")


def build_ui(bot, store) -> gr.Blocks:
    """The UI: a chat tab (answers with their quotes beside them), a tab to browse the plan, a quiz tab."""
    plan = bot.plan
    shelf = getattr(bot, "shelf", None)
    several = bool(shelf and shelf.several)  # the plan selector shows only when more than one plan is loaded
    with gr.Blocks(title="规划助手 · 中国科协“十四五”规划问答", analytics_enabled=False) as demo:
        gr.Markdown(INTRO)
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                _chat_tab(bot, store, plan, several)
            with gr.Tab("浏览规划", id="browse"):
                _browse_tab(plan)
            with gr.Tab("出题", id="quiz"):
                build_quiz_tab(bot)
    demo.queue(default_concurrency_limit=16)  # gradio's default of 1 would make every visitor wait in one line
    _hide_version(demo)
    return demo


def _answer_message(answer: Answer) -> str:
    text = answer.text
    if answer.notice:
        text = f"{answer.notice}\n\n{text}"
    return answer_html(text)


def _chips_for(answer: Answer):
    # the quoted sentences only: a task's title is cited too, but highlighting it shows nothing
    cites = [c for c in answer.citations if c.quote and not c.is_title]
    choices = [(f"{c.marker} {_snippet(c.quote)}", str(i)) for i, c in enumerate(cites)]
    # the first quote is shown at once (below), so its chip is the one marked
    return cites, gr.update(choices=choices, value="0" if choices else None, visible=bool(choices))


def _chat_handlers(bot, store, plan, several):
    """What the chat tab does: answer a message (streamed), open a quote, take a thumbs up or down."""
    def plan_of(cite):
        """The plan a citation quotes (its chip opens that plan's text)."""
        return bot.member(cite.plan).plan if several and cite.plan else plan

    def respond(message, history, conversation, cites, ids, pinned=""):
        history = list(history or [])
        message = (message or "").strip()
        if not message:
            yield history, conversation, cites, ids, gr.update(), gr.update(), ""
            return
        if conversation is None:
            conversation = bot.conversation()
        conversation.plan = (pinned or None) if several else conversation.plan
        history.append({"role": "user", "content": _plain(message)})
        history.append({"role": "assistant", "content": "正在查找规划原文…"})
        yield history, conversation, cites, ids, gr.update(), gr.update(), ""
        started = time.perf_counter()
        answer, draft = None, ""
        try:
            for piece in conversation.stream(message):
                if isinstance(piece, str):
                    draft += piece
                    history[-1] = {"role": "assistant", "content": _plain(draft)}
                    yield history, conversation, cites, ids, gr.update(), gr.update(), ""
                else:
                    answer = piece
        except Exception as e:  # InputError and anything else: a message in the chat, never a crash
            text = getattr(e, "message_zh", None) or "处理问题时出错，请换个说法再试。"
            history[-1] = {"role": "assistant", "content": text}
            yield history, conversation, cites, ids, gr.update(), gr.update(), ""
            return
        answer_id = uuid.uuid4().hex
        try:  # committed before it is shown; if the log cannot write, the answer is shown anyway
            shown = store.submit_details(answer_id, *details(answer))  # what the review desk shows
            store.answer(answer_id, None, answer.question, answer.text, answer.refused, answer.cited_tasks,
                         answer.route, answer.mode, (time.perf_counter() - started) * 1000, "ui")
            store.wait(shown)
            ids = {**(ids or {}), str(len(history) - 1): answer_id}
        except LogUnavailable:
            pass  # counted in /api/health; this answer takes no feedback
        history[-1] = {"role": "assistant", "content": _answer_message(answer)}
        cites, chips = _chips_for(answer)
        viewer = node_html(plan_of(cites[0]), cites[0].node_id, cites[0].start, cites[0].end, fold=True) if cites else ""  # a quote, not a title
        yield history, conversation, cites, ids, chips, gr.update(value=viewer, visible=bool(cites)), ""

    def open_citation(choice, cites):
        if choice is None or not cites:
            return gr.update()
        c = cites[int(choice)]
        return gr.update(value=node_html(plan_of(c), c.node_id, c.start, c.end, fold=True), visible=True)

    def like(data: gr.LikeData, ids):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        answer_id = (ids or {}).get(str(index))
        if answer_id and data.liked is not None:
            try:
                store.feedback(answer_id, "up" if data.liked else "down", None)
            except LogUnavailable as e:
                raise gr.Error(e.message_zh) from e

    return respond, open_citation, like


def _chat_tab(bot, store, plan, several) -> None:
    respond, open_citation, like = _chat_handlers(bot, store, plan, several)
    with gr.Row(equal_height=False, elem_id="chat-row"):
        with gr.Column(scale=3, min_width=320, elem_id="chat-col"):
            # plain text: a question (and an answer that repeats it) is never markdown or HTML,
            # so "![x](http://…)" in a question fetches nothing. No label: gradio floats it over
            # the first lines of the chat once it scrolls (the tab already says 问答)
            chatbot = gr.Chatbot(label="对话", show_label=False, height=520, elem_id="chat", layout="bubble",
                                 render_markdown=False, sanitize_html=True,
                                 buttons=["copy"], placeholder="请在下方输入问题，或点击示例问题。")
            chips = gr.Radio(label="引用（点击查看原文）", choices=[], visible=False,
                             elem_classes=["chips"], elem_id="citations")
            plan_pick = gr.Dropdown(
                [("自动：按问题里点名的规划，否则默认规划", "")]
                + [(f"{p['title']}（{p['id']}）", p["id"]) for p in bot.plans()],
                value="", label="规划", visible=several, elem_id="plan-pick")
            box = gr.Textbox(placeholder="请输入问题，如：第19项任务要求什么？", show_label=False,
                             max_length=500, submit_btn="发送", elem_id="question")
            gr.Examples(EXAMPLES, inputs=box, label="示例问题", elem_id="examples")
        with gr.Column(scale=2, min_width=300, elem_id="viewer-col"):
            viewer = gr.HTML(visible=False, elem_id="viewer", padding=True)
    conversation, cites, ids = gr.State(None), gr.State([]), gr.State({})
    outputs = [chatbot, conversation, cites, ids, chips, viewer, box]
    box.submit(respond, [box, chatbot, conversation, cites, ids, plan_pick], outputs)
    chips.change(open_citation, [chips, cites], viewer)
    chatbot.like(like, [ids], None)
    clear = gr.Button("新对话", size="sm", variant="secondary")
    clear.click(lambda: ([], None, [], {}, gr.update(choices=[], visible=False),
                         gr.update(value="", visible=False), ""), None, outputs)


def _browse_tab(plan) -> None:
    parts = {p.numeral: p for p in plan.parts}

    def show_part(numeral):
        part = parts[numeral]
        tasks = [(t.label, t.id) for t in part.tasks]
        return (gr.update(choices=tasks, value=None, visible=bool(tasks)), part_html(plan, part))

    def show_node(node_id):
        return node_html(plan, node_id) if node_id else gr.update()

    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=260):
            part_pick = gr.Radio([(p.label, p.numeral) for p in plan.parts], label="十个部分", elem_classes=["outline"])
            task_pick = gr.Radio([], label="任务", visible=False, elem_classes=["outline"])
        with gr.Column(scale=2, min_width=300):
            browse_view = gr.HTML(node_html(plan, "preamble"), padding=True, elem_id="browse-view")
    part_pick.change(show_part, part_pick, [task_pick, browse_view])
    task_pick.change(show_node, task_pick, browse_view)


def _hide_version(demo: gr.Blocks) -> None:
    """The page and /config carry gradio's version; anonymous callers get none (it only helps attackers)."""
    config_file = demo.get_config_file

    def without_version():
        config = config_file()
        config["version"] = ""
        return config

    demo.get_config_file = without_version


def build_quiz_tab(bot) -> None:
    """For trainers: pick tasks or a part, kinds and a count; preview; download in every format."""
    import tempfile
    from pathlib import Path

    from ..quiz import FORMATS, export
    from ..quiz import KIND_NAMES

    plan = bot.plan
    task_choices = [(t.label, t.task) for t in plan.tasks]
    part_choices = [("（不限）", "")] + [(p.label, p.numeral) for p in plan.parts]

    def generate(tasks, part, kinds, n, seed, multi_scoring="all-or-nothing"):
        if not tasks and not part:
            return "请至少选择一项任务或一个部分。", gr.update(value=None, visible=False)
        if not kinds:
            return "请至少选择一种题型。", gr.update(value=None, visible=False)
        seed = str(seed or "").strip()
        if seed and not seed.isdigit():
            return "随机种子须为非负整数；留空则每次随机出题。", gr.update(value=None, visible=False)
        try:
            # a blank seed is a fresh random one; the preview shows it so the quiz can be made again
            quiz = bot.quiz(tasks=tasks or None, part=part or None, n=int(n), kinds=tuple(kinds),
                            seed=int(seed) if seed else None)
        except Exception as e:  # InputError and anything unexpected: a message, never a crash
            return getattr(e, "message_zh", None) or "出题失败，请换个范围再试。", gr.update(value=None, visible=False)
        folder = Path(tempfile.mkdtemp(prefix="guihua-quiz-"))
        files = []
        for fmt, (ext, _) in FORMATS.items():
            data = export(quiz, fmt, multi_scoring=multi_scoring)
            path = folder / f"quiz-{quiz.seed}.{ext}"
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
            files.append(str(path))
        head = f"（种子 {quiz.seed}：相同的范围、题型、数量和种子会得到相同的题目。）"
        preview = head + "\n\n" + export(quiz, "md")  # the Markdown carries the notice, if any, under its title
        return preview, gr.update(value=files, visible=True)

    gr.Markdown("为培训出题：每道题都有答案、解析和规划原文出处；答案都能在所引原文中核对。")
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=280):
            tasks = gr.Dropdown(task_choices, multiselect=True, label="任务（可多选）", elem_id="quiz-tasks")
            part = gr.Dropdown(part_choices, value="", label="或整个部分", elem_id="quiz-part")
            kinds = gr.CheckboxGroup([(name, k) for k, name in KIND_NAMES.items()], value=list(KIND_NAMES),
                                     label="题型", elem_id="quiz-kinds")
            n = gr.Slider(1, 50, value=10, step=1, label="题目数量", elem_id="quiz-n")
            # a text box, not gr.Number: a number box shows (and sends) 0 when left empty
            seed = gr.Textbox("", label="随机种子（可选，留空则随机）", placeholder="留空则随机",
                              max_lines=1, elem_id="quiz-seed")
            scoring = gr.Radio([("选错任一项即0分", "all-or-nothing"), ("按选对的项给分（全选得0分）", "partial")],
                               value="all-or-nothing", label="多选题计分（Moodle GIFT）", elem_id="quiz-multi-scoring")
            go = gr.Button("生成题目", variant="primary", elem_id="quiz-go")
            files = gr.File(label="下载（Markdown、JSON、CSV、Excel、Moodle GIFT、Aiken）", file_count="multiple",
                            visible=False, elem_id="quiz-files")
        with gr.Column(scale=2, min_width=300):
            preview = gr.Markdown(elem_id="quiz-preview")
    go.click(generate, [tasks, part, kinds, n, seed, scoring], [preview, files])
