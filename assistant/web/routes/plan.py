"""The plans on the shelf and the default plan's text: ``/api/plans``, ``/api/tasks``, ``/api/tasks/{n}``,
``/api/plan`` (its parts, sections and tasks)."""
from __future__ import annotations

from fastapi import APIRouter

from ...errors import NotFound
from ..service import ServiceDep

router = APIRouter(tags=["规划"])


def task_summary(plan, node) -> dict:
    part = plan.part_of(node)
    return {"task": node.task, "title": node.title, "label": node.label, "section": node.section,
            "part": part.numeral if part else None, "part_title": part.title if part else None,
            "marker": node.marker}


@router.get("/api/plans", summary="已加载的规划：编号、标题、引用标记前缀、任务数、是否默认")
def plans(service: ServiceDep):
    return service.bot.plans()


@router.get("/api/tasks", summary="38项任务的列表")
def tasks(service: ServiceDep):
    plan = service.plan
    return [task_summary(plan, t) for t in plan.tasks]


@router.get("/api/tasks/{n}", summary="一项任务的全文和句子")
def task(n: int, service: ServiceDep):
    plan = service.plan
    if not 1 <= n <= len(plan.tasks):
        raise NotFound(f"there is no task {n}; the plan has tasks 1-{len(plan.tasks)}",
                       f"规划中没有第{n}项任务（共{len(plan.tasks)}项）。")
    node = plan.task(n)
    return {**task_summary(plan, node), "text": node.text,
            "sentences": [{"id": s.id, "text": s.text, "start": s.start, "end": s.end} for s in node.sentences]}


@router.get("/api/plan", summary="十个部分及其任务")
def plan_outline(service: ServiceDep):
    plan = service.plan
    return [{"part": p.numeral, "title": p.title, "label": p.label,
             "sections": [{"section": n.section, "label": n.label, "marker": n.marker}
                          for n in ([p.intro] if p.intro else []) + p.subsections],
             "tasks": [task_summary(plan, t) for t in p.tasks]} for p in plan.parts]
