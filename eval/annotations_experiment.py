"""Do annotations fix wrong answers for new wordings, without hurting other questions?

    python eval/annotations_experiment.py              # the experiment (needs eval/annotation_paraphrases.jsonl for its main number)
    python eval/annotations_experiment.py --calibrate  # choose the match threshold on the dev sets
    python eval/annotations_experiment.py --select     # pick the 40 wrong questions afresh (rewrites the id list)

The experiment: 40 questions from the tuning sets (``eval/everyday_dev.jsonl``, ``everyday_dev2``,
``everyday_dev3``, ``everyday_dev4`` and ``eval/questions.jsonl``; never ``everyday_dev5``, ``everyday_test``
or ``holdout``) answered wrong when they were picked, listed by id ("<set>:<id>", e.g.
"everyday_dev4:d4-044") in ``eval/annotation_intents.jsonl`` (id, gold tasks and a one-line neutral
intent, for someone who writes paraphrases without seeing the originals). ``--select`` picks them: every
single-turn question of those sets, in that file order, that ``wrong`` says is wrong and that an annotation
can express (a must-refuse one, or one with 1 to 5 gold units), then, if fewer than 40, the first wrong
ones with more gold units. A real server is started on a loopback port with an admin key; they are annotated
through ``POST /api/admin/annotations`` with their gold units (a must-refuse one as a decline); then are asked:

- the paraphrases in ``eval/annotation_paraphrases.jsonl`` (same ids, field ``question``), written
  blind: lead-unit accuracy before and after;
- the originals (a sanity check: after should be all right);
- ``eval/questions.jsonl`` and ``eval/holdout.jsonl``: hit@1 and correct with and without the
  annotations, and how many of their answers the annotations changed;

then every annotation is removed through ``DELETE`` and the originals are asked again (undone?).

Calibration (``--calibrate``) uses only the tuning sets (``eval/questions.jsonl`` and
``eval/everyday_dev*.jsonl``; never ``everyday_test.jsonl`` or ``holdout.jsonl``): each question is
matched against every other one as if that one were annotated with its gold; at each threshold it
prints how many questions a match would route, how many of those it routes right, and how many of
them today's answer already gets right (so the net gain).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from assistant import Assistant  # noqa: E402
from assistant.annotations import AGREE_TOP, MAX_UNITS, _refs_key  # noqa: E402
from assistant.config import Config  # noqa: E402
from assistant.retrieval import embed_query  # noqa: E402
from assistant.evaluation import cited_units, gold_units, is_correct, load_gold, run_ours, summarize  # noqa: E402
from assistant.support import SupportTest  # noqa: E402
from assistant.text import normalize  # noqa: E402

HERE = Path(__file__).parent
# where the 40 are picked from: the tuning sets (everyday_dev5 is for validation only, like the blind sets)
POOL = [HERE / "everyday_dev.jsonl", HERE / "everyday_dev2.jsonl", HERE / "everyday_dev3.jsonl",
        HERE / "everyday_dev4.jsonl", HERE / "questions.jsonl"]
# the threshold was chosen on these (a later dev set that is for validation only stays out)
TUNING = [HERE / "everyday_dev.jsonl", HERE / "everyday_dev2.jsonl", HERE / "everyday_dev3.jsonl",
          HERE / "questions.jsonl"]
GOLD = [HERE / "questions.jsonl", HERE / "holdout.jsonl"]
INTENTS = HERE / "annotation_intents.jsonl"
PARAPHRASES = HERE / "annotation_paraphrases.jsonl"
KEY = "experiment-admin-key"
TOP = AGREE_TOP


def single(items):
    return [i for i in items if not i.get("turns") and i["category"] != "conversation"]


def dev_items() -> list[dict]:
    """The pool's single-turn questions, ids made unique across files ("everyday_dev2:near_miss-040")."""
    return [{**i, "id": f"{path.stem}:{i['id']}"} for path in POOL for i in single(load_gold(path))]


def leads_right(plan, item, answer) -> bool:
    """The answer leads with a gold unit (a decline, or a must-refuse item, by refusing)."""
    if item["must_refuse"]:
        return answer.refused
    cited = cited_units(answer)
    return not answer.refused and bool(cited) and cited[0] in gold_units(plan, item)


