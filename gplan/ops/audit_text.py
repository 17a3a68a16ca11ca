"""The audit log's details in the reader's language.

Each entry keeps a plain summary written when it was recorded (for the CSV and for entries
of any age); the log page instead words each entry again from its action, its details and its
subject — a task, a user, a plan, a body — so that "done → not_started" reads "Hoàn thành →
Chưa bắt đầu" in Vietnamese. The subjects of a page are read in a few queries, not one per entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.models import AuditEntry, Body, Plan, Responsibility, Task, User
from gplan.ops.audit import TASK_SUBMITTED
from gplan.tasks.vocabulary import TaskProgress
from gplan.templating import format_date, locale_code

CREATED_SUMMARY = re.compile(r"^(?P<email>.*) \((?P<role>\w+)\)$")
IMPORTED_SUMMARY = re.compile(r"^.* \((?P<how>new|updated)\) from (?P<file>.*)$")
REJECTED_SUMMARY = re.compile(r"^(?P<file>.*): \d+ problem\(s\)$")
REASON_SUMMARY = re.compile(r"\((?P<reason>.*)\)$", re.DOTALL)


def _field_labels() -> dict[str, str]:
    return {
        "name": gettext("Name"),
        "name_en": gettext("Name in English"),
        "short_name": gettext("Short name"),
        "contact_email": gettext("Contact email"),
    }


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


def _day(text: object) -> str:
    try:
        return format_date(date.fromisoformat(str(text)))
    except ValueError:
        return str(text or "—")


class Describer:
    """Words one entry in the current language, from the page's :class:`Subjects`."""

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

    def describe(self, entry: AuditEntry) -> str:
        details = entry.details if isinstance(entry.details, dict) else {}
        method = getattr(self, f"_{entry.action}", None)
        text = method(entry, details) if method else None
        return text or entry.summary

    def _status_changed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        task = self.task(entry)
        before, after = TaskProgress.get(details.get("from")), TaskProgress.get(details.get("to"))
        if task is None or after is None:
            return None
        change = f"{before.title} → " if before is not None else ""
        return f"{task}: {change}{after.title}"

    def _reviewed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        """A review step: the progress change, and the reason given for a return or reopening."""
        text = self._status_changed(entry, details)
        note = details.get("note")
        return f"{text} ({note})" if text and note and entry.action != TASK_SUBMITTED else text

    _task_submitted = _submission_accepted = _submission_returned = _task_reopened = _reviewed

    def _review_settings_changed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        plan = self.subjects.plans.get(entry.subject_id or 0)
        after = details.get("after")
        if plan is None or not isinstance(after, dict):
            return None
        days = int(after.get("review_wait_days") or 0)
        if after.get("review_required"):
            return gettext("%(plan)s: review on, %(days)d working days", plan=plan.code, days=days)
        return gettext("%(plan)s: review off", plan=plan.code)

    def _deadline_extended(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        task = self.task(entry)
        if task is None or "to" not in details:
            return None
        match = REASON_SUMMARY.search(entry.summary or "")
        reason = details.get("reason") or (match["reason"] if match else "")
        text = f"{task}: {_day(details.get('from'))} → {_day(details['to'])}"
        return text + (f" ({reason})" if reason else "")

    def _ad_hoc_task(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        duty = self.subjects.duties.get(entry.subject_id or 0)
        if duty is None:
            return None
        return gettext(
            "%(ref)s for %(body)s, due %(date)s: %(title)s",
            ref=duty.ref,
            body=self.body(details.get("body")),
            date=_day(details.get("due_on")),
            title=duty.text,
        )

    def _user_created(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        match = CREATED_SUMMARY.match(entry.summary or "")
        role = details.get("role") or (match["role"] if match else None)
        user = self.subjects.users.get(entry.subject_id or 0)
        email = user.email if user else (match["email"] if match else "")
        if Role.get(role) is None:
            return None
        return f"{email} ({Role(str(role)).title})"

    def _role_changed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        before, after = details.get("before"), details.get("after")
        user = self.subjects.users.get(entry.subject_id or 0)
        if not isinstance(before, dict) or not isinstance(after, dict):
            return None
        who = user.email if user else ""
        return f"{who}: {self.role(before)} → {self.role(after)}"

    def _plan_imported(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        plan = self.subjects.plans.get(entry.subject_id or 0)
        match = IMPORTED_SUMMARY.match(entry.summary or "")
        filename = details.get("file") or (match["file"] if match else None)
        created = details.get("created") if "created" in details else (match and match["how"] == "new")
        if plan is None or filename is None:
            return None
        name = f"{plan.code} {plan.period_label}"
        if created:
            return gettext("%(plan)s: new plan, from %(file)s", plan=name, file=filename)
        return gettext("%(plan)s: updated from %(file)s", plan=name, file=filename)

    def _import_rejected(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        match = REJECTED_SUMMARY.match(entry.summary or "")
        filename = details.get("file") or (match["file"] if match else None)
        problems = details.get("problems")
        if filename is None or not isinstance(problems, list):
            return None
        count = details.get("count", len(problems))
        return ngettext("%(file)s: %(num)d problem", "%(file)s: %(num)d problems", count, file=filename)

    def _due_days_changed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        plan = self.subjects.plans.get(entry.subject_id or 0)
        changes = details.get("changes")
        if plan is None or not isinstance(changes, dict):
            return None
        days = plan.due_days or {}

        def label(name: str) -> str:
            day = days.get(name) or {}
            return (day.get("label_en") if self.locale == "en" else None) or day.get("label") or name

        parts = [f"{label(name)} {old} → {new}" for name, (old, new) in changes.items()]
        return f"{plan.code} {plan.period_label}: " + ", ".join(parts)

    def _body_changed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        body = self.subjects.bodies.get(entry.subject_id or 0)
        labels = _field_labels()
        if body is None or not details or not set(details) <= set(labels):
            return None
        parts = [f"{labels[name]}: “{old or '—'}” → “{new or '—'}”" for name, (old, new) in details.items()]
        return f"{body.display_name(self.locale)} — " + "; ".join(parts)

    def _member_added(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        member = self.subjects.bodies.get(entry.subject_id or 0)
        if member is None or not details.get("group"):
            return None
        return ngettext(
            "%(member)s joins %(group)s (%(num)d task created)",
            "%(member)s joins %(group)s (%(num)d tasks created)",
            details.get("tasks_created", 0),
            member=member.display_name(self.locale),
            group=self.body(details["group"]),
        )

    def _draft_changed(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        """An edit of a plan draft: which of its header fields or of a duty's parts changed."""
        labels = _draft_labels()
        header, duty = details.get("plan"), details.get("duty")
        if isinstance(header, dict) and set(header) <= set(labels):
            return gettext("Draft header: %(fields)s", fields=", ".join(labels[n] for n in header))
        changes = details.get("changes")
        if isinstance(duty, str) and isinstance(changes, dict) and set(changes) <= set(labels):
            return f"{duty}: " + ", ".join(labels[name] for name in changes)
        target = details.get("target")
        if isinstance(target, str) and isinstance(changes, dict):
            if "owner" in changes:
                body = self.body(changes["owner"][1])
                text = gettext("Target %(ref)s: figure reported by %(body)s", ref=target, body=body)
            else:
                text = gettext("Target %(ref)s: owner confirmed", ref=target)
            return text + (" (" + gettext("no longer inferred") + ")" if "basis" in changes else "")
        return None

    def _body_retired(self, entry: AuditEntry, details: dict[str, Any]) -> str | None:
        body = self.subjects.bodies.get(entry.subject_id or 0)
        if body is None or "on" not in details:
            return None
        closed = details.get("closed")
        words = {
            "body": body.display_name(self.locale),
            "date": _day(details["on"]),
            "moved": int(details.get("moved") or 0),
            "closed": len(closed) if isinstance(closed, list) else 0,
        }
        if details.get("successor"):
            text = gettext(
                "%(body)s retired from %(date)s: %(moved)d open tasks moved to %(successor)s, "
                "%(closed)d closed",
                successor=self.body(details["successor"]),
                **words,
            )
        else:
            text = gettext("%(body)s retired from %(date)s: %(closed)d open tasks closed", **words)
        return f"{text} ({details['reason']})" if details.get("reason") else text


def _draft_labels() -> dict[str, str]:
    return {
        "code": gettext("Number"),
        "title": gettext("Title"),
        "title_en": gettext("Title in English"),
        "issued_on": gettext("Date of issue"),
        "text": gettext("Text"),
        "assignees": gettext("Bodies that get the tasks"),
        "lead": gettext("Lead"),
        "coordinating": gettext("Coordinating"),
        "schedule": gettext("Schedule"),
    }


def describe_entries(entries: list[AuditEntry]) -> dict[int, str]:
    """Each entry's details in the current language, by entry id."""
    describer = Describer(load_subjects(entries))
    return {entry.id: describer.describe(entry) for entry in entries}
