"""The ``assistant`` command: ask, index, tasks, show, eval.

Examples::

    assistant ask "第19项任务要求什么？"
    echo "哪些任务涉及乡村振兴" | assistant ask -
    assistant ask --json "一共有多少项任务"
    assistant show 19
"""
from __future__ import annotations

import argparse
import json
import sys

from .config import Config
from .errors import AssistantError

EXAMPLES = """examples:
  assistant ask "第19项任务要求什么？"
  assistant ask --json "哪些任务涉及乡村振兴"
  assistant --llm openai --model deepseek-chat --base-url https://api.deepseek.com/v1 ask "第19项任务要求什么？"
  echo "一共有多少项任务" | assistant ask -
  assistant tasks
  assistant show 19
  assistant chat
  assistant quiz --task 19 -n 5 --seed 42
  assistant quiz --part 六 -n 20 --format gift -o quiz.gift.txt
  assistant eval --report out/
  assistant serve --port 7860
  assistant log export --csv -o log.csv
  assistant annotations export annotations.jsonl
  assistant annotations import annotations.jsonl
  assistant index
  assistant plans add 江临省规划.pdf --id jiangling --dry-run
  assistant plans list
  assistant --chroma-url http://127.0.0.1:8000 index
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant", description="规划助手：中国科协“十四五”规划问答（离线、带引用）",
                                epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--home", help="data directory for the index (default: $ASSISTANT_HOME or a per-user cache dir)")
    p.add_argument("--llm", choices=("extractive", "openai"),
                   help="answerer: extractive (offline, default; $ASSISTANT_LLM) or openai (any OpenAI-compatible endpoint)")
    p.add_argument("--model", help="model name for --llm openai ($ASSISTANT_LLM_MODEL)")
    p.add_argument("--base-url", help="endpoint for --llm openai, e.g. http://127.0.0.1:11434/v1 ($OPENAI_BASE_URL)")
    p.add_argument("--timeout", type=float, help="seconds before an LLM call gives up ($ASSISTANT_LLM_TIMEOUT)")
    p.add_argument("--chroma-url", help="a Chroma server holding the vectors, e.g. http://127.0.0.1:8000 "
                                        "($ASSISTANT_CHROMA_URL; default: files in the home's index folder)")
    sub = p.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question", help="the question, or - to read it from standard input")
    ask.add_argument("--json", action="store_true", help="print the answer's fields as JSON")
    ask.add_argument("--plan", metavar="ID", help="answer from a plan added with `assistant plans add` (its id)")
    ix = sub.add_parser("index", help="rebuild the search index (with --chroma-url: a new versioned build on the "
                                      "server, switched to atomically; serving processes are not disturbed)")
    ix.add_argument("--if-missing", action="store_true",
                    help="build only when this release's index is missing or damaged, as a server does at start "
                         "(a deployment's start-up job); otherwise open it")
    ix.add_argument("--prune", action="store_true",
                    help="then drop every other build on the Chroma server, other releases' too (run it once no "
                         "process of an older release is left)")
    ix.add_argument("--write-shipped-vectors", action="store_true",
                    help="embed every indexed text afresh (no shipped vectors) and write them to the corpus "
                         "folder as vectors.json + vectors.npz, the vectors a fresh install starts from")
    sub.add_parser("chat", help="interactive chat in the terminal; follow-ups such as 它 / 第二个 / 上一个 work")
    _quiz_parser(sub)
    ev = sub.add_parser("eval", help="evaluate ours and the baselines on a gold question file")
    ev.add_argument("--questions", help="gold file in the eval/questions.jsonl format (default: the bundled one)")
    ev.add_argument("--llm", choices=("extractive", "openai"), default=argparse.SUPPRESS,
                    help="answerer to evaluate (same as the global --llm)")
    ev.add_argument("--report", metavar="DIR", help="write report.md and report.html here")
    ev.add_argument("--json", metavar="FILE", help="write all metrics and per-question results as JSON")
    ev.add_argument("--thresholds", help="TOML file of minimum/maximum metrics (default: eval/thresholds.toml for the bundled "
                                         "questions; none for a file given with --questions)")
    ev.add_argument("--labels", help="labelled (sentence, passage, supported) pairs to calibrate the support test")
    ev.add_argument("--plan", metavar="ID", help="evaluate on a plan added with `assistant plans add` "
                                                 "(needs --questions; no thresholds unless --thresholds)")
    sub.add_parser("serve", help="run the web app and HTTP API (same as python app.py; serve --help for options)",
                   add_help=False)
    lg = sub.add_parser("log", help="the question/answer/feedback log of the web app")
    lg_sub = lg.add_subparsers(dest="log_command", required=True)
    export = lg_sub.add_parser("export", help="write the log as CSV")
    export.add_argument("--csv", action="store_true", default=True, help="CSV output (the only format; default)")
    export.add_argument("--table", choices=("answers", "feedback"), default="answers",
                        help="answers (with thumbs up/down counts) or feedback (with the question)")
    export.add_argument("--log", help="the SQLite log (default: $ASSISTANT_LOG or <home>/log.sqlite3)")
    export.add_argument("--db", metavar="URL", help="the log in PostgreSQL: postgresql://USER:PASSWORD@HOST/NAME "
                                                    "($ASSISTANT_DB)")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    an = sub.add_parser("annotations", help="the review desk's annotations: export or import them as a gold file",
                        description="FILE.jsonl has the gold sets' schema (eval/questions.jsonl): question, gold_tasks, "
                                    "gold_sections, must_refuse (decline). An exported file runs as an eval set: "
                                    "assistant eval --questions FILE.jsonl")
    an_sub = an.add_subparsers(dest="annotations_command", required=True)
    for name, what in (("export", "write the active annotations to FILE (- for standard output)"),
                       ("import", "add the annotations in FILE (ones already there are skipped)")):
        one = an_sub.add_parser(name, help=what)
        one.add_argument("file", metavar="FILE.jsonl")
        one.add_argument("--log", help="the SQLite log holding them (default: $ASSISTANT_LOG or <home>/log.sqlite3)")
        one.add_argument("--db", metavar="URL", help="the log in PostgreSQL: postgresql://USER:PASSWORD@HOST/NAME "
                                                     "($ASSISTANT_DB)")
        one.add_argument("--author", default="import", help="name stored with imported annotations without one")
    _plans_parser(sub)
    sub.add_parser("tasks", help="list the 38 tasks")
    show = sub.add_parser("show", help="print a task's full text")
    show.add_argument("task", help="task number, e.g. 19 or 十九")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:  # the server has its own options (assistant serve --help)
        from .web import main as serve

        return serve(argv[1:], prog="assistant serve")
    args = build_parser().parse_args(argv)
    _progress_to_stderr()
    from pathlib import Path

    try:
        config = Config.from_env(home=Path(args.home) if args.home else None, llm=args.llm, llm_model=args.model,
                                 llm_base_url=args.base_url, llm_timeout=args.timeout,
                                 chroma_url=args.chroma_url)
    except ValueError as e:
        print(f"错误：配置无效（{e}）", file=sys.stderr)
        return 2
    try:
        return _run(args, config)
    except AssistantError as e:
        print(f"错误：{e.message_zh}（{e}）", file=sys.stderr)
        return 2 if args.command == "eval" else 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: stop quietly, as Unix tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _progress_to_stderr() -> None:
    """Index builds report on stderr (the bar on a terminal, else one line every 10%)."""
    import logging

    for name in ("assistant.retrieval.index", "assistant.retrieval.vectorcache"):
        logger = logging.getLogger(name)
        if not any(getattr(h, "_assistant_cli", False) for h in logger.handlers):
            handler = logging.StreamHandler()  # sys.stderr at the time of the call
            handler.setFormatter(logging.Formatter("%(message)s"))
            handler._assistant_cli = True
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _run(args, config: Config) -> int:
    from .text import cn_to_int

    if args.command == "quiz":
        return _quiz(args, config)
    if args.command == "plans":
        return _plans(args, config)

    if args.command in ("tasks", "show"):
        from .plan import Plan

        plan = Plan.load(config.corpus_path)
        if args.command == "tasks":
            for part in plan.parts:
                if part.tasks:
                    print(part.label)
                    for t in part.tasks:
                        print(f"  {t.label}")
            return 0
        n = cn_to_int(args.task)
        if n is None:
            raise AssistantError(f"not a task number: {args.task!r}", f"“{args.task}”不是任务编号，请输入1到38之间的数字。")
        node = plan.task(n)
        part = plan.part_of(node)
        print(f"{node.label}（{part.label}）" if part else node.label)
        print(node.text)
        return 0

    if args.command == "index":
        return _index(args, config)

    if args.command == "eval":
        return _eval(args, config)
    if args.command == "log":
        return _log_export(args, config)
    if args.command == "annotations":
        return _annotations(args, config)
    if args.command == "chat":
        return _chat(config)

    question = args.question
    if question == "-":
        question = sys.stdin.buffer.read()  # bytes: Assistant.ask checks the encoding
    from .core import Assistant

    bot = Assistant(config, plan=args.plan)
    answer = None
    for piece in bot.stream(question):
        if isinstance(piece, str):
            if not args.json:
                print(piece, end="", flush=True)
        else:
            answer = piece
    if bot.llm and not args.json and answer.mode == "llm":
        print("\n\n核验后的回答：")
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(answer.text)
        quoted = [c for c in answer.citations if not c.is_title]  # a decline cites titles only: no heading
        if quoted:
            print("\n引用：")
            for c in quoted:
                print(f"  {c.marker} {c.label}：“{c.quote}”")
    return 0


def _index(args, config: Config) -> int:
    from .core import load_plan_and_tokenizer
    from .retrieval import MODEL_ID, VectorCache, build_index

    if args.if_missing and args.write_shipped_vectors:
        raise AssistantError("--if-missing and --write-shipped-vectors exclude each other",
                             "--if-missing 与 --write-shipped-vectors 不能同时使用。")
    fresh = VectorCache(MODEL_ID) if args.write_shipped_vectors else None
    plan, tokenizer = load_plan_and_tokenizer(config)
    if args.if_missing:
        from .retrieval import open_index

        index = open_index(config, plan, tokenizer)
    else:
        index = build_index(config, plan, tokenizer, vectors=fresh)
    where = f"向量在 {config.chroma_url}" if config.chroma_url else f"位于 {config.index_dir}"
    print(f"已建立索引：{len(index.passages)}个段落，版本 {index.build}，{where}")
    if args.prune:
        from .retrieval import prune

        dropped = prune(config, plan)
        print(f"已删除{len(dropped)}个旧集合" + (f"：{'、'.join(dropped)}" if dropped else ""))
    if fresh is not None:
        header, arrays = fresh.save(config.corpus_dir)
        print(f"已写入{len(fresh.served)}个向量：{header}，{arrays}（{arrays.stat().st_size // 1024} KB）")
    return 0


def _log_export(args, config: Config) -> int:
    import os
    from pathlib import Path

    from .store import export_csv

    from .database import LogUnavailable, target

    url = args.db or (None if args.log else os.environ.get("ASSISTANT_DB"))
    try:
        where = target(url) if url else Path(args.log or os.environ.get("ASSISTANT_LOG") or config.home / "log.sqlite3")
    except ValueError as e:
        raise AssistantError(str(e), "数据库地址无效：应为 postgresql://… 或 SQLite 文件。") from None
    if isinstance(where, Path) and not where.exists():
        raise AssistantError(f"no log at {where}", f"找不到日志文件：{where}（网页版运行并回答过问题后才会有）")
    try:
        if args.output:
            with open(args.output, "w", encoding="utf-8-sig", newline="") as out:  # BOM: Excel opens it as UTF-8
                n = export_csv(where, out, args.table)
            print(f"已导出{n}行到 {args.output}", file=sys.stderr)
        else:
            export_csv(where, sys.stdout, args.table)
    except LogUnavailable as e:
        raise AssistantError(str(e), "无法读取日志数据库。") from None
    return 0


def _annotations(args, config: Config) -> int:
    import os
    from pathlib import Path

    from .annotations import QuestionMemory, read_jsonl, write_jsonl
    from .plan import Plan

    from .database import LogUnavailable, redact, target

    url = args.db or (None if args.log else os.environ.get("ASSISTANT_DB"))
    try:
        where = target(url) if url else None
    except ValueError as e:
        raise AssistantError(str(e), "数据库地址无效：应为 postgresql://… 或 SQLite 文件。") from None
    plan = Plan.load(config.corpus_path)
    if isinstance(where, str):  # PostgreSQL: read and write through the log (it applies pending migrations)
        from .store import Log

        try:
            memory = QuestionMemory(plan, None, Log(where))
        except LogUnavailable as e:
            raise AssistantError(str(e), "无法连接日志数据库。") from None
        path = redact(where)
    else:
        path = where or Path(args.log or os.environ.get("ASSISTANT_LOG") or config.home / "log.sqlite3")
        memory = QuestionMemory(plan, path)
    if args.annotations_command == "export":
        if args.file == "-":
            write_jsonl(memory.all(), sys.stdout)
        else:
            with open(args.file, "w", encoding="utf-8") as out:
                n = write_jsonl(memory.all(), out)
            print(f"已导出{n}条标注到 {args.file}", file=sys.stderr)
        if memory.store is not None:
            memory.store.close()
        return 0
    try:
        rows = read_jsonl(Path(args.file))
    except (OSError, ValueError) as e:
        raise AssistantError(f"cannot read {args.file}: {e}", f"无法读取标注文件：{args.file}") from None
    have = {(a.question, tuple(a.tasks), tuple(a.sections), a.decline) for a in memory.all()}
    added = skipped = 0
    for row in rows:
        key = (row["question"].strip(), tuple(row["tasks"]), tuple(row["sections"]), row["decline"])
        if key in have:
            skipped += 1
            continue
        memory.add(row["question"], row["tasks"], row["sections"], row["decline"],
                   author=row["author"] if row["author"] != "import" else args.author)
        have.add(key)
        added += 1
    if memory.store is not None:
        memory.store.close()
    print(f"已导入{added}条标注，跳过{skipped}条已有的（{path}）", file=sys.stderr)
    return 0


def _chat(config: Config) -> int:
    """Read questions line by line until EOF, 'exit' or 'quit'; errors never end the chat."""
    from .core import Assistant

    chat = Assistant(config).conversation()
    interactive = sys.stdin.isatty()
    if interactive:
        print("规划助手：请提问（输入 exit 退出）。")
    while True:
        try:
            line = input("> " if interactive else "")
        except EOFError:
            return 0
        if line.strip().lower() in ("exit", "quit", "退出"):
            return 0
        if not line.strip():
            continue
        try:
            print(chat.ask(line).text)
        except AssistantError as e:
            print(f"错误：{e.message_zh}", file=sys.stderr)
        print()


def _plans_parser(sub) -> None:
    pl = sub.add_parser("plans", help="add, list, show or remove other plans (PDF, Word .docx, .txt/.md)",
                        description="Added plans are stored under <home>/plans. `add` prints a parse report "
                                    "(parts, sections, tasks, 专栏, noise dropped, warnings) before storing.")
    pl_sub = pl.add_subparsers(dest="plans_command", required=True)
    add = pl_sub.add_parser("add", help="parse a plan file, print the parse report and store the plan")
    add.add_argument("file", help="a .pdf (with a text layer), .docx, .txt or .md file")
    add.add_argument("--id", help="the plan's id (default: from the file name), e.g. jiangling or 十五五")
    add.add_argument("--title", help="the plan's title (default: the title line found in the file)")
    add.add_argument("--dry-run", action="store_true", help="print the parse report only; store nothing")
    add.add_argument("--json", action="store_true", help="print the parse report as JSON")
    pl_sub.add_parser("list", help="the added plans").add_argument("--json", action="store_true")
    show = pl_sub.add_parser("show", help="an added plan's stored parse report")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    pl_sub.add_parser("remove", help="remove an added plan").add_argument("id")


def _plans(args, config: Config) -> int:
    from pathlib import Path

    from .plans.importer import parse_file
    from .plans.registry import PlanStore, check_id, default_id

    store = PlanStore(config.home)
    if args.plans_command == "add":
        path = Path(args.file)
        plan_id = check_id(args.id if args.id is not None else default_id(path))
        if not args.dry_run:
            store.check_free(plan_id)  # before the work of parsing; add() checks again under its lock
        parsed = parse_file(path, config.max_plan_bytes)
        report = parsed.report
        if args.json:
            print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
        else:
            print(report.format())
        if args.dry_run:
            print("dry run: nothing stored", file=sys.stderr)
            return 0
        stored = store.add(parsed, plan_id, args.title)
        print(f"已添加规划“{stored.title}”，编号 {stored.id}（{stored.path}）", file=sys.stderr)
        return 0
    if args.plans_command == "list":
        plans = store.list()
        if args.json:
            print(json.dumps([p.to_dict() for p in plans], ensure_ascii=False, indent=1))
        elif not plans:
            print("no added plans (assistant plans add FILE)", file=sys.stderr)
        for p in plans if not args.json else []:
            c = p.counts
            print(f"{p.id}\t{p.title}\t{c['parts']} parts, {c['sections']} sections, {c['tasks']} tasks, "
                  f"{c['boxes']} 专栏\t{p.source}\t{p.added}")
        return 0
    if args.plans_command == "show":
        plan = store.get(args.id)
        if args.json:
            print(json.dumps({**plan.to_dict(), "report": plan.report.to_dict()}, ensure_ascii=False, indent=1))
        else:
            print(f"{plan.id}: {plan.title} (added {plan.added} from {plan.source})")
            print(plan.report.format())
        return 0
    plan = store.remove(args.id)
    print(f"已删除规划“{plan.title}”（编号 {plan.id}）", file=sys.stderr)
    return 0


def _quiz_parser(sub) -> None:
    from .quiz import FORMATS, MULTI_SCORING

    q = sub.add_parser("quiz", help="a cited quiz on tasks or a part (offline; with --llm openai a model writes it)",
                       description="Every item quotes the plan and passes the same checks; the same seed gives "
                                   "the same quiz. Aiken holds single choice only: true/false items become "
                                   "A. 正确 / B. 错误 questions, multiple-choice and blank items are left out.")
    q.add_argument("--task", action="append", help="task number(s): 19, 十九 or 19,20 (repeatable)")
    q.add_argument("--part", help="a part, 一 to 十 (or 1-10): all its tasks")
    q.add_argument("-n", type=int, default=10, help="number of items, 1-50 (default 10)")
    q.add_argument("--kinds", default="single,multi,judge,blank",
                   help="comma-separated kinds: single, multi, judge, blank (default: all)")
    q.add_argument("--seed", type=int, help="random seed: the same seed gives the same quiz")
    q.add_argument("--format", default="md", choices=list(FORMATS), help="output format (default md)")
    q.add_argument("--multi-scoring", default="all-or-nothing", choices=MULTI_SCORING,
                   help="GIFT: how Moodle scores a multiple-choice item. all-or-nothing (default): any wrong "
                        "option ticked scores 0; partial: each right option +100/k %%, each wrong one "
                        "-100/(n-k) %%, so ticking them all scores 0")
    q.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    q.add_argument("--plan", metavar="ID", help="a quiz on a plan added with `assistant plans add` (its id)")


def _quiz(args, config: Config) -> int:
    from pathlib import Path

    from .quiz import export, skipped
    from .quiz import QuizMaker

    plan = None if args.plan in (None, "bundled") else args.plan
    if plan is not None:
        from .plans.registry import PlanStore

        PlanStore(config.home).get(plan)  # an unknown id: one line naming the added plans
    quiz = QuizMaker.from_config(config.for_plan(plan)).make(tasks=args.task, part=args.part, n=args.n, kinds=args.kinds,
                                              seed=args.seed)
    data = export(quiz, args.format, multi_scoring=args.multi_scoring)
    if args.output:
        try:
            Path(args.output).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        except OSError as e:
            raise AssistantError(f"cannot write {args.output}: {e}", f"无法写入文件：{args.output}") from None
    elif isinstance(data, bytes):
        if sys.stdout.isatty():
            raise AssistantError("xlsx is binary: use -o FILE", "XLSX 是二进制文件，请用 -o 指定输出文件。")
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data if data.endswith("\n") else data + "\n")
    left_out = skipped(quiz.items, args.format)
    if args.format == "aiken" and (left_out or any(i.kind == "judge" for i in quiz.items)):
        print(f"提示：Aiken 只支持单选题；判断题已写成“A. 正确 / B. 错误”单选题，"
              f"{len(left_out)}道多选题或填空题未导出。", file=sys.stderr)
    if quiz.notice:
        print(f"提示：{quiz.notice}", file=sys.stderr)
    if args.output:
        print(f"已写入{len(quiz.items) - len(left_out)}道题：{args.output}", file=sys.stderr)
    return 0


def _eval(args, config: Config) -> int:
    from pathlib import Path

    from .core import Assistant
    from .evaluation import run_eval

    eval_dir = config.eval_dir
    if args.plan and not args.questions:
        raise AssistantError("eval --plan needs --questions: the bundled gold sets are about the bundled plan",
                             "评测添加的规划需要用 --questions 指定该规划的评测题。")
    questions = Path(args.questions) if args.questions else eval_dir / "questions.jsonl"
    # the bundled thresholds name the bundled file's categories: another file (an annotations export, an
    # added plan's questions) is held to thresholds only when they are given
    thresholds = (Path(args.thresholds) if args.thresholds
                  else None if args.questions or args.plan else eval_dir / "thresholds.toml")
    labels = Path(args.labels) if args.labels else eval_dir / "support_labels.jsonl"
    for path in (questions,):
        if not path.exists():
            raise AssistantError(f"no such file: {path}", f"找不到文件：{path}")
    bot = Assistant(config, plan=args.plan or config.default_plan or "bundled")  # one plan, as the gold set is
    raw = (bot.config.corpus_dir / "source.txt").read_text("utf-8")
    try:
        return run_eval(bot, questions, thresholds if thresholds and thresholds.exists() else None,
                        Path(args.report) if args.report else None, Path(args.json) if args.json else None,
                        labels if labels.exists() else None, raw)
    except (ValueError, KeyError) as e:
        print(f"错误：评测文件格式不对（{e}）", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
