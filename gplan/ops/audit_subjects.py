"""What the audit log's wording reads: the records a page of entries is about, read in a few
queries rather than one per entry, and the words every kind of entry shares (a task, a body, a
role, a day). The kinds of entry are worded in gplan/ops/audit_text_*.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.models import AuditEntry, Body, Plan, Responsibility, Task, User
from gplan.templating import format_date, locale_code


@dataclass
class Subjects:
    """The records a page of entries is about, read once for the whole page."""

    tasks: dict[int, Task] = field(default_factory=dict)
    duties: dict[int, Responsibility] = field(default_factory=dict)
    plans: dict[int, Plan] = field(default_factory=dict)
    bodies: dict[int, Body] = field(default_factory=dict)
    bodies_by_key: dict[str, Body] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)


def _ids(entries: Iterable[AuditEntry], kind: str) -> set[int]:
    return {e.subject_id for e in entries if e.subject_type == kind and e.subject_id}


def _body_keys(entry: AuditEntry) -> list[str]:
    details = entry.details if isinstance(entry.details, dict) else {}
    keys = [details.get("body"), details.get("group"), details.get("successor")]
    for side in ("before", "after"):
        if isinstance(details.get(side), dict):
            keys.append(details[side].get("body"))
    changes = details.get("changes") if details.get("target") else None
    if isinstance(changes, dict) and isinstance(changes.get("owner"), list):
        keys += changes["owner"]
    return [key for key in keys if isinstance(key, str)]


def load_subjects(entries: list[AuditEntry]) -> Subjects:
    subjects = Subjects()
    if task_ids := _ids(entries, "Task"):
        tasks = db.session.scalars(
            select(Task)
            .where(Task.id.in_(task_ids))
            .options(selectinload(Task.responsibility), selectinload(Task.body))
        )
        subjects.tasks = {task.id: task for task in tasks}
    lookups: tuple[tuple[str, Any, dict[int, Any]], ...] = (
        ("Responsibility", Responsibility, subjects.duties),
        ("Plan", Plan, subjects.plans),
        ("Body", Body, subjects.bodies),
        ("User", User, subjects.users),
    )
    for kind, model, target in lookups:
        if ids := _ids(entries, kind):
            target.update(
                {record.id: record for record in db.session.scalars(select(model).where(model.id.in_(ids)))}
            )
    if keys := {key for entry in entries for key in _body_keys(entry)}:
        subjects.bodies_by_key = {
            b.key: b for b in db.session.scalars(select(Body).where(Body.key.in_(keys)))
        }
    return subjects


def as_day(text: object) -> str:
    try:
        return format_date(date.fromisoformat(str(text)))
    except ValueError:
        return str(text or "—")


class Wording:
    """Words entries in the current language, from the page's :class:`Subjects`; each kind of
    entry is a ``_<action>`` method of a subclass."""

    def __init__(self, subjects: Subjects):
        self.subjects = subjects
        self.locale = locale_code()

    def body(self, key: str | None) -> str:
        found = self.subjects.bodies_by_key.get(key) if key else None
        return found.display_name(self.locale) if found else (key or "—")

    def task(self, entry: AuditEntry) -> str | None:
        task = self.subjects.tasks.get(entry.subject_id) if entry.subject_id is not None else None
        if task is None:
            return None
        return (
            f"{task.responsibility.ref} · {task.body.display_name(self.locale)} · {format_date(task.due_on)}"
        )

    def role(self, side: dict[str, Any]) -> str:
        label = Role.label_of(side.get("role"))
        return f"{label} · {self.body(side['body'])}" if side.get("body") else str(label)
