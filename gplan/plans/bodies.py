"""Administering bodies: names, contact addresses, and new member units of a group."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gplan.collation import name_key
from gplan.extensions import db
from gplan.models import Body, Plan, PlanBody, Responsibility, ResponsibilityBody, User
from gplan.ops import audit
from gplan.tasks.search import fold
from gplan.tasks.sync import TaskSyncResult, sync_tasks
from gplan.validation import InputError

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
EDITABLE = ("name", "name_en", "short_name", "contact_email")


@dataclass(frozen=True)
class BodyRow:
    """A row of the admin's bodies list: a body, and the group it is a member unit of."""

    body: Body
    group: Body | None = None


def _holds(body: Body, typed: str) -> bool:
    return typed in fold(" ".join(filter(None, (body.name, body.name_en, body.short_name, body.key))))


def body_rows(typed: str | None = None) -> list[BodyRow]:
    """Every body as the admin's list shows it: by jurisdiction, groups after the others, in
    Vietnamese order, each group followed by its member units. With ``typed``, only the bodies
    whose names or key hold it, marks ignored ("tu ky" finds "Tứ Kỳ"). The bodies of a
    province are a few hundred, read at once; the page shows a slice of them."""
    query = select(Body).where(Body.parent_id.is_(None)).options(selectinload(Body.members))
    tops = sorted(db.session.scalars(query), key=lambda b: (b.jurisdiction, b.is_group, name_key(b.name)))
    rows = [row for top in tops for row in (BodyRow(top), *(BodyRow(m, top) for m in top.members))]
    wanted = " ".join(fold(typed or "").split())
    return [row for row in rows if _holds(row.body, wanted)] if wanted else rows


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def update_body(actor: User, body: Body, **values: str | None) -> None:
    """Rename a body or set its contact email (where reminders go while it has no focal point)."""
    values = {name: _clean(values.get(name)) for name in EDITABLE}
    if not values["name"]:
        raise InputError(gettext("A body needs a name."), "name")
    if values["contact_email"]:
        values["contact_email"] = values["contact_email"].lower()
    changes = {
        name: [getattr(body, name), value] for name, value in values.items() if getattr(body, name) != value
    }
    for name, value in values.items():
        setattr(body, name, value)
    if changes:
        audit.record(
            audit.BODY_CHANGED,
            actor=actor,
            subject=body,
            summary=f"{body.key}: " + ", ".join(changes),
            details=changes,
        )


def plans_of_group(group: Body) -> list[Plan]:
    """The plans a group takes part in: listed among the plan's bodies, or given a duty."""
    listed = select(PlanBody.plan_id).where(PlanBody.body_id == group.id)
    assigned = (
        select(Responsibility.plan_id)
        .join(ResponsibilityBody, ResponsibilityBody.responsibility_id == Responsibility.id)
        .where(ResponsibilityBody.body_id == group.id)
    )
    return list(db.session.scalars(select(Plan).where(Plan.id.in_(listed.union(assigned))).order_by(Plan.id)))


def suggested_members(group: Body) -> list[tuple[dict[str, Any], str | None]]:
    """The member units the plan files propose for ``group`` and it does not have yet, each
    with the file's note on why (they are inferred: the source names no units)."""
    taken = {member.key for member in group.members}
    found: dict[str, tuple[dict[str, Any], str | None]] = {}
    for link in db.session.scalars(select(PlanBody).where(PlanBody.body_id == group.id)):
        note = link.plan.inference("members", group.key)
        for unit in link.suggested_members or []:
            if unit.get("key") not in taken:
                found.setdefault(str(unit.get("key")), (unit, note))
    return list(found.values())


def add_member(
    actor: User,
    group: Body,
    *,
    key: str,
    name: str,
    name_en: str | None = None,
    short_name: str | None = None,
    contact_email: str | None = None,
) -> tuple[Body, dict[Plan, TaskSyncResult]]:
    """Add a member unit to ``group`` and give it the group's tasks in every plan. The caller commits."""
    if not group.is_group:
        raise InputError(gettext("Member units can only be added to a group."))
    key = (key or "").strip().lower()
    if not KEY_RE.match(key) or len(key) > 80:
        raise InputError(
            gettext("Use lower-case letters, digits and hyphens, e.g. district-thanh-ha."), "key"
        )
    if db.session.scalar(select(Body.id).filter_by(jurisdiction=group.jurisdiction, key=key)):
        raise InputError(gettext("Another body already uses this key."), "key")
    if not _clean(name):
        raise InputError(gettext("A body needs a name."), "name")
    member = Body(
        jurisdiction=group.jurisdiction,
        key=key,
        name=_clean(name),
        name_en=_clean(name_en),
        short_name=_clean(short_name),
        contact_email=(_clean(contact_email) or "").lower() or None,
        parent=group,
    )
    db.session.add(member)
    db.session.flush()
    db.session.refresh(group)
    results = {plan: sync_tasks(plan) for plan in plans_of_group(group)}
    audit.record(
        audit.MEMBER_ADDED,
        actor=actor,
        subject=member,
        summary=f"{group.key} + {member.key}: {member.name}",
        details={"group": group.key, "tasks_created": sum(r.created for r in results.values())},
    )
    return member, results


def as_administered(content: dict[str, Any], jurisdiction: str) -> None:
    """Give a plan file's data (a draft's) the bodies as administered here since it was
    imported: their names, and the member units an admin added to a group (they belong to it
    in the new plan too)."""
    bodies = {b.key: b for b in db.session.scalars(select(Body).where(Body.jurisdiction == jurisdiction))}
    for entry in content.get("bodies", []):
        for item in [entry, *entry.get("members", [])]:
            found = bodies.get(item["key"])
            if found is not None:
                item["name"] = found.name
                for name in ("name_en", "short_name"):
                    value = getattr(found, name)
                    if value:
                        item[name] = value
                    else:
                        item.pop(name, None)
        group = bodies.get(entry["key"])
        if entry.get("group") and group is not None:
            known = {member["key"] for member in entry.get("members", [])}
            entry["members"] = [*entry.get("members", [])] + [
                {"key": m.key, "name": m.name}
                | {name: getattr(m, name) for name in ("name_en", "short_name") if getattr(m, name)}
                for m in group.members
                if m.key not in known
            ]