def lead_unit(plan, item) -> str | None:
    """The unit an annotation with this item's gold leads with: its first task, else its first section."""
    if item["gold_tasks"]:
        return f"task-{item['gold_tasks'][0]}"
    units = sorted(gold_units(plan, item))
    return units[0] if units else None


# --- calibration -----------------------------------------------------------------
def calibrate(bot) -> None:
    items = [i for path in TUNING for i in single(load_gold(path))]
    plan = bot.plan
    vectors = np.stack([embed_query(normalize(i["question"])) for i in items])
    keys = [_refs_key(normalize(i["question"])) for i in items]
    today = [leads_right(plan, i, bot.ask(i["question"])) for i in items]
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1)
    best = []  # per question: the closest other question naming the same numbers
    for a in range(len(items)):
        order = [b for b in np.argsort(-sims[a]) if keys[b] == keys[a] and items[b]["question"] != items[a]["question"]]
        best.append((float(sims[a, order[0]]), order[0]) if order else (-1.0, None))

    def routed_right(a: int, b: int) -> bool:
        qa, qb = items[a], items[b]
        if qb["must_refuse"] or qa["must_refuse"]:
            return qa["must_refuse"] and qb["must_refuse"]
        lead = lead_unit(plan, qb)
        return lead in gold_units(plan, qa)

    ranked = [[h.node.id for h in bot.retriever.search(normalize(i["question"])).hits[:TOP]] for i in items]
    print(f"{len(items)} tuning questions, each matched against the closest other one naming the same numbers "
          f"as if that one were annotated with its gold; 'fixed': wrong today and routed right, 'broken': right "
          f"today and routed wrong; 'agree': the annotated unit is also among retrieval's top {TOP} for the question")
    print("| threshold | routed | fixed | broken | precision | routed (agree) | fixed (agree) | broken (agree) | precision (agree) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for t in (0.88, 0.90, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98):
        cells = []
        for agree in (False, True):
            hits = [(a, b) for a, (c, b) in enumerate(best) if b is not None and c >= t
                    and (not agree or lead_unit(plan, items[b]) in ranked[a] or items[b]["must_refuse"])]
            right = [routed_right(a, b) for a, b in hits]
            fixed = sum(r and not today[a] for r, (a, _) in zip(right, hits))
            broken = sum(not r and today[a] for r, (a, _) in zip(right, hits))
            cells += [len(hits), fixed, broken, f"{sum(right) / len(hits):.3f}" if hits else "—"]
        print(f"| {t:.2f} | " + " | ".join(map(str, cells)) + " |")
    high, low = bot.memory.threshold, bot.memory.agree_threshold
    hits = [(a, b) for a, (c, b) in enumerate(best) if b is not None and (c >= high or (
        c >= low and not items[b]["must_refuse"] and lead_unit(plan, items[b]) in ranked[a]))]
    right = [routed_right(a, b) for a, b in hits]
    print(f"\nthe rule in assistant/annotations.py (cosine ≥ {high}, or ≥ {low} with the annotated unit in "
          f"retrieval's top {TOP}; declines need {high}): routed {len(hits)}, fixed "
          f"{sum(r and not today[a] for r, (a, _) in zip(right, hits))}, broken "
          f"{sum(not r and today[a] for r, (a, _) in zip(right, hits))}, precision {sum(right) / max(1, len(hits)):.3f}")


# --- the experiment ----------------------------------------------------------------
def wrong(plan, item, answer) -> bool:
    """Wrong by the item's own notion (``evaluate.is_correct``) or leading with a unit that is not gold."""
    return not is_correct(item, answer, gold_units(plan, item)) or not leads_right(plan, item, answer)


def units(item) -> int:
    return len(item["gold_tasks"]) + len(item["gold_sections"])


def select(bot, n: int = 40) -> list[dict]:
    """``n`` pool questions answered wrong today that an annotation can express: those with at most
    ``MAX_UNITS`` gold units (or must-refuse) in file order, then the first ones with more."""
    found = [i for i in dev_items() if (i["must_refuse"] or units(i) > 0) and wrong(bot.plan, i, bot.ask(i["question"]))]
    return ([i for i in found if units(i) <= MAX_UNITS] + [i for i in found if units(i) > MAX_UNITS])[:n]


def serve(bot, home: Path):
    from assistant.web import ServerSettings, create_app
    from live_server import LiveServer

    settings = ServerSettings(log_path=home / "log.sqlite3", rate_per_minute=0, ui=False, admin_keys={"experiment": KEY})
    return LiveServer(create_app(bot.config, settings, bot=bot))


def accuracy(http, plan, items) -> tuple[int, int, int]:
    """(answers leading with a gold unit or declining as they should, answers correct, asked) over HTTP."""
    from assistant.models import Answer, Citation

    lead = right = 0
    for item in items:
        body = http.post("/api/ask", json={"question": item["question"]}).raise_for_status().json()
        answer = Answer(body["question"], body["text"], body["refused"],
                        [Citation(**{k: c[k] for k in ("task", "section", "label", "quote", "marker", "node_id",
                                                       "start", "end")}) for c in body["citations"]])
        lead += leads_right(plan, item, answer)
        right += is_correct(item, answer, gold_units(plan, item))
    return lead, right, len(items)


def gold_numbers(bot, support, annotated=()) -> dict:
    """hit@1 and correct on each gold set; for a set some of the annotated questions come from, also on
    the rest of it ("questions.jsonl without the 4 annotated"), where a gain cannot be the annotated ones'."""
    out = {}
    for path in GOLD:
        rows = run_ours(bot, load_gold(path), support)
        own = {k.split(":", 1)[1] for k in annotated if k.split(":", 1)[0] == path.stem}
        if own:
            rest = summarize(bot.plan, [r for r in rows if r.item["id"] not in own])
            out[f"{path.name} without the {len(own)} annotated"] = {
                "hit@1": rest["hit@1"], "correct": rest["correct"], "n": rest["n"], "answers": {}}
        s = summarize(bot.plan, rows)
        out[path.name] = {"hit@1": s["hit@1"], "correct": s["correct"], "n": s["n"],
                          "answers": {r.item["id"]: (r.answer.text, r.answer.route) for r in rows},
                          "items": {r.item["id"]: r.item for r in rows},
                          "right": {r.item["id"]: is_correct(r.item, r.answer, gold_units(bot.plan, r.item)) for r in rows}}
    return out


def experiment(bot) -> int:
    import httpx

    if not INTENTS.exists():
        print(f"missing {INTENTS}: run --select first", file=sys.stderr)
        return 2
    wanted = [json.loads(line)["id"] for line in INTENTS.read_text("utf-8").splitlines() if line.strip()]
    pool = {i["id"]: i for i in dev_items()}  # ids are "<set>:<id>", e.g. "everyday_dev4:d4-044"
    unknown = [i for i in wanted if i not in pool]
    if unknown:
        print(f"{INTENTS.name} names questions the pool ({', '.join(p.name for p in POOL)}) does not hold as a "
              f"single-turn question: "
              f"{', '.join(unknown[:5])}", file=sys.stderr)
        return 2
    originals = [pool[i] for i in wanted]
    paraphrases = []
    if PARAPHRASES.exists():
        written = {r["id"]: r["question"] for r in map(json.loads, PARAPHRASES.read_text("utf-8").splitlines()) if r}
        paraphrases = [{**pool[i], "question": written[i]} for i in wanted if i in written]
    support = SupportTest(bot.tokenizer)
    home = Path(tempfile.mkdtemp(prefix="annotations-experiment-"))
    server = serve(bot, home)
    try:
        with httpx.Client(base_url=server.url, timeout=60, headers={"X-API-Key": KEY}) as http:
            before = {"originals": accuracy(http, bot.plan, originals)}
            if paraphrases:
                before["paraphrases"] = accuracy(http, bot.plan, paraphrases)
            gold_before = gold_numbers(bot, support, wanted)
            started = time.perf_counter()
            # an annotation names at most MAX_UNITS units (as a reviewer at the desk can): a longer gold list
            # is annotated with its first ones (the lead unit, which is what is measured, is among them)
            ids = [http.post("/api/admin/annotations", json={
                "question": i["question"], "tasks": [] if i["must_refuse"] else i["gold_tasks"][:MAX_UNITS],
                "sections": [] if i["must_refuse"] else i["gold_sections"][:max(0, MAX_UNITS - len(i["gold_tasks"]))],
                "decline": i["must_refuse"]},
            ).raise_for_status().json()["id"] for i in originals]
            annotate_s = time.perf_counter() - started
            after = {"originals": accuracy(http, bot.plan, originals)}
            if paraphrases:
                after["paraphrases"] = accuracy(http, bot.plan, paraphrases)
            gold_after = gold_numbers(bot, support, wanted)
            for i in ids:
                http.delete(f"/api/admin/annotations/{i}").raise_for_status()
            undone = accuracy(http, bot.plan, originals)
    finally:
        server.close()

    n = len(originals)
    print(f"{n} tuning-set questions answered wrong when they were picked (ids in {INTENTS.name}), annotated "
          f"through the API in {annotate_s:.1f} s; match: cosine ≥ {bot.memory.threshold}, or ≥ "
          f"{bot.memory.agree_threshold} with the annotated unit in retrieval's top {AGREE_TOP}")
    cut = sum(len(i["gold_tasks"]) + len(i["gold_sections"]) > MAX_UNITS for i in originals if not i["must_refuse"])
    if cut:
        print(f"{cut} of them have more than {MAX_UNITS} gold units: annotated with their first {MAX_UNITS} "
              f"(an annotation names at most {MAX_UNITS}); accuracy is still judged against the full gold")
    print("\n| asked | leads with a gold unit, before | after | correct, before | after |\n|---|---|---|---|---|")
    for name in before:
        (lb, cb, k), (la, ca, _) = before[name], after[name]
        print(f"| {name} ({k}) | {lb}/{k} = {lb / k:.1%} | {la}/{k} = {la / k:.1%} | {cb}/{k} = {cb / k:.1%} | "
              f"{ca}/{k} = {ca / k:.1%} |")
    if not paraphrases:
        print(f"| paraphrases | — | — | — | — |\n\nNo {PARAPHRASES.name}: the main number needs a paraphrase of each "
              f"question, written blind from {INTENTS.name} (same ids, field \"question\") by someone who has not "
              f"seen the originals.")
    print("\n| gold set | hit@1 without | hit@1 with | correct without | correct with | answers changed | routed by an annotation |")
    print("|---|---|---|---|---|---|---|")
    for name in gold_before:
        b, a = gold_before[name], gold_after[name]
        changed = sum(b["answers"][k][0] != a["answers"][k][0] for k in b["answers"]) if b["answers"] else "—"
        routed = sum(a["answers"][k][1] == "annotation" for k in a["answers"]) if a["answers"] else "—"
        print(f"| {name} ({b['n']}) | {b['hit@1']:.3f} | {a['hit@1']:.3f} | {b['correct']:.3f} | {a['correct']:.3f} | "
              f"{changed} | {routed} |")
    for name in ["questions.jsonl"]:  # holdout.jsonl is blind: its totals only, never its items
        b, a = gold_before[name], gold_after[name]
        for k in b["answers"]:
            if b["answers"][k] != a["answers"][k]:
                print(f"  {name} {k}: {b['items'][k]['question']} — route {b['answers'][k][1]} → {a['answers'][k][1]}, "
                      f"correct {b['right'][k]} → {a['right'][k]}")
    print(f"\nafter removing every annotation through DELETE: originals lead right {undone[0]}/{undone[2]}, "
          f"correct {undone[1]}/{undone[2]} (before annotating: {before['originals'][0]} and {before['originals'][1]})")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calibrate", action="store_true", help="the threshold table on the tuning sets")
    p.add_argument("--select", action="store_true", help="pick the 40 and write their ids (keeps written intents)")
    args = p.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="annotations-home-"))
    bot = Assistant(Config(home=home, progress=False))
    if args.calibrate:
        calibrate(bot)
        return 0
    if args.select:
        old = {}
        if INTENTS.exists():
            old = {r["id"]: r for r in map(json.loads, INTENTS.read_text("utf-8").splitlines()) if r}
        with INTENTS.open("w", encoding="utf-8") as out:
            for item in select(bot):
                row = {"id": item["id"], "tasks": item["gold_tasks"], "intent": old.get(item["id"], {}).get("intent", "")}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"wrote {INTENTS}")
        return 0
    return experiment(bot)


if __name__ == "__main__":
    sys.exit(main())
