"""Added plans, stored under ``<home>/plans/<id>/``: the cleaned text, the parse structure, a record.

A plan is registered by one rename of a fully written folder, so a failed or
interrupted add leaves nothing half-registered: a folder whose name starts
with a dot is never a plan (left-over temporary folders are swept by the next
add), and removal renames the folder away before deleting it.

>>> import tempfile
>>> from assistant.plans.importer import parse_text
>>> store = PlanStore(Path(tempfile.mkdtemp()))
>>> store.add(parse_text("某市规划\\n一、总则\\n1.做好工作。推进。\\n"), "shi-plan").title
'某市规划'
>>> [p.id for p in store.list()], store.get("shi-plan").counts["tasks"]
(['shi-plan'], 1)
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock

from ..errors import PlanRegistryError
from .importer import ParsedPlan
from .report import ParseReport

FORMAT = 1
ID_RE = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z_\-\u4e00-\u9fff]{0,39}$")
RESERVED_IDS = {"bundled", "default"}


@dataclass
class StoredPlan:
    id: str
    title: str
    source: str
    kind: str
    sha256: str
    added: str
    counts: dict
    path: Path

    @property
    def text(self) -> str:
        return (self.path / "plan.txt").read_text("utf-8")

    @property
    def report(self) -> ParseReport:
        return ParseReport.from_dict(json.loads((self.path / "structure.json").read_text("utf-8")))

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "source": self.source, "kind": self.kind,
                "sha256": self.sha256, "added": self.added, "counts": self.counts, "path": str(self.path)}


def default_id(path: Path) -> str:
    """An id from a file name: 'Jiangling Plan 2026.pdf' → 'jiangling-plan-2026'.

    >>> default_id(Path("Jiangling Plan 2026.pdf")), default_id(Path("青渚市规划.txt"))
    ('jiangling-plan-2026', '青渚市规划')
    """
    return re.sub(r"[^0-9a-z_\u4e00-\u9fff]+", "-", path.stem.lower()).strip("-_")[:40]


def check_id(plan_id: str) -> str:
    if not ID_RE.match(plan_id or ""):
        raise PlanRegistryError(
            f"invalid plan id {plan_id!r}: use 1-40 letters, digits, Chinese characters, '-' or '_', "
            "starting with a letter, digit or Chinese character",
            f"规划编号“{plan_id}”无效：请使用1到40个字母、数字、汉字、“-”或“_”。")
    if plan_id.lower() in RESERVED_IDS:
        raise PlanRegistryError(f"plan id {plan_id!r} is reserved for the bundled plan; choose another",
                                f"规划编号“{plan_id}”已保留给内置规划，请换一个。")
    return plan_id


class PlanStore:
    """The added plans in ``<home>/plans``."""

    def __init__(self, home: Path):
        self.root = Path(home) / "plans"

    def _lock(self) -> FileLock:
        self.root.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.root / ".lock"), timeout=60)

    def add(self, parsed: ParsedPlan, plan_id: str, title: str | None = None) -> StoredPlan:
        """Store a parsed plan under ``plan_id``; PlanRegistryError when the id is invalid or taken."""
        check_id(plan_id)
        source = parsed.document.path
        record = {
            "format": FORMAT, "id": plan_id, "title": title or parsed.report.title or plan_id,
            "source": source.name if source else "(text)", "kind": parsed.document.kind,
            "sha256": _sha256(source) if source and source.is_file() else hashlib.sha256(
                parsed.text.encode("utf-8")).hexdigest(),
            "added": datetime.now(timezone.utc).isoformat(timespec="seconds"), "counts": parsed.report.counts,
        }
        with self._lock():
            self._sweep()
            target = self.root / plan_id
            self.check_free(plan_id)
            tmp = self.root / f".tmp-{plan_id}-{uuid.uuid4().hex[:8]}"
            try:
                tmp.mkdir()
                _write(tmp / "plan.txt", parsed.text)
                # the text as extracted, before cleaning: what `assistant eval --plan`'s naive baseline reads
                _write(tmp / "source.txt", "\f".join("\n".join(page) for page in parsed.document.pages))
                _write(tmp / "structure.json", json.dumps(parsed.report.to_dict(), ensure_ascii=False, indent=1))
                _write(tmp / "plan.json", json.dumps(record, ensure_ascii=False, indent=1))
                os.rename(tmp, target)  # the registration: all or nothing
            except OSError as e:
                shutil.rmtree(tmp, ignore_errors=True)
                raise PlanRegistryError(f"cannot store the plan in {self.root}: {e}",
                                        "无法保存规划（磁盘已满或目录不可写）。") from None
            _fsync_dir(self.root)
        return self.get(plan_id)

    def check_free(self, plan_id: str) -> None:
        if (self.root / plan_id).exists():
            raise PlanRegistryError(f"a plan with id {plan_id!r} already exists; remove it first or choose "
                                    "another --id", f"已有编号为“{plan_id}”的规划，请先删除或换一个编号。")

    def list(self) -> list[StoredPlan]:
        if not self.root.is_dir():
            return []
        plans = []
        for folder in sorted(self.root.iterdir()):
            if folder.name.startswith(".") or not (folder / "plan.json").is_file():
                continue
            plans.append(self._load(folder))
        return plans

    def get(self, plan_id: str) -> StoredPlan:
        folder = self.root / plan_id
        if not ID_RE.match(plan_id or "") or not (folder / "plan.json").is_file():
            known = ", ".join(p.id for p in self.list()) or "none"
            raise PlanRegistryError(f"no added plan with id {plan_id!r} (added plans: {known})",
                                    f"没有编号为“{plan_id}”的规划。")
        return self._load(folder)

    def remove(self, plan_id: str) -> StoredPlan:
        plan = self.get(plan_id)
        with self._lock():
            trash = self.root / f".trash-{plan_id}-{uuid.uuid4().hex[:8]}"
            os.rename(plan.path, trash)  # unregistered at once; the files go after
            shutil.rmtree(trash, ignore_errors=True)
        return plan

    def _load(self, folder: Path) -> StoredPlan:
        data = json.loads((folder / "plan.json").read_text("utf-8"))
        return StoredPlan(data["id"], data["title"], data["source"], data["kind"], data["sha256"], data["added"],
                          data["counts"], folder)

    def _sweep(self) -> None:
        """Remove what an interrupted add or remove left (called under the lock: nobody else is writing)."""
        for folder in self.root.iterdir():
            if folder.is_dir() and folder.name.startswith((".tmp-", ".trash-")):
                shutil.rmtree(folder, ignore_errors=True)


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
